/**
 * Functions: factories that are not the fork logic, functions called at load, branches
 * in a function called once, and hoisted declarations judged by where they are called.
 */
import { code, RuleTester } from '../../rule-tester';
import rule from '../../../src/rules/no-pool-before-fork';
import { commonjs } from './shared';

const ruleTester = new RuleTester();

ruleTester.run('no-pool-before-fork', rule, {
  valid: [
    // ---- functions that are not the fork logic are factories ----
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      function makePool() {
        return new Pool();
      }
      if (cluster.isPrimary) cluster.fork();
      else makePool();
    `,
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      if (!cluster.isPrimary) {
        process.on('message', () => new Pool());
      } else {
        cluster.fork();
      }
    `,
    // a guard read as a value (a name, a size, a handler) does not make a factory the fork logic
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      function createPool() {
        return new Pool({ application_name: \`worker-\${cluster.worker.id}\` });
      }
      if (cluster.isPrimary) cluster.fork();
      else createPool();
    `,
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      function createPool() {
        return new Pool({ max: cluster.isWorker ? 5 : 1 });
      }
      if (cluster.isPrimary) cluster.fork();
      else createPool();
    `,
    code`
      const cluster = require('cluster');
      const express = require('express');
      const { Pool } = require('pg');
      function createApp() {
        const pool = new Pool();
        const app = express();
        app.use((req, res, next) => {
          if (cluster.worker) res.set('x-worker', String(cluster.worker?.id));
          next();
        });
        app.get('/', async (req, res) => res.json((await pool.query('select 1')).rows));
        return app;
      }
      if (cluster.isPrimary) cluster.fork();
      else createApp().listen(3000);
    `,
    // an instance field initializer runs on `new`, like a constructor: a factory
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      class Repo {
        pool = new Pool();
        #replica = new Pool({ max: 2 });
      }
      if (cluster.isPrimary) cluster.fork();
      else new Repo();
    `,
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        function Injectable(): ClassDecorator {
          return () => {};
        }
        @Injectable()
        export class DbService {
          private readonly pool = new Pool({ max: 10 });
          accessor replica = new Pool({ max: 2 });
          query(sql: string) {
            return this.pool.query(sql);
          }
        }
        if (cluster.isPrimary) {
          cluster.fork();
        } else {
          new DbService();
        }
      `,
      filename: 'server.ts',
    },
    // a constructor runs on `new`: only in a handler, or never, is no pool at load
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      class Repo {
        constructor() {
          this.pool = new Pool();
        }
      }
      if (cluster.isPrimary) cluster.fork();
      else process.on('message', () => new Repo());
    `,
    code`
      import cluster from 'node:cluster';
      import { Pool } from 'pg';
      export class Repo {
        pool = new Pool();
      }
      if (cluster.isPrimary) cluster.fork();
    `,
    // a class that is reassigned may not be the one constructed
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      let Repo = class {
        pool = new Pool();
      };
      Repo = class {};
      new Repo();
      cluster.fork();
    `,
    // `import type` loads nothing
    code`
      import cluster from 'node:cluster';
      import type { Pool } from 'pg';
      declare const Pool: { new (): Pool };
      const pool = new Pool();
      cluster.fork();
    `,
    code`
      import cluster from 'node:cluster';
      import { type Pool } from 'pg';
      let pool: Pool | undefined;
      if (cluster.isPrimary) cluster.fork();
    `,
    // computed members that cannot be resolved are not creators
    code`
      const cluster = require('cluster');
      const pg = require('pg');
      const pool = new pg[name]();
      cluster.fork();
    `,
    // a creator the option adds, in the worker branch
    {
      code: code`
        import cluster from 'node:cluster';
        import { connect } from '@acme/db';
        if (cluster.isPrimary) cluster.fork();
        else connect();
      `,
      options: [{ creators: [{ package: '@acme/db', factories: ['connect'] }] }],
    },

    // CommonJS early return from the worker side at module level
    {
      code: code`
        const { Worker, isMainThread } = require('worker_threads');
        const { Pool } = require('pg');
        if (!isMainThread) {
          const pool = new Pool();
          return;
        }
        new Worker(__filename);
      `,
      languageOptions: commonjs,
    },
    // TypeScript's import-equals in the worker branch
    {
      code: code`
        import cluster = require('node:cluster');
        import pg = require('pg');
        if (cluster.isPrimary) cluster.fork();
        else new pg.Client();
      `,
      filename: 'server.ts',
    },
    // an unrelated `fork` text, no fork call
    code`
      const { Pool } = require('pg');
      const forked = 'fork';
      const pool = new Pool();
    `,
    // a guarded statement that only tweaks the factory's own work leaves it a factory
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      function createPool() {
        const opts = { max: 10 };
        if (cluster.isWorker) opts.application_name = 'worker-' + cluster.worker.id;
        return new Pool(opts);
      }
      if (cluster.isPrimary) {
        for (let i = 0; i < 4; i++) cluster.fork();
      } else {
        createPool().query('select 1');
      }
    `,
    code`
      const { fork } = require('child_process');
      const { Pool } = require('pg');
      function connect() {
        const pool = new Pool();
        process.send && process.send({ type: 'connected' });
        return pool;
      }
      if (process.send) {
        connect().query('select 1');
      } else {
        fork(__filename);
      }
    `,
    // a path built from the directory and another name is not this file
    code`
      const { fork } = require('child_process');
      const path = require('path');
      const { Pool } = require('pg');
      const pool = new Pool();
      fork(path.resolve(__dirname, 'worker.js'));
      fork(path.join(__dirname, path.basename('worker.js')));
    `,
    // ---- functions run where they are called at load ----
    // called only in the worker branch, also through another function
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      function makePool() {
        return new Pool();
      }
      function start() {
        return makePool();
      }
      if (cluster.isPrimary) cluster.fork();
      else start();
    `,
    // called only from a handler, or from a factory nobody calls at load
    code`
      import cluster from 'node:cluster';
      import { Pool } from 'pg';
      const createDb = () => new Pool();
      function route() {
        return createDb();
      }
      process.on('message', () => createDb());
      if (cluster.isPrimary) cluster.fork();
    `,
    // recursion and call cycles that nothing starts at load end, and stay silent
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      function connect(retries) {
        return retries > 0 ? connect(retries - 1) : new Pool();
      }
      function ping() {
        return pong();
      }
      function pong() {
        new Pool();
        return ping();
      }
      if (cluster.isPrimary) cluster.fork();
      else connect(3);
    `,
    // a function called only in the primary branch, with allowPrimaryPools
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        function startPrimary() {
          const metrics = new Pool();
          for (let i = 0; i < 4; i++) cluster.fork();
        }
        if (cluster.isPrimary) startPrimary();
      `,
      options: [{ allowPrimaryPools: true }],
    },
    // a factory called once in the primary branch and once in the worker branch, with allowPrimaryPools:
    // as \`new Pool()\` written in each branch, the primary's pool is allowed and the worker's is its own
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        function makeDb(max) {
          return new Pool({ max });
        }
        if (cluster.isPrimary) {
          const scheduler = makeDb(1);
          for (let i = 0; i < 4; i++) cluster.fork();
        } else {
          const db = makeDb(10);
        }
      `,
      options: [{ allowPrimaryPools: true }],
    },
    // a fork-logic function called only in the worker branch of another guard
    code`
      import cluster from 'node:cluster';
      import { Worker, isMainThread } from 'node:worker_threads';
      import { Pool } from 'pg';
      function startThreads() {
        if (isMainThread) {
          new Worker(new URL(import.meta.url));
          return;
        }
        const pool = new Pool();
      }
      if (cluster.isPrimary) cluster.fork();
      else startThreads();
    `,
    // ---- a function declaration is hoisted: where it is called counts, not where it stands ----
    // declared after the early return, called only after it: the worker's
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      function main() {
        if (cluster.isPrimary) {
          cluster.fork();
          return;
        }
        const pool = createPool();
        pool.query('select 1');
        function createPool() {
          return new Pool({ max: 20 });
        }
      }
      main();
    `,
    // declared after it and never called at load
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        if (cluster.isPrimary) {
          cluster.fork();
          return;
        }
        function createPool() {
          return new Pool();
        }
        process.on('message', () => createPool());
      `,
      languageOptions: commonjs,
    },
    // optional worker threads
    code`
      import { Worker, isMainThread, parentPort } from 'node:worker_threads';
      import { Pool } from 'pg';
      if (process.env.THREADS === '1' && isMainThread) {
        new Worker(new URL(import.meta.url));
      } else {
        const pool = new Pool({ max: 2 });
        parentPort?.on('message', sql => pool.query(sql));
      }
    `,
    // a ternary
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      const pool = process.env.CLUSTER && cluster.isPrimary ? cluster.fork() : new Pool();
    `,
    // the other way round: true in a worker or in a process that serves alone
    code`
      import cluster from 'node:cluster';
      import { Pool } from 'pg';
      const workers = Number(process.env.WORKERS || 1);
      if (!cluster.isPrimary || workers === 1) {
        const pool = new Pool({ max: 5 });
      } else {
        for (let i = 0; i < workers; i++) cluster.fork();
      }
    `,
    // `A || cluster.isPrimary` false: a worker
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      if (process.env.SINGLE || cluster.isPrimary) cluster.fork();
      else new Pool();
    `,
  ],
  invalid: [
    // ---- a function called at load runs its creations at load ----
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        function connect() {
          return new Pool();
        }
        connect();
        if (cluster.isPrimary) cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 10 }],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        const createDb = () => new Pool();
        export const db = createDb();
        if (cluster.isPrimary) cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 24 }],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import knex from 'knex';
        let db;
        async function setup() {
          db = knex({ client: 'pg' });
        }
        await setup();
        if (cluster.isPrimary) cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 8 }],
    },
    // through another function, through recursion, and through a call cycle
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        function makePool() {
          return new Pool();
        }
        function boot() {
          return makePool();
        }
        function connect(retries) {
          return retries > 0 ? connect(retries - 1) : new Pool();
        }
        function ping() {
          return pong();
        }
        function pong() {
          new Pool();
          return ping();
        }
        boot();
        connect(3);
        ping();
        cluster.fork();
      `,
      errors: [
        { messageId: 'poolBeforeFork', line: 4, column: 10 },
        { messageId: 'poolBeforeFork', line: 10, column: 47 },
        { messageId: 'poolBeforeFork', line: 16, column: 3 },
      ],
    },
    // called in the primary branch and in the worker branch: the worker's call is where it belongs,
    // the primary's is the primary's pool, as `new Pool()` written in each branch would be
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        const makePool = () => new Pool();
        if (cluster.isPrimary) {
          makePool();
          cluster.fork();
        } else {
          makePool();
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 3, column: 24 }],
    },
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        function makeDb(max) {
          return new Pool({ max });
        }
        if (cluster.isPrimary) {
          const scheduler = makeDb(1);
          for (let i = 0; i < 4; i++) cluster.fork();
        } else {
          const db = makeDb(10);
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 10 }],
    },
    // ... but called at module scope as well: shared, whatever the branches add
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        function makeDb(max) {
          return new Pool({ max });
        }
        const cache = makeDb(2);
        if (cluster.isPrimary) {
          makeDb(1);
          cluster.fork();
        } else {
          makeDb(10);
        }
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 10 }],
    },
    // ... and called once in each branch of a worker-thread fork: the main thread's pool
    {
      code: code`
        import { Worker, isMainThread } from 'node:worker_threads';
        import { Pool } from 'pg';
        const makeDb = (max) => new Pool({ max });
        if (isMainThread) {
          makeDb(1);
          new Worker(new URL(import.meta.url));
        } else {
          makeDb(10);
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 3, column: 25 }],
    },
    // called only in the primary branch
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        function makePool() {
          return new Pool();
        }
        if (cluster.isPrimary) {
          makePool();
          cluster.fork();
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 10 }],
    },
    // a function holding the fork runs where it is called: here in the primary only
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        function startPrimary() {
          const p = new Pool();
          for (let i = 0; i < 4; i++) cluster.fork();
        }
        if (cluster.isPrimary) startPrimary();
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 13 }],
    },
    // ... and on the shared path when it is exported rather than called
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        export function startPrimary() {
          const p = new Pool();
          cluster.fork();
        }
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 13 }],
    },
    // ---- a branch in a function runs once per process only if the function is called once, at load ----
    // a named function handed to forEach runs for each element: one primary forks, then creates
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const shards = [{ remote: true }, { remote: false }];
        const local = [];
        function place(shard) {
          if (shard.remote && cluster.isPrimary) {
            cluster.fork({ SHARD: '1' });
          } else {
            local.push(new Pool({ max: 2 }));
          }
        }
        shards.forEach(place);
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 9, column: 16 }],
    },
    // a const arrow, likewise
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const shards = [{ remote: true }, { remote: false }];
        const local = [];
        const place = shard => {
          if (shard.remote && cluster.isPrimary) cluster.fork();
          else local.push(new Pool({ max: 2 }));
        };
        shards.forEach(place);
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 7, column: 19 }],
    },
    // called in a loop
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const local = [];
        function place(shard) {
          if (shard.remote && cluster.isPrimary) cluster.fork();
          else local.push(new Pool({ max: 2 }));
        }
        for (const s of [{ remote: true }, { remote: false }]) place(s);
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 6, column: 19 }],
    },
    // called twice, with the early return
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        function start(clustered) {
          if (clustered && cluster.isPrimary) {
            cluster.fork();
            return null;
          }
          return new Pool({ max: 2 });
        }
        start(true);
        const pool = start(false);
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 8, column: 10 }],
    },
    // an event handler may run any number of times
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const pools = [];
        process.on('SIGUSR2', () => {
          if (pools.length > 0 && cluster.isPrimary) cluster.fork();
          else pools.push(new Pool({ max: 2 }));
        });
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 6, column: 19 }],
    },
    // recursion
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        function spawn(n) {
          if (n > 0 && cluster.isPrimary) {
            cluster.fork();
            return spawn(n - 1);
          }
          return new Pool({ max: 2 });
        }
        spawn(4);
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 8, column: 10 }],
    },
    // exported: its callers, and how often they call it, are not in this file
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        export async function startSupervisor({ workers = 1 } = {}) {
          if (cluster.isPrimary && workers > 1) {
            for (let i = 0; i < workers; i++) cluster.fork();
            return;
          }
          const pool = new Pool({ max: 5 });
          await pool.query('select 1');
        }
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 8, column: 16 }],
    },
    // the function holding the fork is also called outside the arm
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        function startPrimary() {
          cluster.fork();
        }
        if (process.env.CLUSTER === '1' && cluster.isPrimary) startPrimary();
        else new Pool();
        if (process.env.RESTART) startPrimary();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 7, column: 6 }],
    },
    // ... or handed on as a value
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const startPrimary = () => cluster.fork();
        if (process.env.CLUSTER === '1' && cluster.isPrimary) startPrimary();
        else new Pool();
        module.exports = { startPrimary };
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 6 }],
    },
    // ---- a function declaration is hoisted: judged by where it is called ----
    // called before the early return, declared after it
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        function main() {
          const pool = createPool();
          if (cluster.isPrimary) {
            for (let i = 0; i < 2; i++) cluster.fork();
            return;
          }
          pool.query('select 1');

          function createPool() {
            return new Pool({ max: 20 });
          }
        }
        main();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 12, column: 12 }],
    },
    // the same behind a one-sided guard
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        function main() {
          const pool = createPool();
          if (process.env.CLUSTER === '1' && cluster.isPrimary) {
            cluster.fork();
            return;
          }
          pool.query('select 1');
          function createPool() {
            return new Pool({ max: 20 });
          }
        }
        main();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 11, column: 12 }],
    },
    // at module scope, after a CommonJS top-level return
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const pool = createPool();
        if (cluster.isPrimary) {
          cluster.fork();
          return;
        }
        function createPool() {
          return new Pool();
        }
      `,
      languageOptions: commonjs,
      errors: [{ messageId: 'poolBeforeFork', line: 9, column: 10 }],
    },
    // in a `switch`, a case's function is hoisted to the whole switch
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        switch (cluster.isPrimary) {
          case true:
            cluster.fork();
            open();
            break;
          default:
            function open() { return new Pool(); }
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 9, column: 30 }],
    },
    // no early return: the primary that forks goes on to create
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        if (process.env.CLUSTER === '1' && cluster.isPrimary) cluster.fork();
        const pool = new Pool();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 14 }],
    },
    // beside the fork, in the branch only the primary takes
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        if (process.env.CLUSTER === '1' && cluster.isPrimary) {
          const metrics = new Pool({ max: 1 });
          cluster.fork();
        } else {
          const pool = new Pool({ max: 5 });
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 19 }],
    },
  ],
});
