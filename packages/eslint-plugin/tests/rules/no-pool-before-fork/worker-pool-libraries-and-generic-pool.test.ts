/**
 * Worker-pool libraries (Piscina, Tinypool, workerpool, throng...) that run this very file,
 * and generic-pool's shutdown: drain(), clear(), destroy().
 */
import { code, RuleTester } from '../../rule-tester';
import rule from '../../../src/rules/no-pool-before-fork';
import { SERVER_MJS } from './shared';

const ruleTester = new RuleTester();

ruleTester.run('no-pool-before-fork', rule, {
  valid: [
    // ---- generic-pool's own shutdown, clear() (after drain() when the pool keeps a min), ends its pool ----
    code`
      const cluster = require('node:cluster');
      const genericPool = require('generic-pool');
      const { Client } = require('pg');
      async function warmup() {
        const pool = genericPool.createPool({ create: async () => new Client(), destroy: c => c.end() }, { max: 1 });
        const c = await pool.acquire();
        await c.query('select 1');
        await pool.release(c);
        await pool.drain();
        await pool.clear();
      }
      (async () => {
        if (cluster.isPrimary) {
          await warmup();
          for (let i = 0; i < 2; i++) cluster.fork();
        }
      })();
    `,
    code`
      import cluster from 'node:cluster';
      import genericPool from 'generic-pool';
      if (cluster.isPrimary) {
        const pool = genericPool.createPool(factory, { max: 2, min: 0 });
        await warmUp(pool);
        await pool.clear();
        cluster.fork();
      }
    `,
    code`
      import cluster from 'node:cluster';
      import { createPool } from 'generic-pool';
      const options = { max: 4, min: 2 };
      if (cluster.isPrimary) {
        const pool = createPool(factory, options);
        try {
          await warmUp(pool);
        } finally {
          await pool.drain();
          await pool.clear();
        }
        cluster.fork();
      }
    `,
    // ---- worker-pool libraries: a pool of another file, or guarded creations, stay silent ----
    // Piscina of this file, the pool created only in the worker branch
    code`
      const { isMainThread } = require('worker_threads');
      const Piscina = require('piscina');
      const { Pool } = require('pg');
      if (isMainThread) {
        const piscina = new Piscina({ filename: __filename });
      } else {
        const pool = new Pool();
      }
    `,
    // Piscina.isWorkerThread tells its threads apart: true only in them
    code`
      import Piscina from 'piscina';
      import { fileURLToPath } from 'node:url';
      import { Pool } from 'pg';
      if (Piscina.isWorkerThread) {
        const pool = new Pool();
      } else {
        new Piscina({ filename: fileURLToPath(import.meta.url) });
      }
    `,
    // piscina's named `isWorkerThread`, with an early return in main()
    code`
      const { Piscina, isWorkerThread } = require('piscina');
      const { Pool } = require('pg');
      function main() {
        if (!isWorkerThread) {
          serve(new Piscina({ filename: __filename }));
          return;
        }
        const pool = new Pool();
      }
      main();
    `,
    // a Piscina of another file: this one does not run again
    code`
      const path = require('node:path');
      const Piscina = require('piscina');
      const { Pool } = require('pg');
      const pool = new Pool();
      const piscina = new Piscina({ filename: path.resolve(__dirname, 'worker.js') });
    `,
    // Piscina without a filename, and the worker file itself: no self-fork
    code`
      const Piscina = require('piscina');
      const { Pool } = require('pg');
      const pool = new Pool();
      const piscina = new Piscina({ maxThreads: 4 });
      module.exports = async sql => (await pool.query(sql)).rows;
    `,
    // the worker gets an environment entry from the pool's `env`, and reads it back
    code`
      const Piscina = require('piscina');
      const { Pool } = require('pg');
      if (process.env.ROLE === 'worker') {
        const pool = new Pool();
      } else {
        new Piscina({ filename: __filename, env: { ROLE: 'worker' } });
      }
    `,
    // Tinypool of this file behind isMainThread, and Tinypool.isWorkerThread
    code`
      import { isMainThread } from 'node:worker_threads';
      import Tinypool from 'tinypool';
      import { Pool } from 'pg';
      if (isMainThread) {
        new Tinypool({ filename: new URL(import.meta.url) });
      } else {
        const pool = new Pool();
      }
    `,
    code`
      import { Tinypool } from 'tinypool';
      import { Pool } from 'pg';
      if (!Tinypool.isWorkerThread) new Tinypool({ filename: import.meta.filename });
      else new Pool();
    `,
    // a Tinypool of another file
    code`
      import Tinypool from 'tinypool';
      import { Pool } from 'pg';
      const pool = new Pool();
      const tinypool = new Tinypool({ filename: new URL('./worker.mjs', import.meta.url).href });
    `,
    // a file URL string of the directory, or of this file with a pathname read off it, is no filename of this file
    code`
      import { Piscina } from 'piscina';
      import { Pool } from 'pg';
      const pool = new Pool();
      new Piscina({ filename: new URL('.', import.meta.url).href });
      new Piscina({ filename: new URL(import.meta.url).pathname.length > 0 ? './worker.mjs' : './other.mjs' });
    `,
    // Node's own Worker rejects a file URL string (ERR_WORKER_PATH): it starts nothing, unlike a worker pool
    code`
      import { Worker } from 'node:worker_threads';
      import { Pool } from 'pg';
      const pool = new Pool();
      new Worker(new URL(import.meta.url).href);
    `,
    // workerpool of this file behind workerpool.isMainThread
    code`
      const workerpool = require('workerpool');
      const { Pool } = require('pg');
      if (workerpool.isMainThread) {
        const workers = workerpool.pool(__filename);
      } else {
        const pool = new Pool();
        workerpool.worker({ query: sql => pool.query(sql) });
      }
    `,
    // workerpool of another file, and the worker file itself
    code`
      const path = require('node:path');
      const { Pool } = require('pg');
      const pool = new Pool();
      const workers = require('workerpool').pool(path.join(__dirname, 'worker.js'));
    `,
    code`
      const workerpool = require('workerpool');
      const { Pool } = require('pg');
      const pool = new Pool();
      workerpool.worker({ query: sql => pool.query(sql) });
    `,
    // throng runs `worker` only in the cluster workers
    code`
      const throng = require('throng');
      const { Pool } = require('pg');
      function start(id) {
        const pool = new Pool();
      }
      throng({ worker: start, count: 4 });
    `,
    code`
      import throng from 'throng';
      import { Pool } from 'pg';
      throng(() => {
        const pool = new Pool();
      });
    `,
    // throng forks through cluster: the cluster guards tell its workers apart
    code`
      import cluster from 'node:cluster';
      import throng from 'throng';
      import { Pool } from 'pg';
      if (cluster.isWorker) {
        const pool = new Pool();
      }
      throng({ worker: serve, count: 2 });
    `,
    // throng's workers run another file after setupPrimary({ exec }): the primary's pool is its own
    code`
      const cluster = require('node:cluster');
      const throng = require('throng');
      const { Pool } = require('pg');
      cluster.setupPrimary({ exec: './worker.js' });
      const audit = new Pool({ max: 1 });
      throng({ count: 4 });
    `,
  ],
  invalid: [
    // ---- generic-pool: drain() alone keeps the idle resources; clear() alone refills up to min; destroy(r) is one resource ----
    {
      code: code`
        import cluster from 'node:cluster';
        import genericPool from 'generic-pool';
        if (cluster.isPrimary) {
          const pool = genericPool.createPool(factory, { max: 2 });
          await warmUp(pool);
          await pool.drain();
          cluster.fork();
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 16 }],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import genericPool from 'generic-pool';
        if (cluster.isPrimary) {
          const pool = genericPool.createPool(factory, { max: 4, min: 2 });
          await warmUp(pool);
          await pool.clear();
          cluster.fork();
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 16 }],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import genericPool from 'generic-pool';
        if (cluster.isPrimary) {
          const pool = genericPool.createPool(factory, settings);
          await pool.clear();
          await pool.drain();
          cluster.fork();
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 16 }],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import genericPool from 'generic-pool';
        if (cluster.isPrimary) {
          const pool = genericPool.createPool(factory);
          const resource = await pool.acquire();
          await pool.destroy(resource);
          cluster.fork();
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 16 }],
    },
    // clear() is generic-pool's: another pool's clear() ends nothing
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        if (cluster.isPrimary) {
          const pool = new Pool();
          await pool.clear();
          cluster.fork();
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 16 }],
    },
    // ---- worker-pool libraries: a pool of this very file is a self-fork ----
    {
      code: code`
        const Piscina = require('piscina');
        const { Pool } = require('pg');
        const pool = new Pool();
        const piscina = new Piscina({ filename: __filename });
      `,
      errors: [
        {
          messageId: 'poolBeforeFork',
          line: 3,
          column: 14,
          data: {
            creator: 'new Pool()',
            forkLine: '4',
            parent: 'main thread',
            children: 'worker threads',
            unit: 'thread',
            childGuard: 'inside `if (!isMainThread)`',
            orElse: ', or in the `else` of the fork guard',
          },
        },
      ],
    },
    {
      code: code`
        import { Piscina } from 'piscina';
        import { fileURLToPath } from 'node:url';
        import { Pool } from 'pg';
        export const pool = new Pool();
        export const piscina = new Piscina({ filename: fileURLToPath(import.meta.url), maxThreads: 4 });
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 21 }],
    },
    {
      code: code`
        const path = require('node:path');
        const { Pool } = require('pg');
        const options = { filename: path.resolve(__filename) };
        const piscina = new (require('piscina').Piscina)(options);
        const pool = new Pool();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 14 }],
    },
    {
      code: code`
        const Piscina = require('piscina');
        const { Pool } = require('pg');
        const pool = new Pool();
        new (require('piscina'))({ filename: __filename });
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 14 }],
    },
    // the main thread's pool, behind isMainThread or Piscina's own flag
    {
      code: code`
        const { isMainThread } = require('worker_threads');
        const Piscina = require('piscina');
        const { Pool } = require('pg');
        if (isMainThread) {
          const pool = new Pool();
          new Piscina({ filename: __filename });
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 5, column: 16 }],
    },
    {
      code: code`
        import Piscina from 'piscina';
        import { Pool } from 'pg';
        if (!Piscina.isWorkerThread) {
          const pool = new Pool();
          new Piscina({ filename: new URL(import.meta.url) });
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 16 }],
    },
    // the filename as a file URL string, as Piscina's and Tinypool's docs spell it: .href, .toString(), String(), a template
    {
      code: code`
        import { Piscina } from 'piscina';
        import { Pool } from 'pg';
        const pool = new Pool({ max: 4 });
        export default async (sql) => (await pool.query(sql)).rows;
        export const piscina = new Piscina({ filename: new URL(import.meta.url).href });
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 14 }],
    },
    {
      code: code`
        import Tinypool from 'tinypool';
        import { Pool } from 'pg';
        const pool = new Pool();
        const tinypool = new Tinypool({ filename: new URL(import.meta.url).toString() });
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 14 }],
    },
    ...[
      'String(self)',
      '`${new URL(import.meta.url)}`',
      'href',
    ].map(filename => ({
      code: code`
        import Piscina from 'piscina';
        import { Pool } from 'pg';
        const pool = new Pool();
        const self = new URL(import.meta.url);
        const href = self.href;
        new Piscina({ filename: ${filename} });
      `,
      errors: [{ messageId: 'poolBeforeFork' as const, line: 3, column: 14 }],
    })),
    // ... and a relative URL that names this very file
    {
      code: code`
        import { Piscina } from 'piscina';
        import { Pool } from 'pg';
        const pool = new Pool();
        export const piscina = new Piscina({ filename: new URL('./server.mjs', import.meta.url).href });
      `,
      filename: SERVER_MJS,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 14 }],
    },
    // Tinypool, default and named
    {
      code: code`
        import Tinypool from 'tinypool';
        import { Pool } from 'pg';
        const pool = new Pool();
        const tinypool = new Tinypool({ filename: new URL(import.meta.url) });
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 14 }],
    },
    {
      code: code`
        const { Tinypool } = require('tinypool');
        const { Pool } = require('pg');
        const pool = new Pool();
        const tinypool = new Tinypool({ filename: __filename });
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 14 }],
    },
    // workerpool.pool(self), through the module object, require() and a renamed import
    {
      code: code`
        const workerpool = require('workerpool');
        const { Pool } = require('pg');
        const pool = new Pool();
        const workers = workerpool.pool(__filename, { maxWorkers: 4 });
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 14 }],
    },
    {
      code: code`
        const { Pool } = require('pg');
        const pool = new Pool();
        const workers = require('workerpool').pool(__filename);
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 2, column: 14 }],
    },
    {
      code: code`
        import { pool as workerPool } from 'workerpool';
        import { fileURLToPath } from 'node:url';
        import { Pool } from 'pg';
        const db = new Pool();
        const workers = workerPool(fileURLToPath(import.meta.url));
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 12 }],
    },
    {
      code: code`
        import workerpool from 'workerpool';
        import { Pool } from 'pg';
        if (workerpool.isMainThread) {
          const db = new Pool();
          workerpool.pool(import.meta.filename);
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 14 }],
    },
    // throng forks the entry through cluster: module scope runs in the master and in every worker
    {
      code: code`
        const throng = require('throng');
        const { Pool } = require('pg');
        const pool = new Pool();
        throng({ worker: start, count: 4 });
      `,
      errors: [
        {
          messageId: 'poolBeforeFork',
          line: 3,
          column: 14,
          data: {
            creator: 'new Pool()',
            forkLine: '4',
            parent: 'primary process',
            children: 'worker processes',
            unit: 'process',
            childGuard: 'inside `if (!cluster.isPrimary)`',
            orElse: ', or in the `else` of the fork guard',
          },
        },
      ],
    },
    {
      code: code`
        import throng from 'throng';
        import { Pool } from 'pg';
        const pool = new Pool();
        await throng(start);
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 14 }],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import throng from 'throng';
        import { Pool } from 'pg';
        if (cluster.isPrimary) {
          const pool = new Pool();
        }
        throng({ master: supervise, worker: serve });
      `,
      errors: [{ messageId: 'poolInPrimary', line: 5, column: 16 }],
    },
  ],
});
