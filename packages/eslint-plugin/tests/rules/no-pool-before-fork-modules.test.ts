/**
 * no-pool-before-fork against local modules read from disk
 * (tests/fixtures/fork-graph): runnable scripts whose pool opens only when
 * they are the entry, an imported helper that ends its own pool, subpath
 * conditions picked by the kind of load, JavaScript before its TypeScript
 * twin, and that a module shared by many imports is analysed once.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { Linter } from 'eslint';
import { describe, it } from 'mocha';

import { code, RuleTester } from '../rule-tester';
import rule from '../../src/rules/no-pool-before-fork';
import { loadTimeAnalyses } from '../../src/util/load-time-verdicts';

const GRAPH = path.join(__dirname, '..', 'fixtures', 'fork-graph');
/** The forking files; they need not exist, their neighbours do. */
const SERVER_JS = path.join(GRAPH, 'server.js');
const SERVER_MJS = path.join(GRAPH, 'server.mjs');
const SERVER_TS = path.join(GRAPH, 'server.ts');
const SUBPATH_SERVER_JS = path.join(GRAPH, 'subpath', 'src', 'server.js');
const TYPE_BARREL_SERVER_TS = path.join(GRAPH, 'type-barrel', 'server.ts');

/** CommonJS lets a module `return` at top level. */
const commonjs = { parserOptions: { sourceType: 'script', ecmaFeatures: { globalReturn: true } } } as const;

const ruleTester = new RuleTester();

ruleTester.run('no-pool-before-fork (local modules)', rule, {
  valid: [
    // ---- a runnable script's pool opens only when it is the entry ----
    {
      code: code`
        const cluster = require('cluster');
        const { migrate } = require('./entry-only-cjs');
        if (cluster.isPrimary) cluster.fork();
        else migrate(new (require('pg').Pool)());
      `,
      filename: SERVER_JS,
      languageOptions: commonjs,
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import { seed } from './entry-only-esm.mjs';
        if (cluster.isPrimary) cluster.fork();
        else await seed();
      `,
      filename: SERVER_MJS,
    },
    // ---- a runnable script that, only when it is the entry, calls its own function that opens a pool ----
    ...['./entry-calls-main', './entry-calls-factory'].map(module => ({
      code: code`
        const cluster = require('cluster');
        require('${module}');
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_JS,
      languageOptions: commonjs,
    })),
    {
      code: code`
        import cluster from 'node:cluster';
        import { makePool } from './entry-calls-factory.mjs';
        if (cluster.isPrimary) cluster.fork();
        else await makePool().query('select 1');
      `,
      filename: SERVER_MJS,
    },
    // ---- an imported helper that ends its own pool, awaited before the fork ----
    {
      code: code`
        const cluster = require('node:cluster');
        const { migrate } = require('./migrate-helper');
        async function main() {
          if (cluster.isPrimary) {
            await migrate();
            for (let i = 0; i < 2; i++) cluster.fork();
          } else {
            require('./server-app');
          }
        }
        main();
      `,
      filename: SERVER_JS,
      languageOptions: commonjs,
    },
    // ---- a migration module that ends its pool as it loads, awaited in the primary before the fork ----
    {
      code: code`
        import cluster from 'node:cluster';
        if (cluster.isPrimary) {
          await import('./migrate-at-load.mjs');
          for (let i = 0; i < 8; i++) cluster.fork();
        } else {
          await import('./server-app.js');
        }
      `,
      filename: SERVER_MJS,
    },
    // ---- require('#by-load') takes the `require` condition: a factory only ----
    {
      code: code`
        const cluster = require('cluster');
        const { getPool } = require('#by-load');
        if (cluster.isPrimary) cluster.fork();
        else getPool().query('select 1');
      `,
      filename: SUBPATH_SERVER_JS,
      languageOptions: commonjs,
    },
    // ---- black-box t12e: a barrel that re-exports only types of a module that opens a pool at load ----
    // `export { type X } from`, `export { X } from` of an interface, a type alias or a namespace of types,
    // and of a module that itself re-exports them as types: tsc drops each, and the barrel loads factory.ts only
    ...['./index-type-marked.js', './index-type-names.js', './index-type-chain.js'].map(barrel => ({
      code: code`
        import cluster from 'node:cluster';
        import { createDb, type DbConfig } from '${barrel}';
        const config: DbConfig = { max: 1 };
        if (cluster.isPrimary) cluster.fork();
        else createDb(config.max);
      `,
      filename: TYPE_BARREL_SERVER_TS,
    })),
    // the forking file's own re-exports of types
    {
      code: code`
        import cluster from 'node:cluster';
        export { DbConfig, Settings } from './db.js';
        export { type Shape } from './db.js';
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: TYPE_BARREL_SERVER_TS,
    },
    // ---- from JavaScript, './js-twin/db' is db.js (a factory), as Node loads it ----
    {
      code: code`
        const cluster = require('cluster');
        const { getPool } = require('./js-twin/db');
        if (cluster.isPrimary) cluster.fork();
        else getPool().query('select 1');
      `,
      filename: SERVER_JS,
      languageOptions: commonjs,
    },
  ],
  invalid: [
    // Modules whose pool opens when imported: the factory is called under the entry guard but also at
    // the top level; `module.parent` holds when imported; `require.main !== module` holds when imported.
    ...['./entry-and-load-calls', './module-parent-set', './entry-not-guarded'].map(source => ({
      code: code`
        const cluster = require('cluster');
        const { pool } = require('${source}');
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_JS,
      languageOptions: commonjs,
      errors: [{ messageId: 'importCreatesPool' as const, line: 2, column: 18 }],
    })),
    // a module that ends its pool as it loads: not awaited, after the fork, its end not awaited, or loading one left open
    {
      code: code`
        import cluster from 'node:cluster';
        if (cluster.isPrimary) {
          import('./migrate-at-load.mjs');
          cluster.fork();
        }
      `,
      filename: SERVER_MJS,
      errors: [{ messageId: 'poolInPrimary', line: 3, column: 3 }],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        if (cluster.isPrimary) {
          cluster.fork();
          await import('./migrate-at-load.mjs');
        }
      `,
      filename: SERVER_MJS,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 9 }],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        if (cluster.isPrimary) {
          await import('./migrate-end-not-awaited.mjs');
          await import('./migrate-then-db.mjs');
          cluster.fork();
        }
      `,
      filename: SERVER_MJS,
      errors: [
        { messageId: 'poolInPrimary', line: 3, column: 9 },
        { messageId: 'poolInPrimary', line: 4, column: 9 },
      ],
    },
    // on the shared path, every process opens the migration's pool, however briefly
    {
      code: code`
        import cluster from 'node:cluster';
        import './migrate-at-load.mjs';
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_MJS,
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 1 }],
    },
    // the helper is not awaited: its pool may still be open when the workers start
    {
      code: code`
        const cluster = require('node:cluster');
        const { migrate } = require('./migrate-helper');
        if (cluster.isPrimary) {
          migrate();
          cluster.fork();
        }
      `,
      filename: SERVER_JS,
      languageOptions: commonjs,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 3 }],
    },
    // awaited, but after the fork: the primary holds the pool while the workers run
    {
      code: code`
        const cluster = require('node:cluster');
        const { migrate } = require('./migrate-helper');
        async function main() {
          if (cluster.isPrimary) {
            cluster.fork();
            await migrate();
          }
        }
        main();
      `,
      filename: SERVER_JS,
      languageOptions: commonjs,
      errors: [{ messageId: 'poolInPrimary', line: 6, column: 11 }],
    },
    // on the shared path, every process opens the helper's pool, however briefly
    {
      code: code`
        const cluster = require('node:cluster');
        const { migrate } = require('./migrate-helper');
        await migrate();
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_MJS,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 7 }],
    },
    // import '#by-load' takes the `import` condition: a pool at load
    {
      code: code`
        import cluster from 'node:cluster';
        import { pool } from '#by-load';
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: path.join(GRAPH, 'subpath', 'src', 'server.mjs'),
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 1 }],
    },
    // a barrel that re-exports a value of the module, a type merged with a value, a `declare const` (a value
    // to tsc) or everything (`export *`) loads the module, and its pool
    ...['./index-value.js', './index-merged.js', './index-declared.js', './index-star.js'].map(barrel => ({
      code: code`
        import cluster from 'node:cluster';
        import * as db from '${barrel}';
        if (cluster.isPrimary) cluster.fork();
        else console.log(db);
      `,
      filename: TYPE_BARREL_SERVER_TS,
      errors: [{ messageId: 'importCreatesPool' as const, line: 2, column: 1 }],
    })),
    // the forking file's own re-export of a value and a type together
    {
      code: code`
        import cluster from 'node:cluster';
        export { DbConfig, pool } from './db.js';
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: TYPE_BARREL_SERVER_TS,
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 1 }],
    },
    // from TypeScript, './js-twin/db' is the twin db.ts, which creates a pool at load
    {
      code: code`
        import cluster from 'node:cluster';
        import { pool } from './js-twin/db';
        if (cluster.isPrimary) cluster.fork();
        else pool.query('select 1');
      `,
      filename: SERVER_TS,
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 1 }],
    },
  ],
});

/** Runs `body` in a fresh temporary directory, removed afterwards. */
function inTempDir(prefix: string, body: (dir: string) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  try {
    body(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The messages of the rule on `text`, linted as `dir`/server.js. */
function lintForkingFile(dir: string, text: string): Linter.LintMessage[] {
  const plugin = { rules: { 'no-pool-before-fork': rule } } as unknown as NonNullable<Linter.Config['plugins']>[string];
  return new Linter({ cwd: dir, configType: 'flat' }).verify(
    text,
    {
      files: ['**/*.js'],
      plugins: { poolguard: plugin },
      languageOptions: { sourceType: 'commonjs' },
      rules: { 'poolguard/no-pool-before-fork': 'error' },
    },
    path.join(dir, 'server.js'),
  );
}

describe('no-pool-before-fork analyses each local module once', () => {
  it('reads a module that every import of the forking file shares once, and again only when it changes', () => {
    inTempDir('poolguard-shared-', dir => {
      // Ten imports that each load shared.js, which loads leaf.js: twelve modules in all.
      // The leaf names a creator (lazily: no pool at load), so that the text prefilter (creator-reach) lets the walk read them all.
      fs.writeFileSync(path.join(dir, 'leaf.js'), "exports.name = 'leaf';\nexports.connect = () => require('pg');\n");
      fs.writeFileSync(path.join(dir, 'shared.js'), "require('./leaf');\nexports.ok = true;\n");
      const names = Array.from({ length: 10 }, (_, i) => `part${i}`);
      for (const name of names) fs.writeFileSync(path.join(dir, `${name}.js`), "require('./shared');\n");
      const server = [
        "const cluster = require('cluster');",
        ...names.map(name => `require('./${name}');`),
        'if (cluster.isPrimary) cluster.fork();',
      ].join('\n');
      const lint = (): number => {
        const before = loadTimeAnalyses.count;
        const messages = lintForkingFile(dir, server);
        assert.deepEqual(messages, []);
        return loadTimeAnalyses.count - before;
      };
      assert.equal(lint(), 12);
      // A second forking file of the same run reuses every verdict.
      assert.equal(lint(), 0);
      // An edit to the leaf is seen: the leaf and every module that loads it are read again.
      const leaf = path.join(dir, 'leaf.js');
      const later = new Date(fs.statSync(leaf).mtime.getTime() + 5000);
      fs.utimesSync(leaf, later, later);
      assert.equal(lint(), 12);
    });
  });

  it('sees an edit that turns a type a barrel re-exports into a value', () => {
    inTempDir('poolguard-type-barrel-', dir => {
      const db = path.join(dir, 'db.ts');
      fs.writeFileSync(db, "import { Pool } from 'pg';\nexport const pool = new Pool();\nexport interface Config { max: number }\n");
      fs.writeFileSync(path.join(dir, 'index.ts'), "export { Config } from './db';\n");
      const server = "const cluster = require('cluster');\nrequire('./index');\nif (cluster.isPrimary) cluster.fork();\n";
      assert.deepEqual(lintForkingFile(dir, server), []);
      // `Config` is now a value: the barrel's re-export loads db.ts, and its pool.
      fs.writeFileSync(db, "import { Pool } from 'pg';\nexport const pool = new Pool();\nexport const Config = { max: 1 };\n");
      const later = new Date(fs.statSync(db).mtime.getTime() + 5000);
      fs.utimesSync(db, later, later);
      assert.deepEqual(
        lintForkingFile(dir, server).map(m => [m.messageId, m.line]),
        [['importCreatesPool', 2]],
      );
    });
  });

  it('reads a cycle of modules once and still finds a pool behind it', () => {
    inTempDir('poolguard-cycle-', dir => {
      // a.js ⇄ b.js; b.js also loads pool.js, which opens a pool.
      fs.writeFileSync(path.join(dir, 'a.js'), "require('./b');\n");
      fs.writeFileSync(path.join(dir, 'b.js'), "require('./a');\nrequire('./pool');\n");
      fs.writeFileSync(path.join(dir, 'pool.js'), "const { Pool } = require('pg');\nexports.pool = new Pool();\n");
      const server = "const cluster = require('cluster');\nrequire('./a');\nrequire('./b');\nif (cluster.isPrimary) cluster.fork();\n";
      const before = loadTimeAnalyses.count;
      const messages = lintForkingFile(dir, server);
      assert.deepEqual(
        messages.map(m => [m.messageId, m.line]),
        [
          ['importCreatesPool', 2],
          ['importCreatesPool', 3],
        ],
      );
      assert.equal(loadTimeAnalyses.count - before, 3);
    });
  });

  it('parses nothing of a large local graph that names no creator package', () => {
    inTempDir('poolguard-no-creator-', dir => {
      // Sixty modules, each loading the next two, none quoting a creator package.
      for (let i = 0; i < 60; i++) {
        const loads = [i + 1, i + 2].filter(n => n < 60).map(n => `require('./m${n}');`);
        fs.writeFileSync(path.join(dir, `m${i}.js`), [...loads, `exports.id = ${i};`, ''].join('\n'));
      }
      const server = "const cluster = require('cluster');\nrequire('./m0');\nif (cluster.isPrimary) cluster.fork();\n";
      const before = loadTimeAnalyses.count;
      assert.deepEqual(lintForkingFile(dir, server), []);
      assert.equal(loadTimeAnalyses.count - before, 0);
    });
  });

  it('parses only the modules from which one naming a creator package is reachable', () => {
    inTempDir('poolguard-some-creator-', dir => {
      // index.js loads twenty plain modules and cache.js, which requires ioredis only when called.
      const names = Array.from({ length: 20 }, (_, i) => `plain${i}`);
      for (const name of names) fs.writeFileSync(path.join(dir, `${name}.js`), 'exports.ok = true;\n');
      fs.writeFileSync(path.join(dir, 'cache.js'), "exports.connect = () => new (require('ioredis'))();\n");
      fs.writeFileSync(path.join(dir, 'index.js'), [...names, 'cache'].map(name => `require('./${name}');`).join('\n') + '\n');
      const server = "const cluster = require('cluster');\nrequire('./index');\nif (cluster.isPrimary) cluster.fork();\n";
      const before = loadTimeAnalyses.count;
      assert.deepEqual(lintForkingFile(dir, server), []);
      // index.js and cache.js.
      assert.equal(loadTimeAnalyses.count - before, 2);
    });
  });

  describe('still finds a creator the text prefilter reaches only through', () => {
    const POOL = "const { Pool } = require('pg');\nexports.pool = new Pool();\n";
    const cases: { name: string; files: Record<string, string>; load: string }[] = [
      { name: 'a re-export', files: { 'reexport.mjs': "export { pool } from './pool.mjs';\n", 'pool.mjs': "import pg from 'pg';\nexport const pool = new pg.Pool();\n" }, load: "require('./reexport.mjs');" },
      { name: 'a barrel', files: { 'lib/index.js': "module.exports = { ...require('./db'), ...require('./util') };\n", 'lib/db.js': POOL, 'lib/util.js': 'exports.u = 1;\n' }, load: "require('./lib');" },
      { name: 'an #imports alias', files: { 'package.json': '{ "imports": { "#db": "./lib/db.js" } }\n', 'lib/db.js': POOL }, load: "require('#db');" },
      { name: 'a tsconfig path', files: { 'tsconfig.json': '{ "compilerOptions": { "paths": { "@/*": ["./lib/*"] } } }\n', 'lib/db.js': POOL, 'via.js': "require('@/db');\n" }, load: "require('./via');" },
      { name: 'a template-literal require', files: { 'via.js': 'require(`./db`);\n', 'db.js': POOL }, load: "require('./via');" },
      { name: 'a cycle', files: { 'a.js': "require('./b');\n", 'b.js': "require('./a');\nrequire('./db');\n", 'db.js': POOL }, load: "require('./a');" },
      { name: 'a require() with a comment inside', files: { 'mid.js': "require(/* the pool */ './db');\n", 'db.js': POOL }, load: "require('./mid');" },
      { name: 'a creator package named by concatenation', files: { 'mid.js': "require('./db');\n", 'db.js': "const { Pool } = require('p' + 'g');\nexports.pool = new Pool();\n" }, load: "require('./mid');" },
      { name: 'a path built beside the module', files: { 'via.js': "const path = require('path');\nrequire(path.join(__dirname, 'lib', 'db'));\n", 'lib/db.js': POOL }, load: "require('./via');" },
    ];
    for (const { name, files, load } of cases) {
      it(name, () => {
        inTempDir('poolguard-reach-', dir => {
          for (const [file, text] of Object.entries(files)) {
            fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
            fs.writeFileSync(path.join(dir, file), text);
          }
          const server = `const cluster = require('cluster');\n${load}\nif (cluster.isPrimary) cluster.fork();\n`;
          assert.deepEqual(
            lintForkingFile(dir, server).map(m => [m.messageId, m.line]),
            [['importCreatesPool', 2]],
          );
        });
      });
    }
  });
});
