/**
 * What stays silent without type information: plain data over every channel, pools used
 * on their own side, look-alike creators and channels, and receivers that run in this process.
 */
import { code, RuleTester } from '../../rule-tester';
import rule from '../../../src/rules/no-pool-across-boundary';

const ruleTester = new RuleTester();

ruleTester.run('no-pool-across-boundary', rule, {
  valid: [
    // Plain data crosses fine: config, SQL, ids, counters.
    code`
      import { Pool } from 'pg';
      import { parentPort } from 'node:worker_threads';
      const config = { connectionString: process.env.DATABASE_URL, max: 10 };
      const pool = new Pool(config);
      parentPort.postMessage(config);
    `,
    code`
      import { Pool } from 'pg';
      const pool = new Pool();
      worker.postMessage({ sql: 'select 1', id: 42 });
    `,
    code`
      import { Pool } from 'pg';
      const pool = new Pool();
      process.send({ total: pool.totalCount, idle: pool.idleCount });
    `,
    code`
      import { Pool } from 'pg';
      const pool = new Pool();
      process.send(pool.options);
    `,
    code`
      import { Pool } from 'pg';
      const pool = new Pool();
      const { rows } = await pool.query('select 1');
      parentPort.postMessage(rows);
    `,
    code`
      import { Pool } from 'pg';
      const pool = new Pool();
      const result = await pool.query('select 1');
      parentPort.postMessage(result.rows);
    `,
    code`
      import { Worker } from 'node:worker_threads';
      new Worker('./task.js', { workerData: { url: process.env.DATABASE_URL } });
    `,
    code`
      import { fork } from 'node:child_process';
      fork('./child.js', ['--db', process.env.DATABASE_URL]);
    `,
    // A child's environment and a Worker's argv and env with plain strings, and options that carry none.
    code`
      import { fork, spawn } from 'node:child_process';
      import { Worker, SHARE_ENV } from 'node:worker_threads';
      import { Pool } from 'pg';
      const pool = new Pool();
      fork('./child.js', [], { env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL } });
      fork('./child.js', { env: process.env, stdio: 'inherit' });
      spawn('node', ['child.js', '--max', String(pool.options.max)], { env: { PGHOST: 'db' } });
      new Worker('./task.js', { argv: ['--db', process.env.DATABASE_URL], env: SHARE_ENV });
      new Worker('./task.js', { env: { ...process.env, ROLE: 'reader' } });
    `,
    // A local `spawn` is ordinary code.
    code`
      import { Pool } from 'pg';
      const pool = new Pool();
      function spawn(command, args, options) { return { command, args, options }; }
      spawn('job', [pool], { env: { pool } });
    `,
    // A pool used on its own side of the boundary is the correct pattern.
    code`
      import { Pool } from 'pg';
      import { parentPort } from 'node:worker_threads';
      const pool = new Pool();
      parentPort.on('message', async sql => {
        const { rows } = await pool.query(sql);
        parentPort.postMessage(rows);
      });
    `,
    // Not a known creator: a home-made Pool class.
    code`
      class Pool {}
      const pool = new Pool();
      worker.postMessage(pool);
    `,
    // A package that only starts with a known name.
    code`
      import { Pool } from 'pg-foo';
      const pool = new Pool();
      worker.postMessage(pool);
    `,
    code`
      const { Pool } = require('pg-promise-ish');
      process.send(new Pool());
    `,
    // `run` is only a task channel on Piscina; AsyncLocalStorage stores a pool legitimately.
    code`
      import { AsyncLocalStorage } from 'node:async_hooks';
      import { Pool } from 'pg';
      const als = new AsyncLocalStorage();
      const pool = new Pool();
      als.run({ pool }, () => handle());
    `,
    code`
      import { Pool } from 'pg';
      const pool = new Pool();
      runner.run(pool);
    `,
    // RegExp exec and child_process.exec are not workerpool tasks.
    code`
      import { Pool } from 'pg';
      const pool = new Pool();
      /x/.exec(pool);
    `,
    code`
      import { exec } from 'node:child_process';
      import { Pool } from 'pg';
      const pool = new Pool();
      exec('ls', { cwd: '/' });
    `,
    // Deeper than three levels of literals is not searched.
    code`
      import { Pool } from 'pg';
      const pool = new Pool();
      worker.postMessage({ a: { b: { c: { d: pool } } } });
    `,
    // A spread spends no level, but a fourth level reached through one is not searched either.
    code`
      import { Pool } from 'pg';
      const pool = new Pool();
      const ctx = { d: pool };
      worker.postMessage({ a: { b: { c: { ...ctx } } } });
    `,
    // Literals spread into each other end the search.
    code`
      let a = { ...b };
      var b = { ...a };
      worker.postMessage({ a, b: [...b] });
    `,
    // A shadowing parameter is not the module's pool.
    code`
      import { Pool } from 'pg';
      const pool = new Pool();
      function relay(pool) {
        worker.postMessage(pool);
      }
    `,
    // The pool's connect callback, but the first parameter is the error.
    code`
      import { Pool } from 'pg';
      const pool = new Pool();
      pool.connect((err, client) => {
        process.send(err);
      });
    `,
    // Passing a pool to an ordinary function is fine.
    code`
      import { Pool } from 'pg';
      const pool = new Pool();
      startServer(pool);
      repo.save({ pool });
    `,
    // A pool is truthy: `pool && x` is x, so only x crosses.
    code`
      const { Pool } = require('pg');
      const pool = new Pool();
      process.send({ config: pool && pool.options });
      process.send(pool && pool.totalCount);
    `,
    // A helper of this file that shares a channel's name runs in-process.
    code`
      const { Pool } = require('pg');
      const pool = new Pool();
      async function send(client, text) {
        return client.query(text);
      }
      (async () => {
        const client = await pool.connect();
        await send(client, 'NOTIFY jobs');
        client.release();
      })();
    `,
    code`
      const { Pool } = require('pg');
      const pool = new Pool();
      function exec(sql, deps) {
        return deps[0].query(sql);
      }
      const fork = (name, deps) => ({ name, deps });
      exec('select 1', [pool]);
      fork('tenant-a', [pool]);
    `,
    code`
      import { Pool } from 'pg';
      import { send } from './bus.js';
      const pool = new Pool();
      function withChannel(postMessage) {
        postMessage(pool);
      }
      send({ pool });
    `,
    // The creator's module object or constructor is not a live pool.
    code`
      import * as pg from 'pg';
      worker.postMessage(pg.defaults);
    `,
    // A computed property, spread arguments and odd callees do not crash or report.
    code`
      import { Pool } from 'pg';
      const pool = new Pool();
      worker[method](pool);
      worker.postMessage(...args);
      (getWorker())['post' + 'Message']({ x: 1 });
      new (class {})().send();
      send();
    `,
    code`
      import { Pool } from 'pg';
      const pool = new Pool();
      worker?.postMessage(pool.totalCount);
      process.send?.({ ok: true });
    `,
    // Fork arguments that are not a literal list are not guessed.
    code`
      import { fork } from 'node:child_process';
      import { Pool } from 'pg';
      const pool = new Pool();
      fork('./child.js', argsFrom(pool));
    `,
    // Reassigned away from a pool to plain data: the variable is still pool-like only if some write is.
    code`
      let target = { kind: 'config' };
      target = { kind: 'other' };
      process.send(target);
    `,
    // Strings and templates never report.
    code`
      import { Pool } from 'pg';
      const pool = new Pool();
      process.send(\`pool \${pool.totalCount}\`);
      worker.postMessage('pool');
    `,
    // mongoose's model is data about a collection, not a connection.
    code`
      import mongoose from 'mongoose';
      const User = mongoose.model('User', schema);
      process.send(User.modelName);
    `,
    // A worker whose options come from elsewhere.
    code`
      import { Worker } from 'node:worker_threads';
      new Worker('./task.js', makeOptions());
      new Worker('./task.js');
    `,
    // CommonJS: a lazily required pool module, not called.
    code`
      const pg = require('pg');
      process.send({ driver: 'pg', version: pg.version });
    `,
    // A knex query builder's SQL string.
    code`
      const knex = require('knex')({ client: 'pg' });
      process.send(knex('users').where({ id: 1 }).toString());
    `,
    // TypeScript-only syntax around plain data.
    code`
      import { Pool } from 'pg';
      const pool = new Pool();
      const stats = { total: pool.totalCount } as const satisfies object;
      worker.postMessage(stats!);
    `,
    // Options: a custom creator does not change unrelated code.
    {
      code: code`
        import { openDb } from '@acme/db';
        const settings = loadSettings();
        process.send(settings);
      `,
      options: [{ creators: [{ package: '@acme/db', factories: ['openDb'] }] }],
    },
    // TypeScript import-equals with a counter only.
    code`
      import pg = require('pg');
      const pool = new pg.Pool();
      process.send!({ size: pool.totalCount });
    `,
    // A serialised config and a command string.
    code`
      import { Pool } from 'pg';
      const config = { max: 4 };
      const pool = new Pool(config);
      worker.postMessage(JSON.stringify(config));
      worker.send('shutdown');
    `,
    // cluster.fork's env is strings by design; a URL is fine.
    code`
      import cluster from 'node:cluster';
      cluster.fork({ DATABASE_URL: process.env.DATABASE_URL });
    `,
    // Piscina with plain data.
    code`
      import Piscina from 'piscina';
      import { Pool } from 'pg';
      const pool = new Pool();
      const piscina = new Piscina({ filename: './task.js' });
      await piscina.run({ sql: 'select 1', params: [1] });
    `,
    // workerpool with plain data.
    code`
      const workerpool = require('workerpool');
      const { Pool } = require('pg');
      const pool = new Pool();
      workerpool.pool().exec('query', ['select 1', 42]);
    `,
    // `send` and `exec` on a local object or an instance of a local class run in this process.
    code`
      import { Pool, PoolClient } from 'pg';
      class Mediator {
        private handlers = new Map<string, (msg: any) => Promise<unknown>>();
        send(msg: { type: string; [k: string]: unknown }) { return this.handlers.get(msg.type)!(msg); }
      }
      const pool = new Pool();
      const mediator = new Mediator();
      export async function createUser(name: string) {
        const tx = await pool.connect();
        await mediator.send({ type: 'CreateUser', tx, name });
      }
    `,
    code`
      import { Pool, PoolClient } from 'pg';
      const pool = new Pool();
      const uow = {
        async exec<T>(fn: (...a: any[]) => Promise<T>, args: unknown[]) { return fn(...args); },
      };
      export async function countUsers() {
        const client = await pool.connect();
        return uow.exec(async (c: PoolClient) => c.query('select 1'), [client]);
      }
    `,
    code`
      const { Pool } = require('pg');
      const Bus = class extends require('events') {
        postMessage(message) { this.emit('message', message); }
      };
      const bus = new Bus();
      bus.postMessage({ pool: new Pool() });
    `,
    // Tinypool with plain data.
    code`
      import Tinypool from 'tinypool';
      import { Pool } from 'pg';
      const pool = new Pool();
      const tinypool = new Tinypool({ filename: './task.js' });
      await tinypool.run({ sql: 'select 1' });
    `,
    // What a method returns is not the pool unless the method returns the pool itself.
    code`
      import { Worker } from 'node:worker_threads';
      import { PrismaClient } from '@prisma/client';
      import mysql from 'mysql2';
      const w = new Worker('./task.js');
      const connected = await new PrismaClient().$connect();
      w.postMessage(connected);
      const [rows] = await mysql.createPool({}).promise().query('select 1');
      w.postMessage(rows);
    `,
    code`
      import { Worker } from 'node:worker_threads';
      import { EventEmitter } from 'node:events';
      const w = new Worker('./task.js');
      const bus = new EventEmitter().on('error', console.error);
      w.postMessage({ bus });
    `,
    // Plain data through a Map, an index or a member assigned later; the index picks its element.
    code`
      import { Pool } from 'pg';
      import { Worker } from 'node:worker_threads';
      const pool = new Pool();
      const w = new Worker('./w.js');
      const entries = [pool, { max: 4 }];
      w.postMessage(entries[1]);
      w.postMessage(new Map([['max', 4]]));
      const status = {};
      status.total = pool.totalCount;
      w.postMessage(status);
    `,
    // `send` on an object a local factory returns as a literal runs in this process.
    code`
      import pg from 'pg';
      function createBus() {
        const handlers = new Map();
        return {
          on(type, handler) { handlers.set(type, handler); },
          send(msg) { return handlers.get(msg.type)?.(msg); },
        };
      }
      const createQueue = () => ({ send(msg) { return msg; } });
      const pool = new pg.Pool();
      const bus = createBus();
      const queue = createQueue();
      export async function createUser(name) {
        const client = await pool.connect();
        await bus.send({ type: 'CreateUser', client, name });
        queue.send({ client });
      }
    `,
    // A local object whose method keeps its argument here: it hands it to its own
    // parameter (a callback), a local, or `this`, and calls only the result of a lookup.
    code`
      const { Pool } = require('pg');
      function createQueue() {
        const items = [];
        return {
          send(msg, done) { const copy = { ...msg }; done(copy); },
          postMessage(msg) { items.length = 0; this.last = msg; return handlers.get(msg.type)?.(msg); },
        };
      }
      const handlers = new Map();
      const queue = createQueue();
      const local = { send: function (msg) { return msg; } };
      const pool = new Pool();
      queue.send({ pool }, () => {});
      queue.postMessage({ type: 'x', pool });
      local.send(pool);
    `,
    // Worker options spread or extended with plain data.
    code`
      import { Worker } from 'node:worker_threads';
      import pg from 'pg';
      const pool = new pg.Pool();
      const base = { workerData: { pool } };
      new Worker('./a.js', { ...base, workerData: { max: 4 } });
      const options = { name: 'reporter' };
      options.workerData = { max: pool.options.max };
      new Worker('./b.js', { ...options });
    `,
    // Worker options in a variable that hold plain data.
    code`
      import { Worker } from 'node:worker_threads';
      import pg from 'pg';
      const pool = new pg.Pool();
      const workerOptions = { workerData: { max: pool.options.max } };
      new Worker('./a.js', workerOptions);
      new Worker('./b.js', workerOptions);
    `,
  ],
  invalid: [],
});
