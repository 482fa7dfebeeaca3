/**
 * RuleTester cases for poolguard/no-pool-across-boundary: every channel, both
 * module systems, TypeScript syntax, plain data that must stay silent, and the
 * typed mode against inline `declare module` fixtures and real @types/pg.
 */
import * as path from 'node:path';


import { code, RuleTester } from '../rule-tester';
import rule from '../../src/rules/no-pool-across-boundary';


const POST = '`postMessage()`';
const SEND = 'IPC `send()`';
const WORKER_DATA = '`workerData`';
const FORK = '`fork()` arguments';
const FORK_ENV = '`fork()` environment';
const SPAWN = '`spawn()` arguments';
const SPAWN_ENV = '`spawn()` environment';
const WORKER_ARGV = "a Worker's `argv`";
const WORKER_ENV = "a Worker's `env`";
const EXEC = 'a workerpool `exec()` task';
const RUN = 'a Piscina `run()` task';

const PG_MODULE = code`
  declare module 'pg' {
    export interface PoolConfig { max?: number; connectionString?: string }
    export interface QueryResult { rows: unknown[]; rowCount: number }
    export class Pool {
      constructor(config?: PoolConfig);
      options: PoolConfig;
      totalCount: number;
      query(sql: string): Promise<QueryResult>;
      connect(): Promise<PoolClient>;
    }
    export class Client { query(sql: string): Promise<QueryResult> }
    export interface PoolClient extends Client { release(): void }
  }
`;
/** The ORM packages of tests/fixtures/typed/orm-packages.d.ts, as values to extend. */
const ORM_MODULES = code`
  declare const orm: typeof import('sequelize');
  declare const odm: typeof import('mongoose');
`;
const NODE_DECLS = code`
  declare const parentPort: { postMessage(value: unknown): void };
  declare const worker: { postMessage(value: unknown): void; send(value: unknown): void };
`;

/** The inline fixtures every typed script case starts with. */
const PRELUDE = `${PG_MODULE}\n${NODE_DECLS}\n`;
/** Line numbers in typed cases count from the end of the prelude. */
const P = PRELUDE.split('\n').length - 1;
/** Lines of ORM_MODULES, for the cases that add it to the prelude. */
const ORM_PRELUDE = `${ORM_MODULES}\n`;
const ORM_LINES = ORM_PRELUDE.split('\n').length - 1;

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
    // Typed mode: plain data types from the pool's package stay silent.
    {
      code:
        PRELUDE +
        code`
        declare const config: import('pg').PoolConfig;
        declare const result: import('pg').QueryResult;
        declare const pool: import('pg').Pool;
        parentPort.postMessage(config);
        parentPort.postMessage(result);
        parentPort.postMessage(result.rows);
        parentPort.postMessage(pool.options);
        parentPort.postMessage(pool.totalCount);
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
    },
    // Typed mode: knex's client read through `Knex#client` (typed `any`) holds plain data too: its config, names, counts.
    {
      code: code`
        import type { Knex } from 'knex';
        import type { PoolOptions } from 'tarn/dist/Pool';
        import { Worker } from 'node:worker_threads';
        export function run(w: Worker, db: Knex, trx: Knex.Transaction, options: PoolOptions<unknown> | undefined) {
          w.postMessage(db.client.config);
          w.postMessage({ cfg: db.client.config, pool: db.client.config.pool, name: db.client.driverName });
          w.postMessage({ used: db.client.pool?.numUsed(), dialect: trx.client.dialect });
          w.postMessage({ driver: db.client.driver, settings: db.client.getPoolSettings({}) });
          w.postMessage({ options });
        }
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
    },
    // Typed mode: a union of plain-data types only (configs, results) stays silent.
    {
      code: code`
        import type { PoolConfig, QueryResult } from 'pg';
        import type { Knex } from 'knex';
        import { Worker } from 'node:worker_threads';
        export function run(w: Worker, a: PoolConfig | QueryResult | null, b: Knex.Config | Knex.PoolConfig | undefined) {
          w.postMessage({ a, b });
        }
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
    },
    // Typed mode: a container declared empty and filled later holds what its type says: numbers, or config.
    {
      code: code`
        import type { Pool, PoolConfig } from 'pg';
        import { Worker } from 'node:worker_threads';
        export function run(w: Worker, pool: Pool) {
          const ids: number[] = [];
          ids.push(pool.totalCount);
          const configs: Record<string, PoolConfig> = {};
          configs['main'] = pool.options;
          w.postMessage({ ids, configs });
          w.postMessage(ids);
        }
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
    },
    // Typed mode: a `run()` receiver typed as another package's Piscina, or a class of the user's, is no task pool.
    {
      code: code`
        import type { PoolClient } from 'pg';
        import type { Piscina } from 'other-pool';
        class Runner { run(task: unknown) { return task; } }
        export async function viaOther(workers: Piscina, runner: Runner, client: PoolClient) {
          await workers.run({ client });
          runner.run({ client });
        }
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
    },
    // Typed mode: a generic class of the user's or of an in-process bus is no task pool and no channel.
    {
      code: code`
        import type { PoolClient } from 'pg';
        import type { Piscina } from 'other-pool';
        import type { TypedBus } from './mediator.js';
        class Runner<T> { run(task: T) { return task; } }
        type Job = { client: PoolClient };
        export async function viaGeneric(workers: Piscina<Job>, runner: Runner<Job>, bus: TypedBus<Job>, client: PoolClient) {
          await workers.run({ client });
          runner.run({ client });
          bus.send({ client });
          bus.postMessage({ client });
        }
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
    },
    // Typed mode: a copy carries a class instance's own data fields only. A getter, a setter, an
    // auto-accessor (a private slot behind a prototype accessor), a `#private` field and a method stay behind.
    {
      code: code`
        import type { Pool } from 'pg';
        import { parentPort } from 'node:worker_threads';
        declare const shared: Pool;
        export class JobContext {
          constructor(readonly tenant: string, readonly reportId: number) {}
          get db(): Pool { return shared; }
        }
        export class AccessorJob {
          accessor pool: Pool = shared;
          constructor(readonly tenant: string) {}
        }
        export class PrivateJob {
          #pool: Pool = shared;
          set pool(value: Pool) { this.#pool = value; }
          connect(): Pool { return this.#pool; }
        }
        export function send(ctx: JobContext, job: AccessorJob, hidden: PrivateJob) {
          parentPort?.postMessage(ctx);
          parentPort?.postMessage(job);
          process.send!(hidden);
          parentPort?.postMessage({ ctx, jobs: [job, hidden] });
        }
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
    },
    // Typed mode: the anchoring trap. `pg-foo` is not `pg`.
    {
      code:
        NODE_DECLS + '\n' +
        code`
        declare module 'pg-foo' { export class Pool { query(sql: string): void } }
        declare module 'pgx' { export class Client { query(sql: string): void } }
        declare const pool: import('pg-foo').Pool;
        declare const client: import('pgx').Client;
        parentPort.postMessage(pool);
        worker.send(client);
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
    },
    // Typed mode: the constructor itself is not an instance.
    {
      code:
        PRELUDE +
        code`
        declare const PoolClass: typeof import('pg').Pool;
        parentPort.postMessage(PoolClass);
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
    },
    // Typed mode: a local class with the same name.
    {
      code:
        NODE_DECLS + '\n' +
        code`
        class Pool { query(sql: string) { return sql; } }
        function makePool(): Pool { return new Pool(); }
        parentPort.postMessage(makePool());
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
    },
    // Typed mode off: a pool known only by its type is not seen.
    code`
      import type { Pool } from 'pg';
      declare function getPool(): Pool;
      parentPort.postMessage(getPool());
    `,
    // Typed mode, real @types/pg: the query result is data.
    {
      code: code`
        import { Pool } from 'pg';
        import { parentPort } from 'node:worker_threads';
        export async function run(pool: Pool) {
          const result = await pool.query('select 1');
          parentPort?.postMessage({ rows: result.rows, count: result.rowCount });
        }
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
    },
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
    // ---- typed mode: containers and receivers ----
    // Plain data of the pool's package inside containers stays silent.
    {
      code: code`
        import type { PoolConfig, QueryResult } from 'pg';
        import type { RowDataPacket, FieldPacket } from 'mysql2/promise';
        import { Worker } from 'node:worker_threads';
        export function run(
          w: Worker,
          results: QueryResult[],
          configs: Map<string, PoolConfig>,
          shape: { config: PoolConfig; rows: unknown[]; ids: Set<number> },
          mysqlResult: [RowDataPacket[], FieldPacket[]],
        ) {
          w.postMessage(results);
          w.postMessage(configs);
          w.postMessage(shape);
          w.postMessage(mysqlResult);
          process.send?.(results);
        }
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
    },
    // Typed mode: rows of an ORM (an app's model class, a mongoose document) are that package's plain data, not its engine.
    {
      code:
        ORM_PRELUDE +
        code`
        class Post extends orm.Model { title!: string }
        type Cat = import('mongoose').Document<{ name: string }> & { name: string };
        class CatDoc extends odm.Document<{ name: string }> { name!: string }
        declare const cats: Cat[];
        declare const catDoc: CatDoc;
        async function report() {
          const posts = await Post.findAll();
          process.send!(posts);
          process.send!(await Post.findByPk(1));
          process.send!({ posts, cats });
          process.send!(cats);
          process.send!(catDoc);
        }
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
    },
    // Typed containers: deeper than three levels is not searched, and a recursive type terminates.
    {
      code: code`
        import type { Pool } from 'pg';
        import { Worker } from 'node:worker_threads';
        interface Chain { next?: Chain; value: number; children: Chain[] }
        export function run(w: Worker, deep: { a: { b: { c: { pool: Pool } } } }, chain: Chain) {
          w.postMessage(deep);
          w.postMessage(chain);
        }
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
    },
    // Typed mode: a function or a constructor of a pool is not a pool.
    {
      code: code`
        import type { Pool } from 'pg';
        import { Worker } from 'node:worker_threads';
        export function run(w: Worker, make: { create: () => Pool; Pool: typeof import('pg').Pool }) {
          w.postMessage(make);
        }
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
    },
    // A class of this file whose `send` works in this process (also through `this.send` from another method) stays in-process.
    code`
      const { Pool } = require('pg');
      const pool = new Pool();
      class Bus {
        constructor() { this.handlers = new Map(); }
        send(msg) { this.handlers.get(msg.type)?.(msg); }
        postMessage(msg) { return this.send(msg); }
      }
      const bus = new Bus();
      bus.send({ type: 'init', pool });
      bus.postMessage({ type: 'init', pool });
    `,
    // Typed mode: an imported class whose `send` dispatches in this process.
    {
      code: code`
        import { Pool } from 'pg';
        import { LocalBus } from './ipc.js';
        const pool = new Pool();
        const bus = new LocalBus();
        bus.send({ type: 'init', pool } as { type: string });
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
    },
    // Typed mode: an in-process mediator imported from another file is no channel.
    {
      code: code`
        import { Pool } from 'pg';
        import { Mediator, mediator, type EventBus } from './mediator.js';
        declare const bus: EventBus;
        const pool = new Pool();
        const local = new Mediator();
        export async function handle() {
          const tx = await pool.connect();
          await local.send({ type: 'CreateUser', tx });
          await mediator.send({ type: 'CreateUser', tx });
          mediator.postMessage({ type: 'CreateUser', tx } as { type: string });
          bus.send({ tx });
        }
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
    },
    // Typed mode: `this.send(...)` inside an in-process class.
    {
      code: code`
        import type { PoolClient } from 'pg';
        export class Dispatcher {
          send(msg: { tx: PoolClient }) { return msg; }
          forward(tx: PoolClient) { return this.send({ tx }); }
        }
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
    },
    // A log line or a JSON copy in an in-process mediator's `send` keeps the message here.
    code`
      const { Pool } = require('pg');
      const pool = new Pool();
      class Mediator {
        handlers = new Map();
        send(msg) {
          console.debug('send', msg);
          console.log(JSON.stringify(msg), String(msg), Object.keys(msg));
          return this.handlers.get(msg.type)?.(msg);
        }
      }
      const mediator = new Mediator();
      const bus = { send(msg) { console.info(msg); return structuredClone(msg); } };
      mediator.send({ type: 'CreateUser', pool });
      bus.send({ pool });
    `,
    // A container the class or literal fills itself (`queue = []`, `this.seen = new Set()`) is in-process.
    code`
      const { Pool } = require('pg');
      const pool = new Pool();
      class Queue {
        items = [];
        constructor() { this.seen = new Set(); }
        send(msg) { this.items.push(msg); this.seen.add(msg); }
      }
      const outbox = { pending: [], send(msg) { this.pending.push(msg); } };
      const queue = new Queue();
      queue.send({ pool });
      outbox.send({ pool });
    `,
    // ---- a pool the payload itself replaces by a later key is not sent ----
    code`
      const { Worker } = require('node:worker_threads');
      const { Pool } = require('pg');
      const pool = new Pool();
      const w = new Worker('./w.js');
      const ctx = { pool, requestId: 'abc', config: { max: 5 } };
      w.postMessage({ ...ctx, pool: undefined });
      w.postMessage({ ...ctx, pool: pool.options });
      process.send({ ...ctx, pool: null });
      w.postMessage({ pool, pool: 1 });
      w.postMessage({ ['pool']: pool, 'pool': 1 });
      const holder = { id: 1 };
      holder.pool = pool;
      w.postMessage({ ...holder, pool: null });
      new Worker('./a.js', { workerData: { ...ctx, pool: undefined } });
    `,
    // Typed mode: a spread whose pool-typed key the payload replaces.
    {
      code: code`
        import type { Pool } from 'pg';
        import { Worker } from 'node:worker_threads';
        export function run(w: Worker, ctx: { pool: Pool; id: number }) {
          w.postMessage({ ...ctx, pool: null });
        }
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
    },
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
    // ---- Maps and Sets: a fourth level is not searched ----
    code`
      const { Worker } = require('node:worker_threads');
      const { Pool } = require('pg');
      const pool = new Pool();
      const w = new Worker('./w.js');
      w.postMessage({ a: { b: { m: new Map([['x', pool]]) } } });
      w.postMessage([{ m: new Map([['x', { b: pool }]]) }]);
      w.postMessage({ a: { s: new Set([{ pool }]) } });
    `,
    // ---- class fields: another field's name, or a static read as an instance one ----
    code`
      const { Worker } = require('node:worker_threads');
      const { Pool } = require('pg');
      const w = new Worker('./w.js');
      class Repo {
        #db = new Pool();
        ship() { w.postMessage(this.db); }
      }
      class Db {
        static pool = new Pool();
        ship() { w.postMessage(this.pool); }
        static stats() { w.postMessage(this.options); }
      }
    `,
    code`
      import { Worker } from 'node:worker_threads';
      import { Pool } from 'pg';
      const w = new Worker('./w.js');
      class Repo {
        constructor(private readonly db: Pool, private readonly max = 4) {}
        ship() { w.postMessage(this.db); w.postMessage(this.max); }
      }
    `,
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
    // ---- conditionals, logical expressions and Object.freeze() without types ----
    // Branches with plain data, `pool && pool.options`, a call that returns something else, and a shadowed `Object`.
    code`
      const { Worker } = require('node:worker_threads');
      const { Pool } = require('pg');
      const pool = new Pool();
      const w = new Worker('./w.js');
      const shared = process.env.SHARED === '1';
      w.postMessage(shared ? { url: process.env.DB } : { max: 2 });
      w.postMessage(shared && { config: pool.options });
      w.postMessage(Object.freeze({ url: process.env.DB }));
      w.postMessage(Object.keys({ pool }));
      new Worker('./w.js', { workerData: shared ? { max: 2 } : {} });
      function ship(Object) { w.postMessage(Object.freeze({ pool })); }
    `,
    // A branch spends no level: a pool four levels down is past the search, as in a plain literal.
    code`
      const { Pool } = require('pg');
      const pool = new Pool();
      const shared = process.env.SHARED === '1';
      worker.postMessage({ a: { b: { c: shared ? { pool } : {} } } });
      worker.postMessage({ a: { b: { c: Object.freeze({ pool }) } } });
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
    // ---- a Map or Set built from pools, an index of a local array, a member assigned later ----
    {
      code: code`
        import { Pool } from 'pg';
        import { Worker } from 'node:worker_threads';
        const pool = new Pool();
        const w = new Worker('./w.js');
        const byName = new Map([['main', pool]]);
        w.postMessage(byName);
        w.postMessage(new Set([pool]));
      `,
      errors: [
        { messageId: 'poolAcrossBoundary', line: 6, column: 15, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 7, column: 15, data: { kind: 'pool', channel: POST } },
      ],
    },
    {
      code: code`
        const { Pool } = require('pg');
        const pools = [new Pool(), new Pool()];
        process.send(pools[0]);
        const replicas = [];
        replicas[0] = new Pool();
        process.send({ replicas });
      `,
      errors: [
        { messageId: 'poolAcrossBoundary', line: 3, column: 14, data: { kind: 'pool', channel: SEND } },
        { messageId: 'poolAcrossBoundary', line: 6, column: 16, data: { kind: 'pool', channel: SEND } },
      ],
    },
    {
      code: code`
        import { Pool } from 'pg';
        import { Worker } from 'node:worker_threads';
        const w = new Worker('./w.js');
        const holder = {};
        holder.pool = new Pool();
        w.postMessage(holder);
        w.postMessage(holder.pool);
      `,
      errors: [
        { messageId: 'poolAcrossBoundary', line: 6, column: 15, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 7, column: 15, data: { kind: 'pool', channel: POST } },
      ],
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
    // ---- typed mode ----
    {
      code:
        PRELUDE +
        code`
        declare function getPool(): import('pg').Pool;
        parentPort.postMessage(getPool());
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
      errors: [{ messageId: 'poolAcrossBoundary', line: P + 2, column: 24, data: { kind: 'pool', channel: POST } }],
    },
    {
      code:
        PRELUDE +
        code`
        declare const pg: typeof import('pg');
        class TenantPool extends pg.Pool {}
        class AuditedPool extends TenantPool {}
        declare const audited: AuditedPool;
        worker.send({ audited });
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
      errors: [{ messageId: 'poolAcrossBoundary', line: P + 5, column: 15, data: { kind: 'pool', channel: SEND } }],
    },
    {
      code:
        PRELUDE +
        code`
        let pool: import('pg').Pool | undefined;
        parentPort.postMessage(pool);
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
      errors: [{ messageId: 'poolAcrossBoundary', line: P + 2, column: 24 }],
    },
    // a type parameter constrained to a pool is a pool, whatever it is instantiated with
    {
      code:
        PRELUDE +
        code`
        function dispatch<T extends import('pg').Pool>(pool: T) {
          parentPort.postMessage({ pool });
        }
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
      errors: [{ messageId: 'poolAcrossBoundary', line: P + 2, column: 28 }],
    },
    {
      code:
        PRELUDE +
        code`
        declare const client: import('pg').PoolClient;
        worker.postMessage([client]);
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
      errors: [{ messageId: 'poolAcrossBoundary', line: P + 2, column: 21, data: { kind: 'client', channel: POST } }],
    },
    {
      code:
        PRELUDE +
        code`
        declare function connectLater(): Promise<import('pg').Client>;
        parentPort.postMessage(await connectLater());
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
      errors: [{ messageId: 'poolAcrossBoundary', line: P + 2, column: 24, data: { kind: 'client', channel: POST } }],
    },
    {
      // Real @types/pg through an imported binding and a local factory.
      code: code`
        import { Pool } from 'pg';
        import { parentPort } from 'node:worker_threads';
        function makePool() {
          return new Pool({ max: 2 });
        }
        const shared = makePool();
        parentPort?.postMessage({ shared });
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
      errors: [{ messageId: 'poolAcrossBoundary', line: 7, column: 27, data: { kind: 'pool', channel: POST } }],
    },
    {
      code: code`
        import type { PoolClient } from 'pg';
        export function hand(client: PoolClient) {
          process.send!(client);
        }
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
      errors: [{ messageId: 'poolAcrossBoundary', line: 3, column: 17, data: { kind: 'client', channel: SEND } }],
    },
    // Typed mode: knex types `Knex#client` as `any`; it is read as the `Knex.Client` it always is, whose
    // `pool` is `Pool<any> | TarnPoolLike | undefined` (tarn's pool in a union with a structural interface).
    {
      code: code`
        import type { Knex } from 'knex';
        import { Worker } from 'node:worker_threads';
        export function run(w: Worker, db: Knex, trx: Knex.Transaction) {
          const p = db.client.pool;
          w.postMessage({ p });
          w.postMessage({ pool: db.client.pool });
          w.postMessage(db.client);
          w.postMessage({ pool: trx.client?.pool! });
          const client = db.client;
          w.postMessage([client.pool]);
        }
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
      errors: [
        { messageId: 'poolAcrossBoundary', line: 5, column: 19, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 6, column: 25, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 7, column: 17, data: { kind: 'client', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 8, column: 25, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 10, column: 18, data: { kind: 'pool', channel: POST } },
      ],
    },
    // Typed mode: a union counts when one member is a pool (`Pool | PoolConfig`), also beside a structural interface.
    {
      code: code`
        import type { Pool, PoolConfig } from 'pg';
        import type { Knex } from 'knex';
        import { Worker } from 'node:worker_threads';
        export function run(w: Worker, a: Pool | PoolConfig, client: Knex.Client, pools: Knex.ConnectionPool[]) {
          w.postMessage({ a });
          w.postMessage({ b: client.pool });
          w.postMessage(client);
          w.postMessage(pools);
        }
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
      errors: [
        { messageId: 'poolAcrossBoundary', line: 5, column: 19, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 6, column: 22, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 7, column: 17, data: { kind: 'client', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 8, column: 17, data: { kind: 'pool', channel: POST } },
      ],
    },
    // ---- typed mode: containers and receivers ----
    {
      code: code`
        import type { Pool, PoolClient } from 'pg';
        import { Worker } from 'node:worker_threads';
        export function run(
          w: Worker,
          pools: Pool[],
          byName: Map<string, Pool>,
          byPool: Map<Pool, string>,
          tuple: [PoolClient, number],
          holder: { pool: Pool },
          frozen: Readonly<Pool>,
          list: readonly PoolClient[],
          set: ReadonlySet<Pool>,
          record: Record<string, Pool | undefined>,
        ) {
          w.postMessage(pools);
          w.postMessage(byName);
          w.postMessage(byPool);
          w.postMessage(tuple);
          w.postMessage(holder);
          w.postMessage(frozen);
          w.postMessage(list);
          w.postMessage(set);
          w.postMessage(record);
        }
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
      errors: [
        { messageId: 'poolAcrossBoundary', line: 15, column: 17, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 16, column: 17, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 17, column: 17, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 18, column: 17, data: { kind: 'client', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 19, column: 17, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 20, column: 17, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 21, column: 17, data: { kind: 'client', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 22, column: 17, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 23, column: 17, data: { kind: 'pool', channel: POST } },
      ],
    },
    // Typed containers: an interface, a class instance, three levels down, and inside a literal.
    {
      code: code`
        import type { Pool } from 'pg';
        interface Holder { pool: Pool; name: string }
        class Repo { constructor(readonly db: Pool) {} }
        export function run(holder: Holder, repo: Repo, deep: { a: { b: { pool: Pool } } }, holders: Holder[]) {
          process.send!(holder);
          process.send!(holder.name);
          process.send!(repo);
          process.send!(deep);
          process.send!({ type: 'start', deps: holders });
        }
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
      errors: [
        { messageId: 'poolAcrossBoundary', line: 5, column: 17, data: { kind: 'pool', channel: SEND } },
        { messageId: 'poolAcrossBoundary', line: 7, column: 17, data: { kind: 'pool', channel: SEND } },
        { messageId: 'poolAcrossBoundary', line: 8, column: 17, data: { kind: 'pool', channel: SEND } },
        { messageId: 'poolAcrossBoundary', line: 9, column: 40, data: { kind: 'pool', channel: SEND } },
      ],
    },
    // Typed mode: the engine a model refers to, and an app's class holding an engine or a pool, are searched as before.
    {
      code:
        PRELUDE +
        ORM_PRELUDE +
        code`
        class Post extends orm.Model { title!: string }
        class PostStore { constructor(readonly sequelize: import('sequelize').Sequelize) {} }
        class PostService { private readonly pool: import('pg').Pool; constructor(pool: import('pg').Pool) { this.pool = pool; } }
        declare const post: Post;
        declare const store: PostStore;
        declare const service: PostService;
        process.send!(post.sequelize);
        process.send!(store);
        process.send!(service);
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
      errors: [
        { messageId: 'poolAcrossBoundary', line: P + ORM_LINES + 7, column: 15, data: { kind: 'engine', channel: SEND } },
        { messageId: 'poolAcrossBoundary', line: P + ORM_LINES + 8, column: 15, data: { kind: 'engine', channel: SEND } },
        { messageId: 'poolAcrossBoundary', line: P + ORM_LINES + 9, column: 15, data: { kind: 'pool', channel: SEND } },
      ],
    },
    // Typed mode: a Piscina or Tinypool receiver is known by its type, whatever its name (tests/fixtures/typed/task-pools.d.ts).
    {
      code: code`
        import type { PoolClient } from 'pg';
        import Piscina from 'piscina';
        import type Tinypool from 'tinypool';
        class JobPool extends Piscina {}
        export async function viaParam(workerPool: Piscina, maybe: Tinypool | undefined, jobs: JobPool, client: PoolClient) {
          await workerPool.run({ client });
          await maybe?.run(client);
          await jobs.run([client]);
        }
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
      errors: [
        { messageId: 'poolAcrossBoundary', line: 6, column: 26, data: { kind: 'client', channel: RUN } },
        { messageId: 'poolAcrossBoundary', line: 7, column: 20, data: { kind: 'client', channel: 'a Tinypool `run()` task' } },
        { messageId: 'poolAcrossBoundary', line: 8, column: 19, data: { kind: 'client', channel: RUN } },
      ],
    },
    // Typed mode: piscina 5's `Piscina<T, R>` is a generic class; a receiver typed by a reference to it is a task pool.
    {
      code: code`
        import type { PoolClient } from 'pg';
        import { Piscina } from 'piscina';
        export class ReportOffloader {
          constructor(private readonly workers: Piscina) {}
          async go(client: PoolClient, renderPool: Piscina<{ client: PoolClient }, string>) {
            await this.workers.run({ client });
            await renderPool.run({ client });
          }
        }
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
      errors: [
        { messageId: 'poolAcrossBoundary', line: 6, column: 30, data: { kind: 'client', channel: RUN } },
        { messageId: 'poolAcrossBoundary', line: 7, column: 28, data: { kind: 'client', channel: RUN } },
      ],
    },
    // Typed mode: own data still crosses. A plain field beside a getter, a `declare`d field, an abstract
    // getter (a subclass may make it a field), and a getter of an interface or an object literal (own properties).
    {
      code: code`
        import type { Pool } from 'pg';
        import { parentPort } from 'node:worker_threads';
        declare const shared: Pool;
        class WithField {
          readonly pool: Pool = shared;
          get db(): Pool { return shared; }
        }
        class Declared { declare pool: Pool; }
        abstract class Base { abstract get pool(): Pool; }
        interface Shape { get pool(): Pool }
        declare const literal: { get pool(): Pool };
        export function send(a: WithField, b: Declared, c: Base, d: Shape) {
          parentPort?.postMessage(a);
          parentPort?.postMessage(b);
          parentPort?.postMessage(c);
          parentPort?.postMessage(d);
          parentPort?.postMessage(literal);
        }
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
      errors: [13, 14, 15, 16, 17].map(line => ({
        messageId: 'poolAcrossBoundary' as const,
        line,
        column: 27,
        data: { kind: 'pool', channel: POST },
      })),
    },
    // Typed containers declared empty and filled later (push, a computed key): their declared type says what they hold.
    {
      code: code`
        import { Pool } from 'pg';
        import { Worker } from 'node:worker_threads';
        export class Host {
          private readonly replicas: Pool[] = [];
          constructor(private readonly worker: Worker) {}
          add(url: string) { this.replicas.push(new Pool({ connectionString: url })); }
          send() { this.worker.postMessage({ replicas: this.replicas }); }
        }
        export function run(w: Worker, urls: string[]) {
          const replicas: Pool[] = [];
          for (const url of urls) replicas.push(new Pool({ connectionString: url }));
          w.postMessage({ replicas });
          w.postMessage(replicas);
          const registry: Record<string, Pool> = {};
          registry[urls[0]!] = new Pool();
          w.postMessage({ type: 'start', registry });
        }
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
      errors: [
        { messageId: 'poolAcrossBoundary', line: 7, column: 48, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 12, column: 19, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 13, column: 17, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 16, column: 34, data: { kind: 'pool', channel: POST } },
      ],
    },
    // Typed containers: `Promise.all` of checkouts, and `workerData`.
    {
      code: code`
        import { parentPort, Worker } from 'node:worker_threads';
        import pg from 'pg';
        const pool = new pg.Pool();
        const clients = await Promise.all([pool.connect(), pool.connect()]);
        parentPort?.postMessage(clients);
        export function start(pools: pg.Pool[]) {
          return new Worker('./worker.js', { workerData: pools });
        }
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
      errors: [
        { messageId: 'poolAcrossBoundary', line: 5, column: 25, data: { kind: 'client', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 7, column: 50, data: { kind: 'pool', channel: WORKER_DATA } },
      ],
    },
    // Typed receivers: the channel types, a subclass, a union with one, and `any` stay channels.
    {
      code: code`
        import type { ChildProcess } from 'node:child_process';
        import type { Worker as ClusterWorker } from 'node:cluster';
        import { MessagePort, Worker } from 'node:worker_threads';
        import type { Pool } from 'pg';
        import type { Mediator } from './mediator.js';
        class JobWorker extends Worker {}
        export function run(
          pool: Pool,
          child: ChildProcess,
          member: ClusterWorker,
          port: MessagePort,
          job: JobWorker,
          either: Mediator | ChildProcess,
          loose: any,
        ) {
          child.send(pool);
          member.send(pool);
          port.postMessage(pool);
          job.postMessage(pool);
          either.send(pool);
          loose.send(pool);
          process.send?.(pool);
        }
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
      errors: [
        { messageId: 'poolAcrossBoundary', line: 16, column: 14, data: { kind: 'pool', channel: SEND } },
        { messageId: 'poolAcrossBoundary', line: 17, column: 15, data: { kind: 'pool', channel: SEND } },
        { messageId: 'poolAcrossBoundary', line: 18, column: 20, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 19, column: 19, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 20, column: 15, data: { kind: 'pool', channel: SEND } },
        { messageId: 'poolAcrossBoundary', line: 21, column: 14, data: { kind: 'pool', channel: SEND } },
        { messageId: 'poolAcrossBoundary', line: 22, column: 18, data: { kind: 'pool', channel: SEND } },
      ],
    },
    // A class of this file whose `send` forwards to a child process is a channel, like an object literal's.
    {
      code: code`
        const { fork } = require('node:child_process');
        const { Pool } = require('pg');
        const pool = new Pool();
        class Ipc {
          constructor(child) { this.child = child; }
          send(msg) { this.child.send(msg); }
        }
        const ipc = new Ipc(fork('./child.js'));
        ipc.send({ type: 'init', pool });
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 9, column: 26, data: { kind: 'pool', channel: SEND } }],
    },
    // ... also as an arrow field, and through `this.send` from its other method.
    {
      code: code`
        const { Worker } = require('node:worker_threads');
        const { Pool } = require('pg');
        const pool = new Pool();
        class Port {
          worker = new Worker('./w.js');
          postMessage = (msg) => this.worker.postMessage(msg);
        }
        class Ipc {
          constructor(child) { this.child = child; }
          send(msg) { this.child.send(msg); }
          postMessage(msg) { this.send(msg); }
        }
        new Port().postMessage({ pool });
        const ipc = new Ipc(process);
        ipc.postMessage({ pool });
      `,
      errors: [
        { messageId: 'poolAcrossBoundary', line: 13, column: 26, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 15, column: 19, data: { kind: 'pool', channel: POST } },
      ],
    },
    // Typed mode: the forwarding class, declared here or imported, stays a channel.
    {
      code: code`
        import type { ChildProcess } from 'node:child_process';
        import { Pool } from 'pg';
        import { Ipc } from './ipc.js';
        class Wrapper {
          constructor(private readonly child: ChildProcess) {}
          send(msg: unknown) {
            this.child.send(msg as never);
          }
        }
        export function start(child: ChildProcess) {
          const pool = new Pool();
          new Ipc(child).send({ pool });
          new Wrapper(child).send({ pool });
        }
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
      errors: [
        { messageId: 'poolAcrossBoundary', line: 12, column: 25, data: { kind: 'pool', channel: SEND } },
        { messageId: 'poolAcrossBoundary', line: 13, column: 29, data: { kind: 'pool', channel: SEND } },
      ],
    },
    // A creator loaded with `await import()`: its pool is one.
    {
      code: code`
        import { Worker } from 'node:worker_threads';
        const pg = await import('pg');
        const { Pool } = await import('pg');
        const a = new pg.default.Pool();
        const b = new Pool();
        new Worker('./w.js').postMessage({ a });
        new Worker('./w.js').postMessage({ b });
      `,
      errors: [
        { messageId: 'poolAcrossBoundary', line: 6, column: 36, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 7, column: 36, data: { kind: 'pool', channel: POST } },
      ],
    },
    // Without typeChecked an imported mediator is not known to be in-process.
    {
      code: code`
        import { Pool } from 'pg';
        import { Mediator } from './mediator.js';
        const pool = new Pool();
        const local = new Mediator();
        const tx = await pool.connect();
        await local.send({ type: 'CreateUser', tx });
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 6, column: 40, data: { kind: 'connection', channel: SEND } }],
    },
    // ---- a later key replaces an earlier one: what survives is searched ----
    {
      code: code`
        const { Worker } = require('node:worker_threads');
        const { Pool } = require('pg');
        const pool = new Pool();
        const w = new Worker('./w.js');
        const ctx = { pool, requestId: 'abc' };
        const both = { pool, replica: new Pool() };
        w.postMessage({ pool: 1, pool });
        w.postMessage({ pool: null, ...ctx });
        w.postMessage({ ...ctx, requestId: 'def' });
        process.send({ ...both, pool: null });
      `,
      errors: [
        { messageId: 'poolAcrossBoundary', line: 7, column: 26, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 8, column: 32, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 9, column: 20, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 10, column: 19, data: { kind: 'pool', channel: SEND } },
      ],
    },
    // Typed mode: a key the payload does not replace still crosses.
    {
      code: code`
        import type { Pool } from 'pg';
        import { Worker } from 'node:worker_threads';
        export function run(w: Worker, ctx: { pool: Pool; replica: Pool }) {
          w.postMessage({ ...ctx, pool: null });
        }
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
      errors: [{ messageId: 'poolAcrossBoundary', line: 4, column: 22, data: { kind: 'pool', channel: POST } }],
    },
    // A spread's properties sit at the level of the literal it is spread into.
    {
      code: code`
        const { Worker } = require('node:worker_threads');
        const { Pool } = require('pg');
        const pool = new Pool();
        const w = new Worker('./w.js');
        const ctx = { pool };
        const list = [pool];
        w.postMessage({ a: { b: { ...ctx } } });
        w.postMessage({ a: { b: [...list] } });
        w.postMessage({ a: { ...{ b: { ...ctx } } } });
      `,
      errors: [
        { messageId: 'poolAcrossBoundary', line: 7, column: 30, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 8, column: 29, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 9, column: 35, data: { kind: 'pool', channel: POST } },
      ],
    },
    // Typed mode: a typed value spread two levels down is searched at its container's level.
    {
      code: code`
        import type { Pool } from 'pg';
        import { Worker } from 'node:worker_threads';
        export function run(w: Worker, ctx: { pool: Pool }) {
          w.postMessage({ a: { b: { ...ctx } } });
        }
      `,
      options: [{ typeChecked: true }],
      languageOptions: typedLanguageOptions(),
      errors: [{ messageId: 'poolAcrossBoundary', line: 4, column: 32, data: { kind: 'pool', channel: POST } }],
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
    // ---- a Map is one level, like a Set: the third level is searched ----
    {
      code: code`
        const { Worker } = require('node:worker_threads');
        const { Pool } = require('pg');
        const pool = new Pool();
        const w = new Worker('./w.js');
        w.postMessage([{ m: new Map([['x', pool]]) }]);
        w.postMessage({ a: { m: new Map([[pool, 'x']]) } });
        const entry = ['db', pool];
        new Worker('./w.js', { workerData: { tenants: { main: new Map([entry]) } } });
      `,
      errors: [
        { messageId: 'poolAcrossBoundary', line: 5, column: 21, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 6, column: 25, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 8, column: 55, data: { kind: 'pool', channel: WORKER_DATA } },
      ],
    },
    // ---- private and static class fields, TypeScript parameter properties ----
    {
      code: code`
        const { Worker } = require('node:worker_threads');
        const { Pool } = require('pg');
        const w = new Worker('./w.js');
        class Repo {
          #db = new Pool();
          #replica;
          constructor() { this.#replica = new Pool(); }
          ship() { w.postMessage(this.#db); w.postMessage({ db: this.#replica }); }
        }
        class Db {
          static pool = new Pool();
          static #main;
          static { this.#main = new Pool(); }
          static ship() { w.postMessage(this.#main); }
        }
        w.postMessage(Db.pool);
      `,
      errors: [
        { messageId: 'poolAcrossBoundary', line: 8, column: 26, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 8, column: 57, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 14, column: 33, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 16, column: 15, data: { kind: 'pool', channel: POST } },
      ],
    },
    {
      code: code`
        import { Worker } from 'node:worker_threads';
        import { Pool } from 'pg';
        const w = new Worker('./w.js');
        class Repo {
          constructor(private readonly db: Pool = new Pool()) {}
          ship() { w.postMessage(this.db); }
        }
      `,
      errors: [{ messageId: 'poolAcrossBoundary', line: 6, column: 26, data: { kind: 'pool', channel: POST } }],
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
    // ---- conditionals, logical expressions and Object.freeze() without types ----
    // Each branch of a conditional, both sides of `??` and `||`, the right of `&&`, and what Object.freeze()
    // or Object.seal() returns are searched where the value sits, spending no level.
    {
      code: code`
        const { Worker } = require('node:worker_threads');
        const { fork } = require('node:child_process');
        const { Pool } = require('pg');
        const pool = new Pool();
        const w = new Worker('./w.js');
        const shared = process.env.SHARED === '1';
        w.postMessage(shared ? { pool } : { url: process.env.DB });
        new Worker('./w.js', { workerData: shared ? { pool } : {} });
        w.postMessage(Object.freeze({ pool }));
        w.postMessage({ db: Object.seal([pool]) });
        w.postMessage(options ?? { pool });
        w.postMessage(shared || { deps: { pool } });
        w.postMessage(shared && { pool });
        w.postMessage({ ...(shared ? { pool } : {}) });
        w.postMessage({ a: { b: shared ? { pool } : {} } });
        fork('./c.js', Object.freeze(['--db', pool]));
        new Worker('./w.js', shared ? { workerData: { pool } } : {});
      `,
      errors: [
        { messageId: 'poolAcrossBoundary', line: 7, column: 26, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 8, column: 47, data: { kind: 'pool', channel: WORKER_DATA } },
        { messageId: 'poolAcrossBoundary', line: 9, column: 31, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 10, column: 34, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 11, column: 28, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 12, column: 35, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 13, column: 27, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 14, column: 32, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 15, column: 36, data: { kind: 'pool', channel: POST } },
        { messageId: 'poolAcrossBoundary', line: 16, column: 39, data: { kind: 'pool', channel: FORK } },
        { messageId: 'poolAcrossBoundary', line: 17, column: 47, data: { kind: 'pool', channel: WORKER_DATA } },
      ],
    },
    // A conditional held in a variable is reported on each call's argument that passes it, like a literal.
    {
      code: code`
        const { Worker } = require('node:worker_threads');
        const { Pool } = require('pg');
        const pool = new Pool();
        const shared = process.env.SHARED === '1';
        const payload = shared ? { pool } : null;
        const options = Object.freeze({ workerData: payload });
        const w = new Worker('./w.js', options);
        w.postMessage(payload);
      `,
      errors: [
        { messageId: 'poolAcrossBoundary', line: 7, column: 32, data: { kind: 'pool', channel: WORKER_DATA } },
        { messageId: 'poolAcrossBoundary', line: 8, column: 15, data: { kind: 'pool', channel: POST } },
      ],
    },
  ],
});

function typedLanguageOptions() {
  return {
    parserOptions: {
      projectService: true,
      tsconfigRootDir: path.join(__dirname, '..', 'fixtures', 'typed'),
    },
  };
}
