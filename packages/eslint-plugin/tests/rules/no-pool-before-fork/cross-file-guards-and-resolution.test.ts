/**
 * Cross-file: guards imported from a local module, and how imports resolve: subpath
 * imports, tsconfig path aliases and baseUrl, directory imports through package.json.
 */
import { code, RuleTester } from '../../rule-tester';
import rule from '../../../src/rules/no-pool-before-fork';
import { SERVER_JS, SERVER_MJS, SERVER_TS, SUBPATH_SERVER_JS, ALIASED_SERVER_JS, BASE_URL_SERVER_TS } from './shared';

const ruleTester = new RuleTester();

ruleTester.run('no-pool-before-fork', rule, {
  valid: [
    // ---- cross-file: a guard imported from a local module ----
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const { isPrimary } = require('./guard-cjs');
        if (isPrimary) { cluster.fork(); } else { const pool = new Pool(); }
      `,
      filename: SERVER_JS,
    },
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const env = require('./guard-cjs');
        if (!env.isPrimary) new Pool();
        else cluster.fork();
      `,
      filename: SERVER_JS,
    },
    // a function it exports whose body returns a guard
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const { isPrimaryProcess } = require('./guard-cjs');
        if (isPrimaryProcess()) cluster.fork();
        else new Pool();
      `,
      filename: SERVER_JS,
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        import { isPrimary, isWorker, worker } from './guard-esm.mjs';
        if (isPrimary) cluster.fork();
        else new Pool();
        if (isWorker) new Pool();
        if (worker) new Pool();
      `,
      filename: SERVER_MJS,
    },
    // a default-exported object read as `env.primary`
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        import env from './guard-esm.mjs';
        if (env.primary) cluster.fork();
        else new Pool();
      `,
      filename: SERVER_MJS,
    },
    // `isMainThread` re-exported, by ESM and by CommonJS
    {
      code: code`
        import { Worker } from 'node:worker_threads';
        import { Pool } from 'pg';
        import { isMainThread } from './guard-threads.mjs';
        if (isMainThread) new Worker(new URL(import.meta.url));
        else new Pool();
      `,
      filename: SERVER_MJS,
    },
    {
      code: code`
        const { Worker } = require('node:worker_threads');
        const { Pool } = require('pg');
        const { isMainThread } = require('./guard-threads');
        if (isMainThread) new Worker(__filename);
        else new Pool();
      `,
      filename: SERVER_JS,
    },
    // an imported factory called in the primary, where the primary's pools are allowed
    {
      code: code`
        const cluster = require('cluster');
        const db = require('./db-factory');
        if (cluster.isPrimary) {
          db.makePool();
          cluster.fork();
        }
      `,
      filename: SERVER_JS,
      options: [{ allowPrimaryPools: true }],
    },
    // without a file on disk, no module is read
    code`
      import cluster from 'node:cluster';
      import { getPool } from './db-lazy.mjs';
      getPool();
      cluster.fork();
    `,
    // import type / type-only specifiers load nothing
    {
      code: code`
        import cluster from 'node:cluster';
        import type { pool } from './ts/db.js';
        import { type Db } from './types-only.js';
        import './ts/config.js';
        cluster.fork();
      `,
      filename: SERVER_TS,
    },
    // missing, unparsable and cyclic modules are not pools
    {
      code: code`
        const cluster = require('cluster');
        require('./missing');
        require('./broken');
        require('./cycle-a');
        cluster.fork();
      `,
      filename: SERVER_JS,
    },
    // packages are not followed, only local files
    {
      code: code`
        const cluster = require('cluster');
        require('some-db-package');
        cluster.fork();
      `,
      filename: SERVER_JS,
    },

    // a module whose factory is only called from an exported function
    {
      code: code`
        import cluster from 'node:cluster';
        import { getPool } from './db-factory-called-lazily.mjs';
        if (cluster.isPrimary) cluster.fork();
        else await getPool().query('select 1');
      `,
      filename: SERVER_MJS,
    },
    // a require() inside a function called only in the worker branch
    {
      code: code`
        const cluster = require('cluster');
        function loadDb() {
          return require('./db-calls-factory');
        }
        if (cluster.isPrimary) cluster.fork();
        else loadDb();
      `,
      filename: SERVER_JS,
    },
    // ---- subpath imports of a module that only exports a factory, of a package, and of no entry ----
    {
      code: code`
        const cluster = require('cluster');
        const { makePool } = require('#lib/factory');
        const pg = require('#external');
        const none = require('#missing');
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SUBPATH_SERVER_JS,
    },
    // ---- tsconfig path aliases: a factory only imported; a bare name no pattern maps stays a package ----
    {
      code: code`
        const cluster = require('cluster');
        const { build } = require('~db-factory');
        const pool = require('db');
        if (cluster.isPrimary) cluster.fork();
        else build();
      `,
      filename: ALIASED_SERVER_JS,
    },
    // ---- tsconfig baseUrl without paths: a factory only imported; a package no file under baseUrl shadows ----
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        import { build } from 'services/factory';
        if (cluster.isPrimary) cluster.fork();
        else build();
        export const lazy = (): Pool => new Pool();
      `,
      filename: BASE_URL_SERVER_TS,
    },
    // ---- a directory import whose package.json names a module that only exports a factory ----
    {
      code: code`
        const cluster = require('cluster');
        const { makePool } = require('./db-package-factory');
        const db = require(path.join(__dirname, 'db-factory'));
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_JS,
    },
  ],
  invalid: [
    // ---- cross-file: a guard imported from a local module ----
    // the guard keeps the `else` to the workers, not a pool at module scope or in the primary
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const { isPrimary } = require('./guard-cjs');
        const shared = new Pool();
        if (isPrimary) { const primary = new Pool(); cluster.fork(); } else { const pool = new Pool(); }
      `,
      filename: SERVER_JS,
      errors: [
        { messageId: 'poolBeforeFork', line: 4, column: 16 },
        { messageId: 'poolInPrimary', line: 5, column: 34 },
      ],
    },
    // imported names that are no guard: a literal, a reassigned `let`, an export written twice
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const { isPrimary } = require('./guard-not');
        if (isPrimary) { cluster.fork(); } else { const pool = new Pool(); }
      `,
      filename: SERVER_JS,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 56 }],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        import { isPrimary } from './guard-mutable.mjs';
        if (isPrimary) cluster.fork();
        else new Pool();
      `,
      filename: SERVER_MJS,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 6 }],
    },
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const { isPrimary } = require('./guard-twice');
        if (isPrimary) cluster.fork();
        else new Pool();
      `,
      filename: SERVER_JS,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 6 }],
    },
    // `isMainThread` tells nothing of a cluster fork
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const { isMainThread } = require('./guard-threads');
        if (isMainThread) cluster.fork();
        else new Pool();
      `,
      filename: SERVER_JS,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 6 }],
    },
    // ---- tsconfig path aliases (from the config it extends): a pattern whose second target exists, an exact key ----
    {
      code: code`
        import cluster from 'node:cluster';
        import { getPool } from '@/lib/db';
        import { build } from '~db-factory';
        const pool = build();
        if (cluster.isPrimary) cluster.fork();
        else console.log(getPool());
      `,
      filename: ALIASED_SERVER_JS,
      errors: [
        { messageId: 'importCreatesPool', line: 2, column: 1 },
        { messageId: 'poolBeforeFork', line: 4, column: 14 },
      ],
    },
    // ---- tsconfig baseUrl without paths: a bare specifier that names a file under it is a local module ----
    {
      code: code`
        import cluster from 'node:cluster';
        import { pool } from 'services/db';
        import { Pool } from 'pg';
        const other = new Pool();
        if (cluster.isPrimary) cluster.fork();
        else void pool.query('SELECT 1');
      `,
      filename: BASE_URL_SERVER_TS,
      errors: [
        { messageId: 'importCreatesPool', line: 2, column: 1 },
        { messageId: 'poolBeforeFork', line: 4, column: 15 },
      ],
    },
    // ---- subpath imports through the package's package.json "imports": exact, a pattern, a condition ----
    {
      code: code`
        const cluster = require('cluster');
        const pool = require('#db');
        const { pool: other } = require('#lib/pool');
        const third = require('#conditional');
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SUBPATH_SERVER_JS,
      errors: [
        { messageId: 'importCreatesPool', line: 2, column: 14 },
        { messageId: 'importCreatesPool', line: 3, column: 25 },
        { messageId: 'importCreatesPool', line: 4, column: 15 },
      ],
    },
    // ---- a directory import through its package.json, and a path built beside this file ----
    {
      code: code`
        const cluster = require('cluster');
        const path = require('path');
        const pool = require('./db-package');
        const { pool: other } = require('./db-exports');
        const third = require(path.join(__dirname, 'db-creates'));
        const fourth = require(path.resolve(__dirname, './db-creates.js'));
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_JS,
      errors: [
        { messageId: 'importCreatesPool', line: 3, column: 14 },
        { messageId: 'importCreatesPool', line: 4, column: 25 },
        { messageId: 'importCreatesPool', line: 5, column: 15 },
        { messageId: 'importCreatesPool', line: 6, column: 16 },
      ],
    },
  ],
});
