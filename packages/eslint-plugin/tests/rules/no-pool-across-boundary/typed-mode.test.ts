/**
 * Typed mode (tests/fixtures/typed, inline `declare module 'pg'`, real @types/pg): plain-data
 * types stay silent; pools known by their type, generics, unions and knex clients are reported.
 */
import { code, RuleTester } from '../../rule-tester';
import rule from '../../../src/rules/no-pool-across-boundary';
import { POST, SEND, NODE_DECLS, PRELUDE, P, typedLanguageOptions } from './shared';

const ruleTester = new RuleTester();

ruleTester.run('no-pool-across-boundary', rule, {
  valid: [
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
  ],
  invalid: [
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
  ],
});
