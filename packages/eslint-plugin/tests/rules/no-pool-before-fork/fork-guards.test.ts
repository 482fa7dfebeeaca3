/**
 * Guards that tell the parent from the child: cluster, worker_threads and child_process
 * guards, their aliases, the `process` module, cluster.worker, and guards of another fork kind.
 */
import { code, RuleTester } from '../../rule-tester';
import rule from '../../../src/rules/no-pool-before-fork';
import { commonjs } from './shared';

const ruleTester = new RuleTester();

ruleTester.run('no-pool-before-fork', rule, {
  valid: [
    // ---- cluster guards ----
    // `Boolean(guard)` is the guard, as `!!guard` is
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      if (Boolean(cluster.isWorker)) {
        new Pool();
      } else {
        cluster.fork();
      }
    `,
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      if (!Boolean(cluster.isPrimary)) new Pool();
      else cluster.fork();
    `,
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      if (cluster.isPrimary) {
        for (let i = 0; i < 4; i++) cluster.fork();
      } else {
        const pool = new Pool();
      }
    `,
    code`
      const cluster = require('node:cluster');
      const pg = require('pg');
      if (cluster.isMaster) {
        cluster.fork();
      } else {
        const pool = new pg.Pool();
      }
    `,
    code`
      import cluster from 'node:cluster';
      import { Pool } from 'pg';
      if (cluster.isWorker) {
        const pool = new Pool();
      } else {
        cluster.fork();
      }
    `,
    code`
      import cluster from 'cluster';
      import mysql from 'mysql2/promise';
      if (!cluster.isPrimary) {
        const pool = mysql.createPool({});
      } else {
        cluster.fork();
      }
    `,
    // destructured aliases of the guard and of fork
    code`
      const { isPrimary, fork } = require('cluster');
      const { Pool } = require('pg');
      if (isPrimary) fork();
      else new Pool();
    `,
    code`
      import cluster from 'node:cluster';
      import { Pool } from 'pg';
      const { isPrimary: primary } = cluster;
      if (primary) cluster.fork();
      else new Pool();
    `,
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      const isMain = cluster.isPrimary;
      const isChild = !isMain;
      if (isChild) new Pool();
      else cluster.fork();
    `,
    code`
      import { isPrimary, fork } from 'node:cluster';
      import knex from 'knex';
      if (isPrimary === false) knex({});
      else fork();
    `,
    // ternaries and short-circuits
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      if (cluster.isPrimary) cluster.fork();
      const pool = cluster.isPrimary ? null : new Pool();
    `,
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      if (cluster.isPrimary) cluster.fork();
      const pool = cluster.isWorker && new Pool();
      const other = cluster.isPrimary || new Pool();
    `,
    // else-if chains stay on the worker side
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      if (cluster.isPrimary) {
        cluster.fork();
      } else if (process.env.ROLE === 'api') {
        new Pool();
      }
    `,
    // early return at module level: valid in CommonJS
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        if (cluster.isPrimary) {
          cluster.fork();
          return;
        }
        const pool = new Pool();
      `,
      languageOptions: commonjs,
    },
    // early return inside main()
    code`
      import cluster from 'node:cluster';
      import { Pool } from 'pg';
      async function main() {
        if (cluster.isPrimary) {
          for (let i = 0; i < 4; i++) cluster.fork();
          return;
        }
        const pool = new Pool();
        await pool.query('select 1');
      }
      void main();
    `,
    // early exit with an else that throws
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      function start() {
        if (cluster.isWorker) {
        } else {
          cluster.fork();
          throw new Error('primary stops here');
        }
        return new Pool();
      }
      start();
    `,
    // allowPrimaryPools
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        if (cluster.isPrimary) {
          const metrics = new Pool();
          cluster.fork();
        }
      `,
      options: [{ allowPrimaryPools: true }],
    },
    // ---- worker_threads guards ----
    code`
      const { Worker, isMainThread } = require('worker_threads');
      const { Pool } = require('pg');
      if (isMainThread) {
        new Worker(__filename);
      } else {
        const pool = new Pool();
      }
    `,
    code`
      import { Worker, isMainThread } from 'node:worker_threads';
      import { Pool } from 'pg';
      if (!isMainThread) {
        const pool = new Pool();
      } else {
        new Worker(new URL(import.meta.url));
      }
    `,
    code`
      import * as wt from 'node:worker_threads';
      import { fileURLToPath } from 'node:url';
      import Redis from 'ioredis';
      if (wt.isMainThread) new wt.Worker(fileURLToPath(import.meta.url));
      else new Redis();
    `,

    // parentPort is null on the main thread and set in a worker
    code`
      import { Worker, parentPort } from 'node:worker_threads';
      import { Pool } from 'pg';
      if (parentPort) {
        const pool = new Pool();
        parentPort.on('message', async sql => parentPort!.postMessage((await pool.query(sql)).rows));
      } else {
        new Worker(new URL(import.meta.url));
      }
    `,
    code`
      const { Worker, parentPort } = require('worker_threads');
      const { Pool } = require('pg');
      if (parentPort === null) new Worker(__filename);
      else new Pool();
    `,
    {
      code: code`
        const wt = require('node:worker_threads');
        const { Pool } = require('pg');
        if (!wt.parentPort) {
          new wt.Worker(__filename);
          return;
        }
        const pool = new Pool();
      `,
      languageOptions: commonjs,
    },
    // ---- child_process guards ----
    code`
      const { fork } = require('child_process');
      const { Pool } = require('pg');
      if (process.send) {
        const pool = new Pool();
      } else {
        fork(__filename);
      }
    `,
    code`
      import { fork } from 'node:child_process';
      import { Pool } from 'pg';
      if (typeof process.send === 'function') {
        const pool = new Pool();
      } else {
        fork(process.argv[1]);
      }
    `,
    code`
      const cp = require('node:child_process');
      const { Pool } = require('pg');
      if (typeof process.send !== 'function') cp.fork(__filename);
      else new Pool();
    `,
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      if (process.env.NODE_UNIQUE_ID) {
        new Pool();
      } else {
        cluster.fork();
      }
    `,
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      if (!('NODE_UNIQUE_ID' in process.env)) cluster.fork();
      else new Pool();
    `,
    // ---- aliases of process.send and NODE_UNIQUE_ID ----
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      const { NODE_UNIQUE_ID } = process.env;
      if (NODE_UNIQUE_ID) {
        const pool = new Pool();
      } else {
        cluster.fork();
      }
    `,
    code`
      import cluster from 'node:cluster';
      import { Pool } from 'pg';
      const { NODE_UNIQUE_ID } = process.env;
      function main() {
        if (!NODE_UNIQUE_ID) {
          cluster.fork();
          return;
        }
        const pool = new Pool();
      }
      main();
    `,
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      const { NODE_UNIQUE_ID: uid } = process.env;
      if (!uid) cluster.fork();
      else new Pool();
    `,
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      const env = process.env;
      const { env: { NODE_UNIQUE_ID: id } } = process;
      if (env.NODE_UNIQUE_ID) new Pool();
      else cluster.fork();
      if (id === undefined) cluster.fork();
      else new Pool();
    `,
    code`
      const { fork } = require('child_process');
      const { Pool } = require('pg');
      const { send } = process;
      if (send) {
        const pool = new Pool();
      } else {
        fork(__filename);
      }
    `,
    code`
      const { fork } = require('child_process');
      const { Pool } = require('pg');
      const { argv } = process;
      if (argv[2] === 'worker') new Pool();
      else fork(__filename, ['worker']);
    `,
    // ---- a guard counts for the forks whose parent and child it tells apart ----
    // a cluster worker has an IPC channel too
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      if (process.send) new Pool();
      else cluster.fork();
    `,
    // each fork behind its own guard
    code`
      import cluster from 'node:cluster';
      import { Worker, isMainThread } from 'node:worker_threads';
      import { Pool } from 'pg';
      if (cluster.isPrimary) {
        cluster.fork();
      } else if (isMainThread) {
        new Worker(new URL(import.meta.url));
      } else {
        const pool = new Pool();
      }
    `,
    // ---- a field of cluster.worker, which the primary does not have ----
    code`
      import cluster from 'node:cluster';
      import { Pool } from 'pg';
      if (cluster.isPrimary) {
        cluster.fork();
        cluster.fork();
      }
      if (cluster.worker?.id === 1) {
        const cronPool = new Pool({ max: 1 });
      }
    `,
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      const { worker } = cluster;
      if (cluster.isPrimary) cluster.fork();
      if (worker && worker.id === 1) new Pool();
      if (cluster.worker.id === 2) new Pool();
    `,
    // compared as a number, or with null or undefined: the primary reads undefined
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      if (cluster.isPrimary) cluster.fork();
      if (cluster.worker?.id > 1) new Pool();
      if (1 <= cluster.worker?.id) new Pool();
      if (cluster.worker?.id != null) new Pool();
      if (cluster.worker?.id !== undefined) new Pool();
      if (cluster.worker?.id == undefined) cluster.fork();
      else new Pool();
    `,
    code`
      import { Worker, workerData } from 'node:worker_threads';
      import { Pool } from 'pg';
      if (workerData?.shard >= 0) new Pool();
      else new Worker(new URL(import.meta.url), { workerData: { shard: 0 } });
    `,
    // ---- a bare truthy `cluster.worker` or `cluster.worker?.id` is a worker guard ----
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      if (cluster.worker?.id) new Pool();
      else cluster.fork();
      if (cluster.worker) new Pool();
    `,
    // ---- the `process` module, imported or required, reads as the global `process` in a guard ----
    code`
      import { fork } from 'node:child_process';
      import { argv } from 'node:process';
      import pg from 'pg';
      if (argv[2] === 'child') {
        const pool = new pg.Pool();
      } else {
        fork(process.argv[1], ['child']);
      }
    `,
    code`
      import { fork } from 'node:child_process';
      import proc from 'node:process';
      import pg from 'pg';
      if (proc.argv[2] === 'worker') {
        const pool = new pg.Pool();
      } else {
        fork(import.meta.filename, ['worker']);
      }
    `,
    code`
      import { fork } from 'node:child_process';
      import { env as environment } from 'process';
      import * as proc from 'node:process';
      import pg from 'pg';
      if (environment.ROLE === 'child') new pg.Pool();
      else if (proc.env.ROLE === 'child') new pg.Pool();
      else fork(__filename, [], { env: { ROLE: 'child' } });
    `,
    code`
      const { fork } = require('node:child_process');
      const { send } = require('node:process');
      const proc = require('process');
      const { Pool } = require('pg');
      if (send) new Pool();
      if (proc.argv.includes('worker')) new Pool();
      if (!send && !proc.argv.includes('worker')) fork(__filename, ['worker']);
    `,
    // ... but not another module's `argv`, nor an element other than the script's path
    code`
      import { fork } from 'node:child_process';
      import { argv } from 'yargs';
      import pg from 'pg';
      const pool = new pg.Pool();
      fork(argv[1], ['child']);
    `,
    code`
      import { fork } from 'node:child_process';
      import { argv } from 'node:process';
      import pg from 'pg';
      const [, , target] = argv;
      const pool = new pg.Pool();
      fork(argv[2], ['child']);
      fork(target, ['child']);
    `,
  ],
  invalid: [
    // ---- an alias proves the primary side too; a destructured default is no alias ----
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        const { NODE_UNIQUE_ID } = process.env;
        if (!NODE_UNIQUE_ID) {
          const metrics = new Pool();
          cluster.fork();
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 5, column: 19 }],
    },
    {
      code: code`
        const { fork } = require('child_process');
        const { Pool } = require('pg');
        const { send = () => {} } = process;
        if (send) {
          const pool = new Pool();
        } else {
          fork(__filename);
        }
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 16 }],
    },
    // ---- a guard of another fork kind does not tell this fork's parent from its child ----
    // a child_process child is no cluster worker: cluster.isPrimary is true there too
    {
      code: code`
        const cluster = require('cluster');
        const { fork } = require('child_process');
        const { Pool } = require('pg');
        if (cluster.isPrimary) {
          const pool = new Pool();
          fork(__filename);
        }
      `,
      options: [{ allowPrimaryPools: true }],
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 16 }],
    },
    // a worker thread of the primary is in the primary's process
    {
      code: code`
        import cluster from 'node:cluster';
        import { Worker } from 'node:worker_threads';
        import { Pool } from 'pg';
        if (cluster.isPrimary) {
          const pool = new Pool();
          new Worker(new URL(import.meta.url));
        }
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 16 }],
    },
    // a cluster worker's main thread is a main thread
    {
      code: code`
        const cluster = require('cluster');
        const { isMainThread } = require('worker_threads');
        const { Pool } = require('pg');
        if (isMainThread) {
          const pool = new Pool();
          cluster.fork();
        }
      `,
      options: [{ allowPrimaryPools: true }],
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 16 }],
    },
    // a worker thread has process.send only if its process has
    {
      code: code`
        const { Worker } = require('worker_threads');
        const { Pool } = require('pg');
        if (!process.send) {
          const pool = new Pool();
          new Worker(__filename);
        }
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 16 }],
    },
    // NODE_UNIQUE_ID is cluster's: a forked child may lack it too
    {
      code: code`
        const { fork } = require('child_process');
        const { Pool } = require('pg');
        if (!process.env.NODE_UNIQUE_ID) {
          const pool = new Pool();
          fork(__filename);
        }
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 16 }],
    },
    // two kinds of fork: the guard of one leaves the other's child sharing the path
    {
      code: code`
        const cluster = require('cluster');
        const { fork } = require('child_process');
        const { Pool } = require('pg');
        if (cluster.isPrimary) {
          const pool = new Pool();
          cluster.fork();
          fork(__filename);
        }
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 16 }],
    },
    // ---- cluster.worker fields: unequal, or the else, runs in the primary too ----
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        if (cluster.worker?.id !== 1) new Pool();
        if (cluster.worker?.id === 1) {} else new Pool();
        if (cluster.isPrimary) cluster.fork();
      `,
      errors: [
        { messageId: 'poolBeforeFork', line: 3, column: 31 },
        { messageId: 'poolBeforeFork', line: 4, column: 39 },
      ],
    },
  ],
});
