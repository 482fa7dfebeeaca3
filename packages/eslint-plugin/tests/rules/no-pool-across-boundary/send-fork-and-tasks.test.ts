/**
 * IPC send() (and its handle argument), fork()/spawn()/execFile() arguments and environment,
 * cluster setup, worker-pool tasks, and channels reached through local classes and factories.
 */
import { code, RuleTester } from '../../rule-tester';
import rule from '../../../src/rules/no-pool-across-boundary';
import {
  POST, SEND, WORKER_DATA, FORK, FORK_ENV, SPAWN, SPAWN_ENV, WORKER_ARGV, WORKER_ENV, EXEC, RUN,
  typedLanguageOptions,
} from './shared';

const ruleTester = new RuleTester();

ruleTester.run('no-pool-across-boundary', rule, {
  valid: [
    // ---- cluster setup and execFile: plain arguments, or a helper of this file ----
    code`
      const cluster = require('node:cluster');
      const { execFile } = require('node:child_process');
      const { Pool } = require('pg');
      const pool = new Pool();
      cluster.setupPrimary({ exec: './w.js', args: ['--max', String(pool.options.max)] });
      execFile('node', ['x.js', String(pool.totalCount)], () => {});
    `,
    code`
      const { Pool } = require('pg');
      const pool = new Pool();
      function execFileSync(file, args) { return [file, ...args]; }
      execFileSync('node', [pool]);
    `,
    // ---- the handle of send(msg, handle) ----
    // A net socket or server, a callback, options, or a pool's plain data in second place is no database handle.
    code`
      const net = require('node:net');
      const { fork } = require('node:child_process');
      const { Pool } = require('pg');
      const pool = new Pool();
      const child = fork('./c.js');
      const server = net.createServer();
      child.send('server', server);
      child.send({ t: 1 }, () => {});
      child.send({ t: 1 }, undefined, { keepOpen: true });
      child.send('config', pool.options);
      server.on('connection', socket => child.send('socket', socket));
      function relay(req) { child.send('socket', req.socket); }
    `,
    // An in-process mediator's `send(msg, tx)` keeps the client here, as its one-argument form does.
    code`
      const { Pool } = require('pg');
      const pool = new Pool();
      class Mediator {
        handlers = new Map();
        send(msg, tx) { return this.handlers.get(msg.type)?.(msg, tx); }
      }
      const mediator = new Mediator();
      async function run() {
        const tx = await pool.connect();
        await mediator.send({ type: 'CreateUser' }, tx);
      }
    `,
  ],
  invalid: [
    // A class that forwards through its constructor, a getter, `.call()` or a field holding a channel stays a channel.
    {
      code: code`
        const { fork } = require('node:child_process');
        const { Pool } = require('pg');
        const pool = new Pool();
        class Assigned {
          constructor(c) { this.send = (m) => c.send(m); }
        }
        class Getter {
          constructor(c) { this.child = c; }
          get send() { return this.child.send.bind(this.child); }
        }
        class Called {
          constructor(c) { this.child = c; }
          send(m) { this.child.send.call(this.child, m); }
        }
        class Logged {
          constructor(c) { this.child = c; }
          send(m) { console.log('send', m); this.child.send(m); }
        }
        const assigned = new Assigned(fork('./c.js'));
        const getter = new Getter(fork('./c.js'));
        const called = new Called(fork('./c.js'));
        const logged = new Logged(fork('./c.js'));
        assigned.send({ pool });
        getter.send({ pool });
        called.send({ pool });
        logged.send({ pool });
      `,
      errors: [
        { messageId: 'poolAcrossBoundary', line: 23, column: 17, data: { kind: 'pool', channel: SEND } },
        { messageId: 'poolAcrossBoundary', line: 24, column: 15, data: { kind: 'pool', channel: SEND } },
        { messageId: 'poolAcrossBoundary', line: 25, column: 15, data: { kind: 'pool', channel: SEND } },
        { messageId: 'poolAcrossBoundary', line: 26, column: 15, data: { kind: 'pool', channel: SEND } },
      ],
    },
    // ... and so does an `exec(fn, args)` wrapper over a workerpool its field holds.
    {
      code: code`
        import workerpool from 'workerpool';
        import { Pool } from 'pg';
        const pool = new Pool();
        class Runner {
          wp = workerpool.pool('./tasks.js');
          exec(fn, args) { return this.wp.exec(fn, args); }
        }
        const runner = new Runner();
        runner.exec('count', [pool]);
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 9, column: 23, data: { kind: 'pool', channel: EXEC } }],
    },
    // ---- IPC send ----
    {
      code: code`
        const { Pool } = require('pg');
        const pool = new Pool();
        process.send(pool);
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 3, column: 14, data: { kind: 'pool', channel: SEND } }],
    },
    {
      code: code`
        const pg = require('pg');
        const pool = new pg.Pool();
        process.send?.({ cmd: 'ready', pool });
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 3, column: 32 }],
    },
    {
      code: code`
        import { fork } from 'node:child_process';
        import { Pool } from 'pg';
        const pool = new Pool();
        const child = fork('./child.js');
        child.send({ pool });
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 5, column: 14 }],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        const pool = new Pool();
        for (const id in cluster.workers) {
          cluster.workers[id].send({ pool });
        }
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 5, column: 30 }],
    },
    {
      code: code`
        import cluster from 'cluster';
        import mariadb from 'mariadb';
        const pool = mariadb.createPool({ host: 'db' });
        const worker = cluster.fork();
        worker.send(pool);
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 5, column: 13, data: { kind: 'pool', channel: SEND } }],
    },
    {
      code: code`
        const { createClient } = require('redis');
        const redis = createClient();
        process.send(redis);
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 3, column: 14, data: { kind: 'client', channel: SEND } }],
    },
    {
      code: code`
        const Database = require('better-sqlite3');
        process.send(new Database('app.db'));
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 2, column: 14, data: { kind: 'connection', channel: SEND } }],
    },
    {
      code: code`
        const sql = require('mssql');
        async function main() {
          const pool = await sql.connect(config);
          process.send(pool);
        }
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 4, column: 16, data: { kind: 'pool', channel: SEND } }],
    },
    {
      code: code`
        import { Sequelize } from 'sequelize';
        const sequelize = new Sequelize('postgres://db');
        process.send({ sequelize });
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 3, column: 16, data: { kind: 'engine', channel: SEND } }],
    },
    {
      code: code`
        import { DataSource } from 'typeorm';
        const dataSource = new DataSource({ type: 'postgres' });
        process.send(dataSource);
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 3, column: 14, data: { kind: 'engine', channel: SEND } }],
    },
    {
      code: code`
        const mongoose = require('mongoose');
        const conn = mongoose.createConnection('mongodb://db');
        process.send(conn);
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 3, column: 14, data: { kind: 'connection', channel: SEND } }],
    },
    {
      code: code`
        const genericPool = require('generic-pool');
        const pool = genericPool.createPool(factory, { max: 10 });
        const resource = await pool.acquire();
        process.send(resource);
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 4, column: 14, data: { kind: 'connection', channel: SEND } }],
    },
    {
      code: code`
        const oracledb = require('oracledb');
        const pool = await oracledb.createPool({ user: 'app' });
        process.send(pool);
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 3, column: 14, data: { kind: 'pool', channel: SEND } }],
    },
    // A pool is truthy: `pool || x` and `pool ?? x` are the pool; `ready && pool` is too.
    {
      code: code`
        const { Pool } = require('pg');
        const pool = new Pool();
        process.send(pool || fallback);
        process.send(cached ?? pool);
        process.send(ready && pool);
      `,
      errors: [
        { messageId: 'poolAcrossBoundary', line: 3, column: 14 },
        { messageId: 'poolAcrossBoundary', line: 4, column: 14 },
        { messageId: 'poolAcrossBoundary', line: 5, column: 14 },
      ],
    },
    // One report per argument and channel, however many pools the variable holds.
    {
      code: code`
        const { Pool } = require('pg');
        const pool = new Pool();
        const deps = { a: pool, b: pool, c: pool };
        process.send(deps);
        const pools = [new Pool(), new Pool()];
        process.send(pools);
      `,
      errors: [
        { messageId: 'poolAcrossBoundary', line: 4, column: 14, data: { kind: 'pool', channel: SEND } },
        { messageId: 'poolAcrossBoundary', line: 6, column: 14, data: { kind: 'pool', channel: SEND } },
      ],
    },
    {
      code: code`
        const { Worker } = require('worker_threads');
        const { Pool } = require('pg');
        const pool = new Pool();
        const deps = { a: pool, b: pool };
        new Worker('./w.js', { workerData: deps });
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 5, column: 36, data: { kind: 'pool', channel: WORKER_DATA } }],
    },
    // A bound `process.send` is still IPC.
    {
      code: code`
        const { Pool } = require('pg');
        const pool = new Pool();
        const send = process.send.bind(process);
        send({ pool });
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 4, column: 8, data: { kind: 'pool', channel: SEND } }],
    },
    // a receiver this file does not create stays a channel
    {
      code: code`
        import { Pool } from 'pg';
        const pool = new Pool();
        export function share(channel: { send(msg: unknown): void }) {
          channel.send({ pool });
        }
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 4, column: 18, data: { kind: 'pool', channel: SEND } }],
    },
    // ---- fork arguments ----
    // a child's environment: `cluster.fork(env)`, and `env` in fork's or spawn's options
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        const pool = new Pool();
        cluster.setupPrimary({ exec: 'worker.js' });
        cluster.fork({ POOL: pool });
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 5, column: 22, data: { kind: 'pool', channel: FORK_ENV } }],
    },
    {
      code: code`
        const { fork } = require('child_process');
        const { Pool } = require('pg');
        const pool = new Pool();
        fork('./c.js', [], { env: { POOL: pool } });
        fork('./c.js', { env: { ...process.env, POOL: pool } });
      `,
      errors: [
        { messageId: 'poolAcrossBoundary', line: 4, column: 35, data: { kind: 'pool', channel: FORK_ENV } },
        { messageId: 'poolAcrossBoundary', line: 5, column: 47, data: { kind: 'pool', channel: FORK_ENV } },
      ],
    },
    // options in a variable are reported on the argument that passes them
    {
      code: code`
        import { spawn } from 'node:child_process';
        import mysql from 'mysql2';
        const pool = mysql.createPool({});
        const options = { env: { POOL: pool } };
        spawn('node', ['child.js', pool], options);
      `,
      errors: [
        { messageId: 'poolAcrossBoundary', line: 5, column: 28, data: { kind: 'pool', channel: SPAWN } },
        { messageId: 'poolAcrossBoundary', line: 5, column: 35, data: { kind: 'pool', channel: SPAWN_ENV } },
      ],
    },
    // a Worker's argv and env are stringified into the thread
    {
      code: code`
        import { Worker } from 'node:worker_threads';
        import pg from 'pg';
        const pool = new pg.Pool();
        new Worker('./w.js', { argv: [pool] });
        new Worker('./w.js', { env: { POOL: pool } });
      `,
      errors: [
        { messageId: 'poolAcrossBoundary', line: 4, column: 31, data: { kind: 'pool', channel: WORKER_ARGV } },
        { messageId: 'poolAcrossBoundary', line: 5, column: 37, data: { kind: 'pool', channel: WORKER_ENV } },
      ],
    },
    {
      code: code`
        const { fork } = require('child_process');
        const { Pool } = require('pg');
        const pool = new Pool();
        fork('./child.js', ['--pool', pool]);
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 4, column: 31, data: { kind: 'pool', channel: FORK } }],
    },
    {
      code: code`
        import * as cp from 'node:child_process';
        import { Pool } from 'pg';
        const pool = new Pool();
        const args = [pool];
        cp.fork('./child.js', args);
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 5, column: 23 }],
    },
    // `fork` taken from child_process by member, from a dynamic import, or declared ambient
    {
      code: code`
        const fork = require('node:child_process').fork;
        const { Pool } = require('pg');
        const pool = new Pool();
        fork('./child.js', [pool]);
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 4, column: 21, data: { kind: 'pool', channel: FORK } }],
    },
    {
      code: code`
        import { Pool } from 'pg';
        const cp = await import('child_process');
        const { fork } = cp;
        const pool = new Pool();
        fork('./child.js', [pool]);
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 5, column: 21 }],
    },
    {
      code: code`
        import { Pool } from 'pg';
        declare function postMessage(message: unknown): void;
        postMessage(new Pool());
      `,
      filename: 'worker.ts',
      errors: [{ messageId: 'poolAcrossBoundary', line: 3, column: 13, data: { kind: 'pool', channel: POST } }],
    },
    // ---- worker-pool tasks ----
    {
      code: code`
        const workerpool = require('workerpool');
        const { Pool } = require('pg');
        const pool = new Pool();
        workerpool.pool('./worker.js').exec('query', [pool, 'select 1']);
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 4, column: 47, data: { kind: 'pool', channel: EXEC } }],
    },
    {
      code: code`
        import workerpool from 'workerpool';
        import { Pool } from 'pg';
        const pool = new Pool();
        const tasks = workerpool.pool();
        await tasks.exec(runQuery, [{ pool }]);
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 5, column: 31 }],
    },
    {
      code: code`
        import Piscina from 'piscina';
        import { Pool } from 'pg';
        const pool = new Pool();
        const piscina = new Piscina({ filename: './task.js' });
        await piscina.run({ pool, sql: 'select 1' });
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 5, column: 21, data: { kind: 'pool', channel: RUN } }],
    },
    {
      code: code`
        import { Piscina } from 'piscina';
        import { Pool } from 'pg';
        const workers = new Piscina({ filename: './task.js' });
        await workers.run(new Pool());
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 4, column: 19 }],
    },
    {
      code: code`
        import Tinypool from 'tinypool';
        import { Pool } from 'pg';
        const pool = new Pool();
        const workers = new Tinypool({ filename: './task.js' });
        await workers.run({ pool });
      `,
      errors: [
        { messageId: 'poolAcrossBoundary', line: 5, column: 21, data: { kind: 'pool', channel: 'a Tinypool `run()` task' } },
      ],
    },
    // ---- several findings in one call ----
    {
      code: code`
        import { Pool, Client } from 'pg';
        const pool = new Pool();
        const client = new Client();
        worker.postMessage({ pool, client });
      `,
      errors: [
        { messageId: 'poolAcrossBoundary', line: 4, column: 22, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 4, column: 28, data: { kind: 'client', channel: POST } },
      ],
    },
    // ---- options: creators ----
    {
      code: code`
        import { openDb } from '@acme/db';
        const db = openDb('main');
        process.send(db);
      `,
      options: [{ creators: [{ package: '@acme/db', factories: ['openDb'] }] }],
      errors: [{ messageId: 'poolAcrossBoundary', line: 3, column: 14 }],
    },
    {
      code: code`
        const { Db } = require('@acme/db');
        worker.postMessage({ db: new Db.Pool() });
      `,
      options: [{ creators: [{ package: '@acme/db', constructors: ['Db.Pool'] }] }],
      errors: [{ messageId: 'poolAcrossBoundary', line: 2, column: 26, data: { kind: 'pool', channel: POST } }],
    },
    // A local factory whose object forwards to a channel: a call of the captured channel
    // with the method's parameter, a bound channel method, or an arrow to postMessage.
    {
      code: code`
        import { fork } from 'node:child_process';
        import { Worker } from 'node:worker_threads';
        import pg from 'pg';
        const pool = new pg.Pool();
        const child = fork('./w.js');
        const worker = new Worker('./w.js');
        function ipc(target) {
          return { send(msg) { target.send(msg); } };
        }
        function wrap(c) { return { send: c.send.bind(c) }; }
        function port(w) { return { postMessage: m => w.postMessage(m) }; }
        function relay(forward) { return { send(...args) { forward(...args); } }; }
        ipc(child).send({ pool });
        const channel = ipc(child);
        channel.send({ type: 'x', pool });
        const bound = wrap(child);
        bound.send({ pool });
        const p = port(worker);
        p.postMessage(pool);
        const r = relay(m => child.send(m));
        r.send(pool);
      `,
      errors: [
        { messageId: 'poolAcrossBoundary', line: 13, column: 19, data: { kind: 'pool', channel: SEND } },
        { messageId: 'poolAcrossBoundary', line: 15, column: 27, data: { kind: 'pool', channel: SEND } },
        { messageId: 'poolAcrossBoundary', line: 17, column: 14, data: { kind: 'pool', channel: SEND } },
        { messageId: 'poolAcrossBoundary', line: 19, column: 15, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 21, column: 8, data: { kind: 'pool', channel: SEND } },
      ],
    },
    // Likewise an object literal held in a variable, and one whose method may be replaced.
    {
      code: code`
        const { fork } = require('child_process');
        const { Pool } = require('pg');
        const child = fork('./w.js');
        const pool = new Pool();
        const ch = { send: m => child.send(m) };
        const logged = { send(m) { audit.record(m); } };
        const spread = { send() {}, ...child };
        const getter = { get send() { return child.send.bind(child); } };
        ch.send(pool);
        logged.send(pool);
        spread.send(pool);
        getter.send(pool);
      `,
      errors: [
        { messageId: 'poolAcrossBoundary', line: 9, column: 9, data: { kind: 'pool', channel: SEND } },
        { messageId: 'poolAcrossBoundary', line: 10, column: 13, data: { kind: 'pool', channel: SEND } },
        { messageId: 'poolAcrossBoundary', line: 11, column: 13, data: { kind: 'pool', channel: SEND } },
        { messageId: 'poolAcrossBoundary', line: 12, column: 13, data: { kind: 'pool', channel: SEND } },
      ],
    },
    // workerData assigned onto the options after their declaration, or spread from them.
    {
      code: code`
        import { Worker } from 'node:worker_threads';
        import pg from 'pg';
        const pool = new pg.Pool();
        const options = { name: 'reporter' };
        options.workerData = { pool };
        new Worker('./report-worker.js', options);
        const base = { workerData: { pool } };
        new Worker('./a.js', { ...base });
        new Worker('./b.js', { ...base, name: 'b' });
        const outer = { ...base };
        new Worker('./c.js', outer);
        new Worker('./d.js', { workerData: { max: 1 }, ...options });
      `,
      errors: [
        { messageId: 'poolAcrossBoundary', line: 6, column: 34, data: { kind: 'pool', channel: WORKER_DATA } },
        { messageId: 'poolAcrossBoundary', line: 8, column: 22, data: { kind: 'pool', channel: WORKER_DATA } },
        { messageId: 'poolAcrossBoundary', line: 9, column: 22, data: { kind: 'pool', channel: WORKER_DATA } },
        { messageId: 'poolAcrossBoundary', line: 11, column: 22, data: { kind: 'pool', channel: WORKER_DATA } },
        { messageId: 'poolAcrossBoundary', line: 12, column: 22, data: { kind: 'pool', channel: WORKER_DATA } },
      ],
    },
    // A local function that returns something other than an object literal may hand out a channel.
    {
      code: code`
        const { fork } = require('child_process');
        const { Pool } = require('pg');
        function openChannel(flag) {
          if (flag) return { send() {} };
          return fork('./child.js');
        }
        async function connectBus() {
          return { send() {} };
        }
        const pool = new Pool();
        const channel = openChannel(false);
        const bus = connectBus();
        channel.send({ pool });
        bus.send({ pool });
      `,
      errors: [
        { messageId: 'poolAcrossBoundary', line: 13, column: 16, data: { kind: 'pool', channel: SEND } },
        { messageId: 'poolAcrossBoundary', line: 14, column: 12, data: { kind: 'pool', channel: SEND } },
      ],
    },
    // Worker options in a variable: reported on each `new Worker` that passes them.
    {
      code: code`
        import { Worker } from 'node:worker_threads';
        import pg from 'pg';
        const pool = new pg.Pool();
        const workerOptions = {
          resourceLimits: { maxOldGenerationSizeMb: 256 },
          workerData: { pool },
        };
        export function startReportWorker() {
          return new Worker('./report-worker.js', workerOptions);
        }
        export function startExportWorker() {
          return new Worker('./export-worker.js', workerOptions);
        }
      `,
      errors: [
        { messageId: 'poolAcrossBoundary', line: 9, column: 43, data: { kind: 'pool', channel: WORKER_DATA } },
        { messageId: 'poolAcrossBoundary', line: 12, column: 43, data: { kind: 'pool', channel: WORKER_DATA } },
      ],
    },
    // ---- cluster setup arguments, execFile and spawnSync arguments ----
    {
      code: code`
        const cluster = require('node:cluster');
        const { execFile, execFileSync, spawnSync } = require('node:child_process');
        const { Pool } = require('pg');
        const pool = new Pool();
        cluster.setupPrimary({ exec: './w.js', args: [pool] });
        cluster.setupMaster({ exec: './w.js', args: ['--db', pool] });
        const settings = { exec: './w.js', args: [pool] };
        cluster.setupPrimary(settings);
        execFile('node', ['x.js', pool], () => {});
        execFileSync('node', ['x.js', pool]);
        spawnSync('node', ['x.js'], { env: { POOL: pool } });
      `,
      errors: [
        { messageId: 'poolAcrossBoundary', line: 5, column: 47, data: { kind: 'pool', channel: '`setupPrimary()` arguments' } },
        { messageId: 'poolAcrossBoundary', line: 6, column: 54, data: { kind: 'pool', channel: '`setupMaster()` arguments' } },
        { messageId: 'poolAcrossBoundary', line: 8, column: 22, data: { kind: 'pool', channel: '`setupPrimary()` arguments' } },
        { messageId: 'poolAcrossBoundary', line: 9, column: 27, data: { kind: 'pool', channel: '`execFile()` arguments' } },
        { messageId: 'poolAcrossBoundary', line: 10, column: 31, data: { kind: 'pool', channel: '`execFileSync()` arguments' } },
        { messageId: 'poolAcrossBoundary', line: 11, column: 44, data: { kind: 'pool', channel: '`spawnSync()` environment' } },
      ],
    },
    // ---- the handle of send(msg, handle) ----
    // A client, a pool or a pooled connection's socket as the handle: ERR_INVALID_HANDLE_TYPE, or a shared session.
    {
      code: code`
        const { fork } = require('node:child_process');
        const cluster = require('node:cluster');
        const { Pool } = require('pg');
        const pool = new Pool();
        async function handOff() {
          const child = fork('./importer.js');
          const client = await pool.connect();
          child.send('socket', client);
          process.send?.({ t: 1 }, client);
          child.send('pool', pool, { keepOpen: true });
          child.send('socket', client.connection.stream);
          const socket = client.connection.stream;
          cluster.workers[1].send({ t: 2 }, socket);
        }
      `,
      errors: [
        { messageId: 'handleAcrossBoundary', line: 8, column: 24, data: { kind: 'connection', channel: SEND } },
        { messageId: 'handleAcrossBoundary', line: 9, column: 28, data: { kind: 'connection', channel: SEND } },
        { messageId: 'handleAcrossBoundary', line: 10, column: 22, data: { kind: 'pool', channel: SEND } },
        { messageId: 'handleAcrossBoundary', line: 11, column: 24, data: { kind: "connection's socket", channel: SEND } },
        { messageId: 'handleAcrossBoundary', line: 13, column: 37, data: { kind: "connection's socket", channel: SEND } },
      ],
    },
    // mysql2 and ioredis keep the socket as `stream`; a pool in the message and as the handle is reported once each.
    {
      code: code`
        import { fork } from 'node:child_process';
        import mysql from 'mysql2/promise';
        import Redis from 'ioredis';
        const db = mysql.createPool({});
        const redis = new Redis();
        const child = fork('./c.js');
        const conn = await db.getConnection();
        child.send('socket', conn.stream);
        child.send('socket', redis.stream);
        child.send({ db }, db);
      `,
      errors: [
        { messageId: 'handleAcrossBoundary', line: 8, column: 22, data: { kind: "connection's socket", channel: SEND } },
        { messageId: 'handleAcrossBoundary', line: 9, column: 22, data: { kind: "client's socket", channel: SEND } },
        { messageId: 'poolAcrossBoundary', line: 10, column: 14, data: { kind: 'pool', channel: SEND } },
        { messageId: 'handleAcrossBoundary', line: 10, column: 20, data: { kind: 'pool', channel: SEND } },
      ],
    },
    // Typed mode: a client of any origin, or its socket, as the handle.
    {
      code: code`
        import type { ChildProcess } from 'node:child_process';
        import type { PoolClient } from 'pg';
        export function handOff(child: ChildProcess, client: PoolClient) {
          child.send('socket', client);
          child.send('socket', client.connection.stream);
        }
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
      errors: [
        { messageId: 'handleAcrossBoundary', line: 4, column: 24, data: { kind: 'client', channel: SEND } },
        { messageId: 'handleAcrossBoundary', line: 5, column: 24, data: { kind: "client's socket", channel: SEND } },
      ],
    },
  ],
});
