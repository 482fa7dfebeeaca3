/**
 * postMessage() and workerData (also a worker pool's own), renamed imports of Worker and
 * fork, and methods that return the pool, client or engine itself.
 */
import { code, RuleTester } from '../../rule-tester';
import rule from '../../../src/rules/no-pool-across-boundary';
import { POST, SEND, WORKER_DATA, FORK, FORK_ENV, WORKER_ARGV, WORKER_ENV } from './shared';

const ruleTester = new RuleTester();

ruleTester.run('no-pool-across-boundary', rule, {
  valid: [
    // ---- renamed channel imports, worker-pool options: plain data ----
    code`
      import { Worker as ThreadWorker } from 'node:worker_threads';
      import { fork as forkChild } from 'node:child_process';
      import Piscina from 'piscina';
      import workerpool from 'workerpool';
      import pg from 'pg';
      const pool = new pg.Pool();
      new ThreadWorker('./w.js', { workerData: { max: pool.options.max } });
      forkChild('./c.js', ['--max', String(pool.options.max)]);
      new Piscina({ filename: './task.js', workerData: { max: 4 } });
      workerpool.pool('./w.js', { workerType: 'thread', workerThreadOpts: { workerData: { max: 4 } } });
      workerpool.pool({ maxWorkers: 2 });
    `,
    // a loader named like createRequire but not node:module's loads nothing the rule knows
    code`
      import { createRequire } from './loader.js';
      import { Worker } from 'node:worker_threads';
      const load = createRequire(import.meta.url);
      const { Pool } = load('pg');
      const pool = new Pool();
      new Worker('./w.js', { workerData: { pool } });
    `,
  ],
  invalid: [
    // ---- postMessage ----
    {
      code: code`
        import { Pool } from 'pg';
        import { Worker } from 'node:worker_threads';
        const pool = new Pool();
        const worker = new Worker('./w.js');
        worker.postMessage(pool);
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 5, column: 20, data: { kind: 'pool', channel: POST } }],
    },
    {
      code: code`
        import { parentPort } from 'worker_threads';
        import pg from 'pg';
        const client = new pg.Client();
        parentPort.postMessage({ client });
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 4, column: 26, data: { kind: 'client', channel: POST } }],
    },
    {
      code: code`
        import * as pg from 'pg';
        const { port1 } = new MessageChannel();
        port1.postMessage([1, new pg.Pool()]);
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 3, column: 23, data: { kind: 'pool', channel: POST } }],
    },
    {
      code: code`
        import { Pool as PgPool } from 'pg';
        const db = new PgPool({ max: 4 });
        parentPort.postMessage({ type: 'init', deps: { db } });
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 3, column: 48 }],
    },
    {
      code: code`
        import { Pool } from 'pg';
        const pool = new Pool();
        worker.postMessage({ a: { b: { pool } } });
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 3, column: 32 }],
    },
    {
      code: code`
        import { Pool } from 'pg';
        const pool = new Pool();
        const message = { kind: 'hello', pool };
        worker.postMessage(message);
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 4, column: 20 }],
    },
    {
      code: code`
        import { Pool } from 'pg';
        const pool = new Pool();
        worker?.postMessage(pool);
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 3, column: 21 }],
    },
    {
      code: code`
        import { Pool } from 'pg';
        const pool = new Pool();
        const client = await pool.connect();
        parentPort.postMessage(client);
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 4, column: 24, data: { kind: 'connection', channel: POST } }],
    },
    {
      code: code`
        import { Pool } from 'pg';
        const pool = new Pool();
        pool.connect().then(client => {
          parentPort.postMessage({ client });
        });
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 4, column: 28 }],
    },
    {
      code: code`
        const mysql = require('mysql');
        const pool = mysql.createPool({ host: 'db' });
        pool.getConnection((err, connection) => {
          parentPort.postMessage(connection);
        });
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 4, column: 26, data: { kind: 'connection', channel: POST } }],
    },
    {
      code: code`
        import { Pool } from 'pg';
        class Repo {
          constructor() {
            this.pool = new Pool();
          }
          share(worker) {
            worker.postMessage(this.pool);
          }
        }
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 7, column: 24 }],
    },
    {
      code: code`
        import { Pool } from 'pg';
        class Repo {
          private pool = new Pool();
          share(worker: Worker) {
            worker.postMessage({ pool: this.pool! });
          }
        }
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 5, column: 32 }],
    },
    {
      code: code`
        import { Pool } from 'pg';
        let pool;
        pool = new Pool();
        parentPort.postMessage(pool);
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 4, column: 24 }],
    },
    {
      code: code`
        import { Pool } from 'pg';
        const deps = { pool: new Pool(), name: 'main' };
        const { pool } = deps;
        parentPort.postMessage(pool);
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 4, column: 24 }],
    },
    {
      code: code`
        import { Pool } from 'pg';
        const [primary] = [new Pool(), 'replica'];
        parentPort.postMessage(primary);
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 3, column: 24 }],
    },
    {
      code: code`
        import { Pool } from 'pg';
        const deps = { pool: new Pool() };
        parentPort.postMessage(deps.pool);
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 3, column: 24 }],
    },
    {
      code: code`
        import { Pool } from 'pg';
        const pool = new Pool() as unknown as object;
        parentPort.postMessage(existing ?? pool);
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 3, column: 24 }],
    },
    {
      code: code`
        import postgres from 'postgres';
        const sql = postgres(process.env.DATABASE_URL);
        parentPort.postMessage({ sql });
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 3, column: 26, data: { kind: 'pool', channel: POST } }],
    },
    {
      code: code`
        import mysql from 'mysql2/promise';
        const pool = mysql.createPool({ uri: 'mysql://db' });
        parentPort.postMessage([pool]);
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 3, column: 25 }],
    },
    {
      code: code`
        import Redis from 'ioredis';
        const redis = new Redis();
        parentPort.postMessage({ ...{ redis } });
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 3, column: 31, data: { kind: 'client', channel: POST } }],
    },
    {
      code: code`
        import { PrismaClient } from '@prisma/client';
        const prisma = new PrismaClient();
        parentPort.postMessage(prisma);
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 3, column: 24, data: { kind: 'client', channel: POST } }],
    },
    // a parameter's default is a pool when the caller passes none
    {
      code: code`
        import { Worker } from 'node:worker_threads';
        import { Pool } from 'pg';
        function run(w: Worker, db = new Pool()) {
          w.postMessage(db);
        }
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 4, column: 17, data: { kind: 'pool', channel: POST } }],
    },
    {
      code: code`
        const { Pool } = require('pg');
        function start(worker, { client = new (require('pg').Client)() } = {}) {
          worker.postMessage({ client });
        }
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 3, column: 24, data: { kind: 'client', channel: POST } }],
    },
    // a local class that inherits its postMessage from Worker is still a Worker
    {
      code: code`
        const { Worker } = require('worker_threads');
        const { Pool } = require('pg');
        class DbWorker extends Worker {}
        const worker = new DbWorker(__filename);
        worker.postMessage(new Pool());
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 5, column: 20, data: { kind: 'pool', channel: POST } }],
    },
    // ---- workerData ----
    {
      code: code`
        import { Worker } from 'node:worker_threads';
        import { Pool } from 'pg';
        const pool = new Pool();
        new Worker('./task.js', { workerData: pool });
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 4, column: 39, data: { kind: 'pool', channel: WORKER_DATA } }],
    },
    {
      code: code`
        const wt = require('node:worker_threads');
        const { Pool } = require('pg');
        const pool = new Pool();
        const worker = new wt.Worker(__filename, { workerData: { pool, table: 'jobs' } });
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 4, column: 58 }],
    },
    {
      code: code`
        import { Worker } from 'worker_threads';
        import knex from 'knex';
        const db = knex({ client: 'pg' });
        const options = { workerData: { db } };
        new Worker('./task.js', options);
      `,
      // Options kept in a variable: reported on the `new Worker` that passes them.
      errors: [{ messageId: 'poolAcrossBoundary', line: 5, column: 25, data: { kind: 'engine', channel: WORKER_DATA } }],
    },
    {
      code: code`
        import { Worker } from 'worker_threads';
        import { MongoClient } from 'mongodb';
        const mongo = new MongoClient('mongodb://db');
        new Worker(new URL('./task.js', import.meta.url), { workerData: { clients: [mongo] } });
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 4, column: 77, data: { kind: 'client', channel: WORKER_DATA } }],
    },
    // an ES module's own `require`, made by createRequire of node:module under any name, loads as CommonJS does
    {
      code: code`
        import { createRequire } from 'node:module';
        const require = createRequire(import.meta.url);
        const { Pool } = require('pg');
        const { Worker } = require('node:worker_threads');
        const pool = new Pool({ max: 20 });
        new Worker('./w.js', { workerData: { pool } });
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 6, column: 38, data: { kind: 'pool', channel: WORKER_DATA } }],
    },
    {
      code: code`
        import module from 'node:module';
        import { Worker } from 'node:worker_threads';
        const load = module.createRequire(import.meta.url);
        const mysql = load('mysql2');
        const pool = mysql.createPool({});
        new Worker('./w.js', { workerData: pool });
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 6, column: 36, data: { kind: 'pool', channel: WORKER_DATA } }],
    },
    // ---- methods that return the pool, client or engine itself ----
    {
      code: code`
        import { Worker } from 'node:worker_threads';
        import pg from 'pg';
        import { DataSource } from 'typeorm';
        import { PrismaClient } from '@prisma/client';
        import mysql from 'mysql2';
        import Redis from 'ioredis';
        const w = new Worker('./task.js');
        const pool = new pg.Pool().on('error', console.error);
        w.postMessage({ pool });
        const ds = await new DataSource({ type: 'postgres' }).initialize();
        w.postMessage(ds);
        const prisma = new PrismaClient().$extends({});
        w.postMessage(prisma);
        const mp = mysql.createPool({}).promise();
        w.postMessage(mp);
        const redis = new Redis().once('ready', () => {}).setMaxListeners(20);
        w.postMessage(redis);
      `,
      errors: [
        { messageId: 'poolAcrossBoundary', line: 9, column: 17, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 11, column: 15, data: { kind: 'engine', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 13, column: 15, data: { kind: 'client', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 15, column: 15, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 17, column: 15, data: { kind: 'client', channel: POST } },
      ],
    },
    {
      code: code`
        const { Worker } = require('worker_threads');
        const { DataSource } = require('typeorm');
        const w = new Worker('./task.js');
        new DataSource({}).initialize().then(ds => w.postMessage(ds));
        const pool = require('pg').Pool;
        const p = new pool().addListener('error', () => {}).prependListener('connect', () => {});
        process.send(p);
      `,
      errors: [
        { messageId: 'poolAcrossBoundary', line: 4, column: 58, data: { kind: 'engine', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 7, column: 14, data: { kind: 'pool', channel: SEND } },
      ],
    },
    // better-sqlite3 opens a database without `new` too
    {
      code: code`
        const Database = require('better-sqlite3');
        process.send(Database('app.db'));
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 2, column: 14, data: { kind: 'connection', channel: SEND } }],
    },
    // ---- renamed imports of Worker and fork ----
    {
      code: code`
        import { Worker as ThreadWorker } from 'node:worker_threads';
        import { fork as spawnChild } from 'node:child_process';
        import pg from 'pg';
        const pool = new pg.Pool();
        new ThreadWorker('./w.js', { workerData: { pool } });
        spawnChild('./c.js', [], { env: { POOL: pool } });
      `,
      errors: [
        { messageId: 'poolAcrossBoundary', line: 5, column: 44, data: { kind: 'pool', channel: WORKER_DATA } },
        { messageId: 'poolAcrossBoundary', line: 6, column: 41, data: { kind: 'pool', channel: FORK_ENV } },
      ],
    },
    {
      code: code`
        const { Worker: W } = require('worker_threads');
        const wt = require('worker_threads');
        const Thread = wt.Worker;
        const { fork: forkChild } = require('child_process');
        const { Pool } = require('pg');
        const pool = new Pool();
        new W('./w.js', { workerData: pool });
        new Thread('./w.js', { argv: [pool] });
        forkChild('./c.js', [pool]);
      `,
      errors: [
        { messageId: 'poolAcrossBoundary', line: 7, column: 31, data: { kind: 'pool', channel: WORKER_DATA } },
        { messageId: 'poolAcrossBoundary', line: 8, column: 31, data: { kind: 'pool', channel: WORKER_ARGV } },
        { messageId: 'poolAcrossBoundary', line: 9, column: 22, data: { kind: 'pool', channel: FORK } },
      ],
    },
    // ---- a worker pool's own workerData, given to every thread it starts ----
    {
      code: code`
        const Piscina = require('piscina');
        const { Tinypool } = require('tinypool');
        const { Pool } = require('pg');
        const db = new Pool();
        const piscina = new Piscina({ filename: './task.js', workerData: { db } });
        const tinypool = new Tinypool({ filename: './task.js', workerData: db });
        const options = { filename: './task.js', env: { DB: db } };
        const other = new Piscina(options);
      `,
      errors: [
        { messageId: 'poolAcrossBoundary', line: 5, column: 68, data: { kind: 'pool', channel: WORKER_DATA } },
        { messageId: 'poolAcrossBoundary', line: 6, column: 68, data: { kind: 'pool', channel: WORKER_DATA } },
        { messageId: 'poolAcrossBoundary', line: 8, column: 27, data: { kind: 'pool', channel: WORKER_ENV } },
      ],
    },
    {
      code: code`
        import { Piscina as TaskPool } from 'piscina';
        import workerpool from 'workerpool';
        import pg from 'pg';
        const db = new pg.Pool();
        new TaskPool({ filename: './task.js', workerData: { db } });
        workerpool.pool('./w.js', { workerType: 'thread', workerThreadOpts: { workerData: { db } } });
        const threadOptions = { workerData: db };
        workerpool.pool({ workerThreadOpts: threadOptions });
      `,
      errors: [
        { messageId: 'poolAcrossBoundary', line: 5, column: 53, data: { kind: 'pool', channel: WORKER_DATA } },
        { messageId: 'poolAcrossBoundary', line: 6, column: 85, data: { kind: 'pool', channel: WORKER_DATA } },
        { messageId: 'poolAcrossBoundary', line: 8, column: 37, data: { kind: 'pool', channel: WORKER_DATA } },
      ],
    },
  ],
});
