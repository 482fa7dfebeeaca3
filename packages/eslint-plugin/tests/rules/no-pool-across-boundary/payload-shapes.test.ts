/**
 * How far into a payload the search goes: later keys that replace a pool, Maps and Sets,
 * class fields, conditionals, logical expressions and Object.freeze().
 */
import { code, RuleTester } from '../../rule-tester';
import rule from '../../../src/rules/no-pool-across-boundary';
import { POST, SEND, WORKER_DATA, FORK, typedLanguageOptions } from './shared';

const ruleTester = new RuleTester();

ruleTester.run('no-pool-across-boundary', rule, {
  valid: [
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
