/**
 * Typed mode: pools inside typed containers (interfaces, class instances, ORM models), and
 * receivers known by their type: task pools, channels, in-process mediators.
 */
import { code, RuleTester } from '../../rule-tester';
import rule from '../../../src/rules/no-pool-across-boundary';
import { POST, SEND, WORKER_DATA, RUN, PRELUDE, P, ORM_PRELUDE, ORM_LINES, typedLanguageOptions } from './shared';

const ruleTester = new RuleTester();

ruleTester.run('no-pool-across-boundary', rule, {
  valid: [
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
  ],
  invalid: [
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
  ],
});
