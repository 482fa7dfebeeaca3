/**
 * Callbacks and event handlers, methods (static, of object literals), and classes
 * (local subclasses of a creator, constructors and instance fields run at load).
 */
import { code, RuleTester } from '../../rule-tester';
import rule from '../../../src/rules/no-pool-before-fork';
import { SERVER_JS } from './shared';

const ruleTester = new RuleTester();

ruleTester.run('no-pool-before-fork', rule, {
  valid: [
    // ---- callbacks: event handlers and callbacks in the worker branch are not at load ----
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      const app = require('express')();
      process.on('message', () => new Pool());
      app.get('/', () => new Pool());
      cluster.on('fork', () => new Pool());
      if (cluster.isPrimary) cluster.fork();
      else ['a', 'b'].map(url => new Pool({ connectionString: url }));
    `,
    // a local function named like a scheduler is not the global one
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      function setImmediate(fn) {
        process.on('message', fn);
      }
      setImmediate(() => new Pool());
      if (cluster.isPrimary) cluster.fork();
    `,
    // a scheduler inside a handler runs only if the handler does
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      process.on('message', () => setTimeout(() => new Pool(), 10));
      if (cluster.isPrimary) cluster.fork();
    `,
    // ---- methods: called only in the worker branch, or never ----
    code`
      import cluster from 'node:cluster';
      import { Pool } from 'pg';
      class Db {
        static getInstance() {
          return new Pool();
        }
      }
      const db = { init() { return new Pool(); } };
      if (cluster.isPrimary) cluster.fork();
      else {
        Db.getInstance();
        db.init();
      }
    `,
    // ---- a local subclass of a creator, constructed only in the worker, or extending no creator ----
    code`
      const cluster = require('cluster');
      const { Pool } = require('pg');
      class AppPool extends Pool {}
      if (cluster.isPrimary) cluster.fork();
      else new AppPool();
    `,
    code`
      import cluster from 'node:cluster';
      import { EventEmitter } from 'node:events';
      import { Pool } from 'pg';
      class Bus extends EventEmitter {}
      const bus = new Bus();
      const Base = Pool;
      if (cluster.isPrimary) cluster.fork();
      else new Base();
    `,
  ],
  invalid: [
    // ---- a local subclass of a creator constructed at load: a creation of the creator's kind ----
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        class AppPool extends Pool {
          constructor() {
            super({ max: 5 });
          }
        }
        const pool = new AppPool();
        if (cluster.isPrimary) cluster.fork();
        else pool.query('select 1');
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 8, column: 14 }],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import pg from 'pg';
        class AppPool extends pg.Pool {}
        const Db = AppPool;
        const pool = new Db();
        if (cluster.isPrimary) cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 14 }],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool as PgPool } from 'pg';
        import Redis from 'ioredis';
        const AppPool = class extends PgPool {};
        class Cache extends Redis {}
        const pool = new AppPool();
        const cache = new Cache();
        if (cluster.isPrimary) cluster.fork();
      `,
      errors: [
        { messageId: 'poolBeforeFork', line: 6, column: 14 },
        { messageId: 'poolBeforeFork', line: 7, column: 15 },
      ],
    },
    // ---- a class constructed at load runs its constructor and instance fields at load ----
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        class C {
          p = new Pool();
        }
        const c = new C();
        if (cluster.isPrimary) cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 7 }],
    },
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        class C {
          #p = new Pool();
        }
        export const c = new C();
        cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 8 }],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        export class DbService {
          private readonly pool = new Pool({ max: 10 });
          accessor replica = new Pool({ max: 2 });
        }
        const db = new DbService();
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: 'server.ts',
      errors: [
        { messageId: 'poolBeforeFork', line: 4, column: 27 },
        { messageId: 'poolBeforeFork', line: 5, column: 22 },
      ],
    },
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        class C {
          constructor() {
            this.p = new Pool();
          }
        }
        new C();
        if (cluster.isPrimary) cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 5, column: 14 }],
    },
    // a class expression, constructed in a function called at load
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        const Repo = class {
          pool = new Pool();
        };
        function start() {
          return new Repo();
        }
        start();
        cluster.fork();
      `,
      errors: [{ messageId: 'poolBeforeFork', line: 4, column: 10 }],
    },
    // constructed only in the primary's branch: the primary's pool
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        class Repo {
          pool = new Pool();
        }
        if (cluster.isPrimary) {
          new Repo();
          cluster.fork();
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 10 }],
    },
    // constructed in each branch: the worker's is where it belongs, the primary's is the primary's pool
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        class Repo {
          constructor() {
            this.pool = new Pool();
          }
        }
        if (cluster.isPrimary) {
          new Repo();
          cluster.fork();
        } else {
          new Repo();
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 5, column: 17 }],
    },
    // a local module that constructs its class at load creates the pool at load
    {
      code: code`
        const cluster = require('cluster');
        const db = require('./db-class-instance');
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_JS,
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 12 }],
    },
    // ---- callbacks that run at load, where their call runs ----
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        const shards = ['postgres://a/app', 'postgres://b/app'].map(connectionString => new Pool({ connectionString }));
        const replicas = Array.from({ length: 2 }, () => new Pool({ max: 2 }));
        const byRole = {};
        ['read', 'write'].forEach(role => { byRole[role] = new Pool({ max: 2 }); });
        let audit;
        setImmediate(() => { audit = new Pool({ max: 1 }); });
        const ready = new Promise(resolve => resolve(new Pool()));
        process.nextTick(() => new Pool());
        queueMicrotask(() => new Pool());
        setTimeout(function () { new Pool(); }, 10);
        const first = ['a'].find(url => new Pool({ connectionString: url }));
        function makePool(url) {
          return new Pool({ connectionString: url });
        }
        const named = ['a'].flatMap(makePool);
        if (cluster.isPrimary) cluster.fork();
      `,
      errors: [
        { messageId: 'poolBeforeFork', line: 3, column: 81 },
        { messageId: 'poolBeforeFork', line: 4, column: 50 },
        { messageId: 'poolBeforeFork', line: 6, column: 52 },
        { messageId: 'poolBeforeFork', line: 8, column: 30 },
        { messageId: 'poolBeforeFork', line: 9, column: 46 },
        { messageId: 'poolBeforeFork', line: 10, column: 24 },
        { messageId: 'poolBeforeFork', line: 11, column: 22 },
        { messageId: 'poolBeforeFork', line: 12, column: 26 },
        { messageId: 'poolBeforeFork', line: 13, column: 33 },
        { messageId: 'poolBeforeFork', line: 15, column: 10 },
      ],
    },
    // in the primary's branch: the primary's pool
    {
      code: code`
        const cluster = require('cluster');
        const { Pool } = require('pg');
        if (cluster.isPrimary) {
          ['a', 'b'].forEach(() => new Pool());
          cluster.fork();
        }
      `,
      errors: [{ messageId: 'poolInPrimary', line: 4, column: 28 }],
    },
    // a local module whose map() callback opens its pools at load
    {
      code: code`
        const cluster = require('cluster');
        const { shards } = require('./db-mapped');
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_JS,
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 20 }],
    },
    // ---- a static method and an object literal's method called at load ----
    {
      code: code`
        import cluster from 'node:cluster';
        import { Pool } from 'pg';
        class Db {
          static #instance;
          static getInstance() {
            Db.#instance ??= new Pool({ max: 10 });
            return Db.#instance;
          }
          static open = () => new Pool();
        }
        const db = {
          pool: null,
          init() { this.pool = new Pool({ max: 10 }); },
        };
        const pool = Db.getInstance();
        db.init();
        if (cluster.isPrimary) {
          Db.open();
          cluster.fork();
        }
      `,
      errors: [
        { messageId: 'poolBeforeFork', line: 6, column: 22 },
        { messageId: 'poolInPrimary', line: 9, column: 23 },
        { messageId: 'poolBeforeFork', line: 13, column: 24 },
      ],
    },
  ],
});
