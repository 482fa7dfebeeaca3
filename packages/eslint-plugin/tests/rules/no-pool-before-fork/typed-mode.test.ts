/**
 * Typed mode (tests/fixtures/fork-typed, inline `declare module 'pg'`): which values are
 * pools by their type, reads of a pool that exists, and methods of this file that open one.
 */
import { code, RuleTester } from '../../rule-tester';
import rule from '../../../src/rules/no-pool-before-fork';
import { typedLanguageOptions, TYPED_FILE, PG_MODULE, P } from './shared';

const ruleTester = new RuleTester();

ruleTester.run('no-pool-before-fork', rule, {
  valid: [
    // ---- typed mode ----
    // without typeChecked, a pool from a local factory is not seen
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        declare function makePool(): import('pg').Pool;
        const pool = makePool();
        cluster.fork();
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
    },
    // plain data from the same package is not a pool
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        declare function loadConfig(): import('pg').PoolConfig;
        const config = loadConfig();
        cluster.fork();
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
    },
    // a method on a pool that exists already returns that pool, or one of its clients
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        const { pool } = require('./db') as { pool: import('pg').Pool };
        pool.on('error', console.error);
        if (cluster.isPrimary) cluster.fork();
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
    },
    // an instance field typed as a pool is a factory too
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        declare function makePool(): import('pg').Pool;
        class Repo {
          pool = makePool();
        }
        if (cluster.isPrimary) cluster.fork();
        else new Repo();
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
    },
    // typed, but in the worker branch
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        declare function makePool(): import('pg').Pool;
        if (cluster.isPrimary) cluster.fork();
        else makePool();
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
    },
    // ---- typed, under TypeScript's defaults: a barrel that re-exports only a type of a module that opens a pool ----
    {
      code: code`
        import cluster from 'node:cluster';
        import { createDb, type DbConfig } from '../fork-graph/type-barrel/index-type-names.js';
        const config: DbConfig = { max: 1 };
        if (cluster.isPrimary) cluster.fork();
        else createDb(config.max);
      `,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
    },
    // ---- typed mode: a method of this file that opens or returns a pool, called only in the worker ----
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        const { Pool } = require('pg') as typeof import('pg');
        class Db {
          static #pool?: import('pg').Pool;
          static get(): import('pg').Pool {
            return (Db.#pool ??= new Pool({ max: 1 }));
          }
        }
        class Repo {
          pool = new Pool();
          getPool() { return this.pool; }
        }
        if (cluster.isPrimary) {
          cluster.fork();
        } else {
          Db.get();
          new Repo().getPool();
        }
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
    },
    // ---- typed mode: a read of a pool that exists opens none ----
    // an element of a container of pools; the pools are created where they are put in (here the worker)
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        const { Pool } = require('pg') as typeof import('pg');
        const pools = new Map<string, import('pg').Pool>();
        declare const replicas: import('pg').Pool[];
        const main = pools.get('main');
        const first = replicas.at(0) ?? replicas.find(Boolean) ?? replicas.pop();
        if (cluster.isPrimary) cluster.fork();
        else pools.set('main', new Pool());
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
    },
    // a local accessor: it returns a container's element (black-box t63), or a binding, and runs nothing else
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        const { Pool } = require('pg') as typeof import('pg');
        const pools = new Map<string, import('pg').Pool>();
        let current: import('pg').Pool | undefined;
        function pool(name: string): import('pg').Pool | undefined {
          return pools.get(name);
        }
        function poolNamed(name: string): import('pg').Pool {
          const found = pools.get(name);
          if (!found) throw new Error('no pool named ' + name);
          return found;
        }
        const getCurrent = async () => current ?? pool('main');
        const existing = pool('main');
        const named = poolNamed('main');
        const later = await getCurrent();
        if (cluster.isPrimary) {
          cluster.fork();
        } else {
          pools.set('main', new Pool());
          current = new Pool();
        }
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
    },
    // an imported accessor of a registry that only the worker fills
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        const db = require('./db-registry') as typeof import('./db-registry');
        const main = db.poolNamed('main');
        const replica = db.anyReplica();
        if (cluster.isPrimary) cluster.fork();
        else db.register('main');
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
    },
    // ---- typed: a name imported from a package is a pool only when its type is one, and it is used as a value ----
    {
      code: code`
        import cluster from 'node:cluster';
        import { config, makePool, type DbHandle } from '@acme/db';
        import type { pool as typed } from '@acme/db';
        import { Pool } from 'pg';
        export let handle: DbHandle | undefined;
        export let current: typeof typed | undefined;
        if (cluster.isPrimary) cluster.fork();
        else handle = { pool: makePool() ?? new Pool(config) };
      `,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
    },
    // ---- typed: a local module that constructs only a Map at load, and a pool subclass in a factory ----
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        const { pools, open } = require('./db-subclass-lazy') as typeof import('./db-subclass-lazy');
        if (cluster.isPrimary) cluster.fork();
        else pools.set('main', open());
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
    },
    // ---- typed: a local module is read by syntax, whose verdict stands; a package's `Pool | undefined` may be unset ----
    {
      code: `${PG_MODULE}\n${code`
        import cluster from 'node:cluster';
        import { pool, initDb } from './db-holder.js';
        import { lazyPool } from '@acme/db';
        if (cluster.isPrimary) {
          for (let i = 0; i < 4; i++) cluster.fork();
        } else {
          initDb();
          void pool?.query('select 1');
          void lazyPool?.query('select 1');
        }
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
    },
  ],
  invalid: [
    // ---- typed: a live pool imported from a package opened at load ----
    {
      code: code`
        import cluster from 'node:cluster';
        import { pool } from '@acme/db';
        if (cluster.isPrimary) {
          for (let i = 0; i < 4; i++) cluster.fork();
        } else {
          void pool.query('select 1');
        }
      `,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [
        {
          messageId: 'importCreatesPool',
          line: 2,
          column: 1,
          data: {
            source: '@acme/db',
            origin: '`pool` is a `Pool`',
            forkLine: '4',
            parent: 'primary process',
            children: 'worker processes',
          },
        },
      ],
    },
    // ---- typed mode ----
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        declare function makePool(): import('pg').Pool;
        const pool = makePool();
        cluster.fork();
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [{ messageId: 'poolBeforeFork', line: P + 3, column: 14 }],
    },
    // `Pool | undefined`, through a Promise, and a subclass
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        declare function maybePool(): import('pg').Pool | undefined;
        declare function connect(): Promise<import('pg').Client>;
        const { Pool } = require('pg') as typeof import('pg');
        class AppPool extends Pool {}
        declare function appPool(): AppPool;
        const a = maybePool();
        const b = await connect();
        const c = appPool();
        if (cluster.isPrimary) cluster.fork();
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [
        { messageId: 'poolBeforeFork', line: P + 7, column: 11 },
        { messageId: 'poolBeforeFork', line: P + 8, column: 17 },
        { messageId: 'poolBeforeFork', line: P + 9, column: 11 },
      ],
    },
    // a chained call on a pool is the same pool: reported once, on the innermost call
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        declare function makePool(): import('pg').Pool & { on(event: string, cb: () => void): import('pg').Pool };
        const pool = makePool().on('error', () => {});
        cluster.fork();
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [{ messageId: 'poolBeforeFork', line: P + 3, column: 14 }],
    },
    // a method on an existing pool is no new pool: `on()` returns it, `connect()` leases from it
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        const { Pool } = require('pg') as typeof import('pg');
        const pool = new Pool();
        pool.on('error', console.error);
        const client = await pool.connect();
        if (cluster.isPrimary) cluster.fork();
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [{ messageId: 'poolBeforeFork', line: P + 3, column: 14 }],
    },
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        declare function makePool(): import('pg').Pool;
        if (cluster.isPrimary) {
          const audit = makePool();
          audit.on('error', console.error);
          cluster.fork();
        }
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [{ messageId: 'poolInPrimary', line: P + 4, column: 17 }],
    },
    // a method on something that is not a pool still creates one
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        declare const pools: { create(): import('pg').Pool };
        const pool = pools.create();
        cluster.fork();
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [{ messageId: 'poolBeforeFork', line: P + 3, column: 14 }],
    },
    // a local factory called at load: one pool, reported once, on its creation
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        const { Pool } = require('pg') as typeof import('pg');
        function make(): import('pg').Pool {
          return new Pool();
        }
        const pool = make();
        cluster.fork();
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [{ messageId: 'poolBeforeFork', line: P + 4, column: 10 }],
    },
    // black-box t12e: a static method, an object literal's method and an instance accessor of this file, called
    // at load: each pool reported once, on its creation, not again on the call that opens or returns it
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        const { Pool } = require('pg') as typeof import('pg');
        class Db {
          static #pool?: import('pg').Pool;
          static get(): import('pg').Pool {
            return (Db.#pool ??= new Pool({ max: 1 }));
          }
        }
        const db = { create(): import('pg').Pool { return new Pool(); } };
        class Repo {
          pool = new Pool();
          getPool() { return this.pool; }
        }
        class Lazy {
          #pool: import('pg').Pool;
          constructor() { this.#pool = new Pool(); }
          get pool() { return this.#pool; }
          current(): import('pg').Pool { return this.#pool; }
        }
        const repo = new Repo();
        const lazy = new Lazy();
        export const a = Db.get();
        export const b = db.create();
        export const c = repo.getPool();
        export const d = lazy.current();
        if (cluster.isPrimary) cluster.fork();
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [
        { messageId: 'poolBeforeFork', line: P + 6, column: 26 },
        { messageId: 'poolBeforeFork', line: P + 9, column: 51 },
        { messageId: 'poolBeforeFork', line: P + 11, column: 10 },
        { messageId: 'poolBeforeFork', line: P + 16, column: 32 },
      ],
    },
    // a static method whose typed creation (`connect()`) runs at load: reported there, once; a same-named
    // method of another object, declared without a body, is a creation of its own
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        declare function connect(): import('pg').Pool;
        declare const Other: { get(): import('pg').Pool };
        class Db {
          static #pool?: import('pg').Pool;
          static get(): import('pg').Pool {
            return (Db.#pool ??= connect());
          }
        }
        export const a = Db.get();
        export const b = Other.get();
        if (cluster.isPrimary) cluster.fork();
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [
        { messageId: 'poolBeforeFork', line: P + 7, column: 26 },
        { messageId: 'poolBeforeFork', line: P + 11, column: 18 },
      ],
    },
    // typed: poolguard's guardPool() and adoptLease() hand back the pool or client they are given; one creation
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        import { adoptLease, guardPool } from '@poolguard/instrumentation';
        const raw = new Pool({ max: 5 });
        export const pool = guardPool(raw, { name: 'main' });
        export const again = guardPool(guardPool(raw));
        export const watched = adoptLease(pool);
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 13 }],
    },
    // typed in the primary branch; a known creator is reported once, not twice
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        const pg = require('pg') as typeof import('pg');
        declare function makePool(): import('pg').Pool;
        const direct = new pg.Pool();
        if (cluster.isPrimary) {
          const primary = makePool();
          cluster.fork();
        }
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [
        { messageId: 'poolBeforeFork', line: P + 4, column: 16 },
        { messageId: 'poolInPrimary', line: P + 6, column: 19 },
      ],
    },
    // ---- typed mode: a read of a pool that exists is not reported; where the pool is created is ----
    // black-box t60: the import creates the pool at load; `getPool()` only hands it out, and is not reported again
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        const { getPool } = require('./db-accessor') as typeof import('./db-accessor');
        const pool = getPool();
        if (cluster.isPrimary) cluster.fork();
        else pool.query('select 1');
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [{ messageId: 'importCreatesPool', line: P + 2, column: 21 }],
    },
    // a local module that constructs a subclass of `Pool` at load: on the shared path, and lazily in the primary
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        const { pool } = require('./db-subclass') as typeof import('./db-subclass');
        if (cluster.isPrimary) cluster.fork();
        else pool.query('select 1');
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [{ messageId: 'importCreatesPool', line: P + 2, column: 18 }],
    },
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        if (cluster.isPrimary) {
          const { pool } = require('./db-subclass') as typeof import('./db-subclass');
          cluster.fork();
        }
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [{ messageId: 'poolInPrimary', line: P + 3, column: 20 }],
    },
    // a local accessor, and a container read, of pools created at load: reported on the creations only
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        const { Pool } = require('pg') as typeof import('pg');
        const pool = new Pool();
        const pools = new Map<string, import('pg').Pool>();
        pools.set('main', new Pool());
        const getPool = () => pool;
        const poolNamed = (name: string) => pools.get(name);
        const a = getPool();
        const b = poolNamed('main');
        const c = pools.get('main');
        if (cluster.isPrimary) cluster.fork();
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [
        { messageId: 'poolBeforeFork', line: P + 3, column: 14 },
        { messageId: 'poolBeforeFork', line: P + 5, column: 19 },
      ],
    },
    // the creation behind a registry's reader is reported where it runs: `register()` at load
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        const db = require('./db-registry') as typeof import('./db-registry');
        db.register('main');
        const main = db.poolNamed('main');
        if (cluster.isPrimary) cluster.fork();
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [{ messageId: 'poolBeforeFork', line: P + 3, column: 1 }],
    },
    // functions that create when called stay factories (a lazy singleton, one that calls another function):
    // each pool reported once, on the typed creation inside, as for `new Pool()` in a local factory
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        declare function connect(): import('pg').Pool;
        let shared: import('pg').Pool | undefined;
        function lazyPool(): import('pg').Pool {
          shared ??= connect();
          return shared;
        }
        const open = (): import('pg').Pool => connect();
        const a = lazyPool();
        const b = open();
        if (cluster.isPrimary) cluster.fork();
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [
        { messageId: 'poolBeforeFork', line: P + 5, column: 14 },
        { messageId: 'poolBeforeFork', line: P + 8, column: 39 },
      ],
    },
    // imported factories whose pool is opened by the call: `new Pool()`, an unknown factory, a lazy singleton, an object's `get`
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        const db = require('./db-factories') as typeof import('./db-factories');
        const a = db.makePool();
        const b = db.open();
        const c = db.lazyPool();
        const d = db.fromRegistry('main');
        if (cluster.isPrimary) cluster.fork();
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [
        { messageId: 'poolBeforeFork', line: P + 3, column: 11 },
        { messageId: 'poolBeforeFork', line: P + 4, column: 11 },
        { messageId: 'poolBeforeFork', line: P + 5, column: 11 },
        { messageId: 'poolBeforeFork', line: P + 6, column: 11 },
      ],
    },
    // a `get` of the file's own Map subclass may create: it is not the library's, and stays a creation
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        const { Pool } = require('pg') as typeof import('pg');
        class PoolMap extends Map<string, import('pg').Pool> {
          get(name: string): import('pg').Pool {
            return super.get(name) ?? this.open(name);
          }
          open(name: string): import('pg').Pool {
            const pool = new Pool();
            this.set(name, pool);
            return pool;
          }
        }
        const pools = new PoolMap();
        const main = pools.get('main');
        if (cluster.isPrimary) cluster.fork();
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [{ messageId: 'poolBeforeFork', line: P + 14, column: 14 }],
    },
    // a read in the primary's branch is no pool of the primary's; a creation there is
    {
      code: `${PG_MODULE}\n${code`
        const cluster = require('cluster');
        declare function makePool(): import('pg').Pool;
        declare const pools: Map<string, import('pg').Pool>;
        if (cluster.isPrimary) {
          const audit = pools.get('audit');
          const own = makePool();
          cluster.fork();
        }
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [{ messageId: 'poolInPrimary', line: P + 6, column: 15 }],
    },
  ],
});
