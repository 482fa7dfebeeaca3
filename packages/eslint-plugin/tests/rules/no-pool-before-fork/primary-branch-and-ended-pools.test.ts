/**
 * Pools created in the primary's branch, and pools the primary (or a helper it awaits)
 * ends before it forks: migrations, .catch() chains, Promise.all, mongoose disconnect.
 */
import { code, RuleTester } from '../../rule-tester';
import rule from '../../../src/rules/no-pool-before-fork';
import { commonjs } from './shared';

const ruleTester = new RuleTester();

ruleTester.run('no-pool-before-fork', rule, {
  valid: [
    // ---- the primary migrates, ends its pool, then forks ----
    code`
      import cluster from 'node:cluster';
      import { Pool } from 'pg';
      if (cluster.isPrimary) {
        const pool = new Pool({ max: 1 });
        await migrate(pool);
        await pool.end();
        for (let i = 0; i < 4; i++) cluster.fork();
      }
    `,
    code`
      import cluster from 'node:cluster';
      import knex from 'knex';
      import Redis from 'ioredis';
      if (cluster.isPrimary) {
        const db = knex({ client: 'pg' });
        try {
          await db.migrate.latest();
        } finally {
          await db.destroy();
        }
        const redis = new Redis();
        await redis.flushall();
        redis.quit();
        cluster.fork();
      }
    `,
    // ---- a helper that creates and ends its pool, called (and awaited) before every fork ----
    code`
      import cluster from 'node:cluster';
      import pg from 'pg';
      if (cluster.isPrimary) {
        await runMigrations();
        for (let i = 0; i < 4; i++) cluster.fork();
      } else {
        startServer();
      }
      async function runMigrations() {
        const pool = new pg.Pool({ max: 1 });
        try {
          await pool.query('create table if not exists jobs (id serial primary key)');
        } finally {
          await pool.end();
        }
      }
    `,
    // ---- the same helper awaited through .catch(), to fail fast on a migration error ----
    code`
      import cluster from 'node:cluster';
      import pg from 'pg';
      if (cluster.isPrimary) {
        await runMigrations().catch((err) => { console.error(err); process.exit(1); });
        for (let i = 0; i < 4; i++) cluster.fork();
      }
      async function runMigrations() {
        const pool = new pg.Pool({ max: 1 });
        try {
          await pool.query('select 1');
        } finally {
          await pool.end();
        }
      }
    `,
    // ---- ends written as Promise.all([...]), .catch(), and mongoose's own connect/disconnect ----
    code`
      import cluster from 'node:cluster';
      import pg from 'pg';
      import Redis from 'ioredis';
      import mongoose from 'mongoose';
      if (cluster.isPrimary) {
        const pool = new pg.Pool({ max: 1 });
        const redis = new Redis();
        const audit = new pg.Pool({ max: 1 });
        try {
          await pool.query('select 1');
        } finally {
          await Promise.all([pool.end(), redis.quit()]);
        }
        await audit.end().catch(console.error);
        await mongoose.connect(process.env.MONGO_URL);
        await mongoose.syncIndexes();
        await mongoose.disconnect();
        for (let i = 0; i < 4; i++) cluster.fork();
      }
    `,
    // ---- an event handler set up in the primary's branch is not followed, as at module scope ----
    code`
      const cluster = require('node:cluster');
      const { Pool } = require('pg');
      let pool;
      function getPool() {
        if (!pool) pool = new Pool({ max: 1 });
        return pool;
      }
      if (cluster.isPrimary) {
        for (let i = 0; i < 2; i++) cluster.fork();
        cluster.on('exit', worker => getPool().query('insert into crashes(pid) values ($1)', [worker.process.pid]));
      } else {
        require('./server');
      }
    `,
    code`
      const cluster = require('node:cluster');
      const http = require('node:http');
      const { Pool } = require('pg');
      if (cluster.isPrimary) {
        process.on('SIGUSR2', () => new Pool().query('select 1'));
        cluster.on('online', () => new Pool());
        http.createServer().on('request', () => new Pool());
        cluster.fork();
      }
    `,
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      if (!process.env.NODE_UNIQUE_ID) {
        cluster.on('exit', () => new Pool());
        cluster.fork();
      }
    `,
    // a handler named, not written inline: handed on, not called
    code`
      const cluster = require('node:cluster');
      const { Pool } = require('pg');
      if (cluster.isPrimary) {
        const onExit = () => new Pool().query('select 1');
        cluster.on('exit', onExit);
        cluster.fork();
      }
    `,
    // a singleton opened from a primary's handler and in the worker: the worker's alone at load
    code`
      const cluster = require('node:cluster');
      const http = require('node:http');
      const { Pool } = require('pg');
      let pool;
      function getPool() {
        if (!pool) pool = new Pool();
        return pool;
      }
      if (cluster.isPrimary) {
        for (let i = 0; i < 2; i++) cluster.fork();
        cluster.on('exit', () => getPool().query('insert into crashes default values'));
      } else {
        const db = getPool();
        http.createServer(async (req, res) => res.end(String((await db.query('select 1')).rowCount))).listen(3000);
      }
    `,
  ],
  invalid: [
    // ---- in the primary's branch, what runs at load still opens the primary's pool, beside a handler ----
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        let pool;
        function getPool() {
          if (!pool) pool = new Pool({ max: 1 });
          return pool;
        }
        if (cluster.isPrimary) {
          getPool().query('select 1');
          cluster.on('exit', () => getPool().query('select 1'));
          cluster.fork();
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 5, column: 21 }],
    },
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        if (cluster.isPrimary) {
          setImmediate(() => new Pool());
          [1, 2].forEach(() => new Pool());
          cluster.on('exit', () => new Pool());
          cluster.fork();
        }
      `,
      errors: [
        { messageId: 'poolInPrimary', line: 4, column: 22 },
        { messageId: 'poolInPrimary', line: 5, column: 24 },
      ],
    },
    // a respawn handler holds fork logic: its pool is the primary's whenever a worker dies
    {
      code: code`
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        if (cluster.isPrimary) {
          cluster.fork();
          cluster.on('exit', () => {
            new Pool().query('select 1');
            cluster.fork();
          });
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 6, column: 5 }],
    },
    // ---- a helper that ends its pool, called only after the forks, on a timer, or not awaited ----
    {
      code: code`
        import cluster from 'node:cluster';
        import pg from 'pg';
        async function runMigrations() {
          const pool = new pg.Pool({ max: 1 });
          try {
            await pool.query('select 1');
          } finally {
            await pool.end();
          }
        }
        async function vacuum() {
          const pool = new pg.Pool({ max: 1 });
          await pool.query('vacuum');
          await pool.end();
        }
        function seed() {
          const pool = new pg.Pool({ max: 1 });
          pool.end();
        }
        if (cluster.isPrimary) {
          vacuum();
          for (let i = 0; i < 4; i++) cluster.fork();
          setInterval(runMigrations, 60_000);
          await runMigrations();
          seed();
        }
      `,
      errors: [
        { messageId: 'poolInPrimary', line: 4, column: 16 },
        { messageId: 'poolInPrimary', line: 12, column: 16 },
        { messageId: 'poolInPrimary', line: 17, column: 16 },
      ],
    },
    // ---- the helper's .catch() chain not awaited: the forks do not wait for it ----
    {
      code: code`
        import cluster from 'node:cluster';
        import pg from 'pg';
        if (cluster.isPrimary) {
          runMigrations().catch((err) => console.error(err));
          cluster.fork();
        }
        async function runMigrations() {
          const pool = new pg.Pool({ max: 1 });
          try {
            await pool.query('select 1');
          } finally {
            await pool.end();
          }
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 8, column: 16 }],
    },
    // ---- mongoose disconnected only after the fork ----
    {
      code: code`
        import cluster from 'node:cluster';
        import mongoose from 'mongoose';
        if (cluster.isPrimary) {
          await mongoose.connect(process.env.MONGO_URL);
          cluster.fork();
          await mongoose.disconnect();
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 9 }],
    },
    // ---- created in the primary branch ----
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        if (Boolean(cluster.isPrimary)) {
          const pool = new Pool();
          cluster.fork();
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 16 }],
    },
    // a `Boolean` of the file's own may be anything: no guard
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        import { Boolean } from './checks.js';
        if (Boolean(cluster.isWorker)) new Pool();
        else cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 32 }],
    },
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        if (cluster.isPrimary) {
          const pool = new Pool();
          for (let i = 0; i < 4; i++) cluster.fork();
        } else {
          require('./worker');
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 16 }],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        if (cluster.isWorker) {
          await import('./worker.js');
        } else {
          const pool = new Pool();
          cluster.fork();
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 6, column: 16 }],
    },
    {
      code: code`
        const { Worker, isMainThread } = require('node:worker_threads');
        const { Pool } = require('pg');
        if (!isMainThread) {
          require('./job');
        } else {
          const pool = new Pool();
          new Worker(__filename);
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 6, column: 16 }],
    },
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        if (cluster.isPrimary) cluster.fork();
        const pool = cluster.isPrimary ? new Pool() : null;
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 34 }],
    },
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        if (cluster.isPrimary) cluster.fork();
        const a = cluster.isPrimary && new Pool();
        const b = cluster.isWorker || new Pool();
      `,
      errors: [
        { messageId: 'poolInPrimary', line: 4, column: 32 },
        { messageId: 'poolInPrimary', line: 5, column: 31 },
      ],
    },
    // early return from the child side leaves the primary
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        if (cluster.isWorker) {
          require('./worker');
          return;
        }
        const pool = new Pool();
        cluster.fork();
      `,
      languageOptions: commonjs,
      errors: [{ messageId: 'poolInPrimary', line: 7, column: 14 }],
    },
    {
      code: code`
        const { fork } = require('child_process');
        const { Pool } = require('pg');
        if (typeof process.send === 'undefined') {
          const pool = new Pool();
          fork(__filename);
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 16 }],
    },
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        const { isPrimary } = cluster;
        if (isPrimary) {
          new Pool();
          cluster.fork();
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 5, column: 3 }],
    },
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        if (!process.env.NODE_UNIQUE_ID) {
          const pool = new Pool();
          cluster.fork();
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 16 }],
    },
    // both at once
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        const shared = new Pool();
        if (cluster.isPrimary) {
          const primary = new Pool();
          cluster.fork();
        } else {
          const worker = new Pool();
        }
      `,
      errors: [
        { messageId: 'poolBeforeFork', line: 3, column: 16 },
        { messageId: 'poolInPrimary', line: 5, column: 19 },
      ],
    },

    // the worker side exits early, so what follows runs in the parent only
    {
      code: code`
        const { Worker, isMainThread } = require('worker_threads');
        const { Pool } = require('pg');
        if (!isMainThread) {
          const pool = new Pool();
          return;
        }
        const metrics = new Pool();
        new Worker(__filename);
      `,
      languageOptions: commonjs,
      errors: [{ messageId: 'poolInPrimary', line: 7, column: 17 }],
    },
    {
      code: code`
        import { Worker, isMainThread } from 'node:worker_threads';
        import { Pool } from 'pg';
        function main() {
          if (!isMainThread) {
            work();
            process.exit(0);
          }
          const pool = new Pool();
          new Worker(import.meta.filename);
        }
        main();
      `,
      errors: [{ messageId: 'poolInPrimary', line: 8, column: 16 }],
    },
    // typed mode is off by default, but known creators still count in a .ts file
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        const pool: Pool = new Pool();
        const other = new Pool().on('error', () => {});
        cluster.fork();
      `,
      filename: 'server.ts',
      errors: [
        { messageId: 'poolBeforeFork', line: 3, column: 20 },
        { messageId: 'poolBeforeFork', line: 4, column: 15 },
      ],
    },

    // parentPort is null on the main thread: that branch is the parent
    {
      code: code`
        const { Worker, parentPort } = require('worker_threads');
        const { Pool } = require('pg');
        if (parentPort === null) {
          const audit = new Pool();
          new Worker(__filename);
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 17 }],
    },
    {
      code: code`
        import { Worker, parentPort } from 'node:worker_threads';
        import { Pool } from 'pg';
        if (!parentPort) {
          const audit = new Pool();
          new Worker(new URL(import.meta.url));
        }
        const pool = new Pool();
      `,
      errors: [
        { messageId: 'poolInPrimary', line: 4, column: 17 },
        { messageId: 'poolBeforeFork', line: 7, column: 14 },
      ],
    },

    // the parent side of an argv guard, and of a helper guard
    {
      code: code`
        const { fork } = require('child_process');
        const { Pool } = require('pg');
        if (!process.argv.includes('--child')) {
          const pool = new Pool();
          fork(__filename, ['--child']);
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 16 }],
    },
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        const isPrimary = () => cluster.isPrimary;
        if (isPrimary()) {
          const metrics = new Pool();
          cluster.fork();
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 5, column: 19 }],
    },
    // ---- a primary pool ended only on some paths, after the fork, or in a callback stays the primary's ----
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        if (cluster.isPrimary) {
          const a = new Pool();
          if (process.env.MIGRATE_ONLY) await a.end();
          const b = new Pool();
          cluster.fork();
          await b.end();
          const c = new Pool();
          setTimeout(() => c.end(), 1000);
          cluster.fork();
        }
      `,
      errors: [
        { messageId: 'poolInPrimary', line: 4, column: 13 },
        { messageId: 'poolInPrimary', line: 6, column: 13 },
        { messageId: 'poolInPrimary', line: 9, column: 13 },
      ],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        function startWorkers() {
          for (let i = 0; i < 4; i++) cluster.fork();
        }
        if (cluster.isPrimary) {
          let pool = new Pool();
          startWorkers();
          await pool.end();
          const other = new Pool();
          try {
            await migrate(other);
          } catch (err) {
            console.error(err);
          }
          await other.end();
        }
      `,
      errors: [
        { messageId: 'poolInPrimary', line: 7, column: 14 },
        { messageId: 'poolInPrimary', line: 10, column: 17 },
      ],
    },
    // ---- ending a module-scope pool does not help: each child creates its own again ----
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        const pool = new Pool();
        await pool.end();
        if (cluster.isPrimary) cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 3, column: 14 }],
    },
  ],
});
