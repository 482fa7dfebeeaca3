/**
 * Cross-file: the module graph of tests/fixtures/fork-graph: local modules that open a pool
 * at load, factories and classes they export, and lazy or `await import()` loads.
 */
import { code, RuleTester } from '../../rule-tester';
import rule from '../../../src/rules/no-pool-before-fork';
import { SERVER_JS, SERVER_MJS, SERVER_TS } from './shared';

const ruleTester = new RuleTester();

ruleTester.run('no-pool-before-fork', rule, {
  valid: [
    // ---- cross-file: the module graph ----
    // a db module that only exports a factory
    {
      code: code`
        const cluster = require('cluster');
        const { makePool } = require('./db-factory');
        if (cluster.isPrimary) cluster.fork();
        else makePool();
      `,
      filename: SERVER_JS,
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import { getPool } from './db-lazy.mjs';
        if (cluster.isPrimary) cluster.fork();
        else await getPool().query('select 1');
      `,
      filename: SERVER_MJS,
    },
    // over several lines, a module that creates nothing at load is as silent
    {
      code: code`
        import cluster from 'node:cluster';
        export {
          getPool,
        } from './db-lazy.mjs';
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_MJS,
    },
    // a module that only declares a class whose instances open the pool
    {
      code: code`
        const cluster = require('cluster');
        const { Db } = require('./db-class');
        if (cluster.isPrimary) cluster.fork();
        else new Db();
      `,
      filename: SERVER_JS,
    },
    // an imported class constructed only in the child, or one whose pool opens in a method, not on `new`
    {
      code: code`
        import cluster from 'node:cluster';
        import { DatabaseService, LazyService } from './ts/db-service';
        import Repo from './class-constructor.mjs';
        const lazy = new LazyService();
        if (cluster.isPrimary) {
          cluster.fork();
        } else {
          const db = new DatabaseService();
          new Repo();
        }
      `,
      filename: SERVER_TS,
    },
    // the primary's own pool, allowed
    {
      code: code`
        import cluster from 'node:cluster';
        import { DatabaseService } from './ts/db-service';
        if (cluster.isPrimary) {
          const db = new DatabaseService();
          cluster.fork();
        }
      `,
      filename: SERVER_TS,
      options: [{ allowPrimaryPools: true }],
    },
    // `import type x = require()` loads nothing
    {
      code: code`
        import cluster = require('node:cluster');
        import type db = require('./ts/db');
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_TS,
    },
    // a module that guards its own creation
    {
      code: code`
        const cluster = require('cluster');
        const { pool } = require('./db-guarded');
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_JS,
    },
    // lazy require() / import() inside the worker branch
    {
      code: code`
        const cluster = require('cluster');
        if (cluster.isPrimary) {
          cluster.fork();
        } else {
          const pool = require('./db-creates');
        }
      `,
      filename: SERVER_JS,
    },
    {
      code: code`
        import { Worker, isMainThread } from 'node:worker_threads';
        if (isMainThread) {
          new Worker(new URL(import.meta.url));
        } else {
          const { pool } = await import('./ts/db.js');
        }
      `,
      filename: SERVER_MJS,
    },
    // a lazy load in the primary's branch, where the primary's pools are allowed
    {
      code: code`
        const cluster = require('cluster');
        if (cluster.isPrimary) {
          const pool = require('./db-creates');
          cluster.fork();
        }
      `,
      filename: SERVER_JS,
      options: [{ allowPrimaryPools: true }],
    },
    // a lazy load in the primary's branch of a module that only exports a factory
    {
      code: code`
        const cluster = require('cluster');
        if (cluster.isPrimary) {
          const { makePool } = require('./db-factory');
          cluster.fork();
        }
      `,
      filename: SERVER_JS,
    },
    // an imported factory called only in a handler, or one whose call opens no pool
    {
      code: code`
        import cluster from 'node:cluster';
        import { getPool } from './db-lazy.mjs';
        import { build, later, ping, label } from './factory-deferred.mjs';
        process.on('message', () => getPool());
        build();
        later();
        ping();
        label();
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_MJS,
    },
    // ---- a creator or a fork module loaded with `await import()` ----
    code`
      const cluster = await import('node:cluster');
      const { Pool } = await import('pg');
      if (cluster.isPrimary) cluster.fork();
      else new Pool();
    `,
    code`
      import cluster from 'node:cluster';
      if (cluster.isPrimary) {
        cluster.fork();
      } else {
        const pg = await import('pg');
        new pg.default.Pool();
      }
    `,
  ],
  invalid: [
    // ---- cross-file: a local module that creates a pool at load ----
    {
      code: code`
        const cluster = require('cluster');
        const pool = require('./db-creates');
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_JS,
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 14 }],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import pool from './db-creates.js';
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_MJS,
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 1 }],
    },
    // an ES module's own `require`, made by createRequire under another name, loads the module at load too
    {
      code: code`
        import cluster from 'node:cluster';
        import { createRequire } from 'node:module';
        const load = createRequire(import.meta.url);
        const pool = load('./db-creates');
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_MJS,
      errors: [{ messageId: 'importCreatesPool', line: 4, column: 14 }],
    },
    // with Node globals configured, `require` is a declared global, not an unresolved name
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        const db = require('./db-creates');
        const pool = new Pool();
        cluster.fork();
      `,
      filename: SERVER_JS,
      languageOptions: { globals: { require: 'readonly', module: 'writable', __filename: 'readonly' } },
      errors: [
        { messageId: 'importCreatesPool', line: 3, column: 12 },
        { messageId: 'poolBeforeFork', line: 4, column: 14 },
      ],
    },
    // TypeScript's `.js` specifier for a `.ts` file
    {
      code: code`
        import cluster from 'node:cluster';
        import { pool } from './ts/db.js';
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_TS,
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 1 }],
    },
    // a directory's index that re-exports the creating module
    {
      code: code`
        import { Worker, isMainThread } from 'node:worker_threads';
        import './ts';
        if (isMainThread) new Worker(new URL(import.meta.url));
      `,
      filename: SERVER_TS,
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 1 }],
    },
    // transitively
    {
      code: code`
        const { fork } = require('node:child_process');
        require('./chain-a');
        fork(__filename);
      `,
      filename: SERVER_JS,
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 1 }],
    },
    // through a cycle, which still terminates
    {
      code: code`
        import cluster from 'node:cluster';
        import { name } from './cycle-pool-a.mjs';
        cluster.fork();
      `,
      filename: SERVER_MJS,
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 1 }],
    },
    // a re-export loads the module too
    {
      code: code`
        import cluster from 'node:cluster';
        export * from './db-creates.js';
        cluster.fork();
      `,
      filename: SERVER_MJS,
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 1 }],
    },
    // TypeScript's import-equals of a local module
    {
      code: code`
        import cluster = require('node:cluster');
        import db = require('./ts/db');
        if (cluster.isPrimary) cluster.fork();
        else db.pool.query('select 1');
      `,
      filename: SERVER_TS,
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 1 }],
    },
    {
      code: code`
        import cluster = require('node:cluster');
        export import pool = require('./db-creates.js');
        cluster.fork();
      `,
      filename: SERVER_TS,
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 1 }],
    },
    // a declaration over several lines is reported from its first line to the module's name, so that a disable comment above it applies
    {
      code: code`
        import cluster from 'node:cluster';
        import {
          pool,
          pool as replica,
        } from './db-calls-factory.mjs';
        export {
          pool as shared,
        } from './ts/db.js';
        export * from
          './db-creates.js';
        cluster.fork();
      `,
      filename: SERVER_MJS,
      errors: [
        { messageId: 'importCreatesPool', line: 2, column: 1, endLine: 5, endColumn: 32 },
        { messageId: 'importCreatesPool', line: 6, column: 1, endLine: 8, endColumn: 20 },
        { messageId: 'importCreatesPool', line: 9, column: 1, endLine: 10, endColumn: 20 },
      ],
    },
    {
      code: code`
        import cluster = require('node:cluster');
        import db = require(
          './ts/db'
        );
        const pool = require(
          './db-creates'
        );
        cluster.fork();
      `,
      filename: SERVER_TS,
      errors: [
        { messageId: 'importCreatesPool', line: 2, column: 1, endLine: 3 },
        { messageId: 'importCreatesPool', line: 5, column: 14, endLine: 6 },
      ],
    },
    // a static field opens its pool as the module loads
    {
      code: code`
        const cluster = require('cluster');
        const { Db } = require('./db-static-class');
        cluster.fork();
      `,
      filename: SERVER_JS,
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 16 }],
    },
    // a top-level await import() on the shared path
    {
      code: code`
        import cluster from 'node:cluster';
        const { pool } = await import('./ts/db.js');
        cluster.fork();
      `,
      filename: SERVER_MJS,
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 24 }],
    },

    // a creation over several lines is quoted as its callee, as in poolBeforeFork
    {
      code: code`
        const cluster = require('cluster');
        const pool = require('./db-multiline');
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_JS,
      errors: [
        {
          messageId: 'importCreatesPool',
          line: 2,
          column: 14,
          data: {
            source: './db-multiline',
            origin: '`new Pool(...)` in db-multiline.js:3',
            forkLine: '3',
            parent: 'primary process',
            children: 'worker processes',
          },
        },
      ],
    },
    // ---- a creator or a fork module loaded with `await import()` ----
    {
      code: code`
        import cluster from 'node:cluster';
        const { Pool } = await import('pg');
        const pool = new Pool({ max: 20 });
        const other = new (await import('pg')).default.Pool();
        if (cluster.isPrimary) cluster.fork();
      `,
      errors: [
        { messageId: 'poolBeforeFork', line: 3, column: 14 },
        { messageId: 'poolBeforeFork', line: 4, column: 15 },
      ],
    },
    {
      code: code`
        const cluster = await import('node:cluster');
        const pg = await import('pg');
        const pool = new pg.Pool();
        if (cluster.isPrimary) cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 14 }],
    },
    {
      code: code`
        const { fork } = await import('node:child_process');
        import { Pool } from 'pg';
        const pool = new Pool();
        if (!process.send) fork(import.meta.filename);
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 14 }],
    },
    // ---- cross-file: a module that calls its own factory at load ----
    {
      code: code`
        const cluster = require('cluster');
        const { pool } = require('./db-calls-factory');
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_JS,
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 18 }],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import { pool } from './db-calls-factory.mjs';
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_MJS,
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 1 }],
    },
    // a require() inside a function the forking file calls at load
    {
      code: code`
        const cluster = require('cluster');
        function loadDb() {
          return require('./db-creates');
        }
        const db = loadDb();
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_JS,
      errors: [{ messageId: 'importCreatesPool', line: 3, column: 10 }],
    },
    // ---- cross-file: a lazy load in the primary's branch opens the pool in the primary ----
    {
      code: code`
        const cluster = require('cluster');
        if (cluster.isPrimary) {
          const pool = require('./db-creates');
          cluster.fork();
        }
      `,
      filename: SERVER_JS,
      errors: [{ messageId: 'poolInPrimary', line: 3, column: 16 }],
    },
    {
      code: code`
        import { Worker, isMainThread } from 'node:worker_threads';
        if (isMainThread) {
          const { pool } = await import('./ts/db.js');
          new Worker(new URL(import.meta.url));
        }
      `,
      filename: SERVER_MJS,
      errors: [{ messageId: 'poolInPrimary', line: 3, column: 26 }],
    },
    // ---- cross-file: a call at load of an imported function that creates a pool ----
    {
      code: code`
        import cluster from 'node:cluster';
        import { getPool } from './db-factory-called-lazily.mjs';
        import { init } from './factory-init.mjs';
        const pool = getPool();
        init();
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_MJS,
      errors: [
        { messageId: 'poolBeforeFork', line: 4, column: 14 },
        { messageId: 'poolBeforeFork', line: 5, column: 1 },
      ],
    },
    {
      code: code`
        const cluster = require('cluster');
        const { makePool } = require('./db-factory');
        const db = require('./db-factory');
        const pool = makePool();
        if (cluster.isPrimary) {
          db.makePool();
          cluster.fork();
        }
      `,
      filename: SERVER_JS,
      errors: [
        { messageId: 'poolBeforeFork', line: 4, column: 14 },
        { messageId: 'poolInPrimary', line: 6, column: 3 },
      ],
    },
    // re-exported, through a namespace, calling another module's factory, from a local function called at load
    {
      code: code`
        import cluster from 'node:cluster';
        import * as db from './factory-reexport.mjs';
        import { connect } from './factory-via-import.mjs';
        db.open();
        db.connect();
        function setup() {
          return connect();
        }
        await setup();
        const { getPool } = await import('./db-lazy.mjs');
        getPool();
        cluster.fork();
      `,
      filename: SERVER_MJS,
      errors: [
        { messageId: 'poolBeforeFork', line: 4, column: 1 },
        { messageId: 'poolBeforeFork', line: 5, column: 1 },
        { messageId: 'poolBeforeFork', line: 7, column: 10 },
        { messageId: 'poolBeforeFork', line: 11, column: 1 },
      ],
    },
    // ---- cross-file: `new` at load of an imported class whose constructor or instance field creates a pool ----
    {
      code: code`
        import cluster from 'node:cluster';
        import { DatabaseService } from './ts/db-service';
        async function bootstrap() {
          const db = new DatabaseService();
          if (cluster.isPrimary) {
            cluster.fork();
            return;
          }
          await db.query('select 1');
        }
        void bootstrap();
      `,
      filename: SERVER_TS,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 14 }],
    },
    {
      code: code`
        const cluster = require('cluster');
        const { Db } = require('./db-class');
        const db = new Db();
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_JS,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 12 }],
    },
    // a constructor in the primary's branch; a factory that constructs its module's class
    {
      code: code`
        import cluster from 'node:cluster';
        import Repo from './class-constructor.mjs';
        import { build } from './factory-class.mjs';
        const repo = build();
        if (cluster.isPrimary) {
          new Repo();
          cluster.fork();
        }
      `,
      filename: SERVER_MJS,
      errors: [
        { messageId: 'poolBeforeFork', line: 4, column: 14 },
        { messageId: 'poolInPrimary', line: 6, column: 3 },
      ],
    },
  ],
});
