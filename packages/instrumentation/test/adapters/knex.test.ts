/*
 * The tarn adapter through knex, with knex's pg client against the real
 * PostgreSQL: the detector matrix of pg on the raw pg Client knex lends (never
 * a handle: knex keys its own state on the raw connection), knex's own query
 * builder and transactions staying silent. Then a tarn pool of plain objects,
 * for the lease-level kinds.
 */
import assert from 'node:assert/strict';
import knexFactory, { type Knex } from 'knex';
import type mysql2 from 'mysql2';
import type pg from 'pg';
import pgModule from 'pg';
import { Pool as TarnPool } from 'tarn';
import { adoptLease, guardPool, runInTask } from '../../src';
import { mysqlConfig } from '../helpers/mysql';
import { inSpan, resetTelemetry, setupTelemetry } from '../helpers/otel';
import { pgConfig, sleep } from '../helpers/pg';
import { expectSilent, expectViolations, gate, poolViolations, violationCount, waitFor } from '../helpers/violations';

const THRESHOLD = 200;
const POOL_STATE = Symbol.for('poolguard.pool');

type Tarn = TarnPool<object>;
const tarnOf = (knex: Knex) => knex.client.pool as Tarn;
/** tarn's lent resources (a protected field in its types). */
const usedOf = (pool: object) => (pool as unknown as { used: { resource: object }[] }).used;
const nameOf = (pool: object) => (pool as Record<symbol, { name: string }>)[POOL_STATE]!.name;

function newKnex(max = 2): Knex {
  const { host, port, user, database } = pgConfig();
  return knexFactory({ client: 'pg', connection: { host, port, user, database }, pool: { min: 0, max } });
}

/** Destroys knex within 5 s, after handing back what a failed test still holds (tarn waits for them). */
async function endKnex(knex: Knex): Promise<void> {
  const pool = knex.client.pool as Tarn | undefined;
  for (const slot of pool === undefined ? [] : [...usedOf(pool)]) pool!.release(slot.resource);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    knex.destroy(),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('knex.destroy() did not finish within 5 s')), 5000); }),
  ]).finally(() => clearTimeout(timer));
}

async function withKnex(name: string | undefined, options: Parameters<typeof guardPool>[1], body: (knex: Knex) => Promise<void>, max = 2): Promise<void> {
  const knex = guardPool(newKnex(max), { ...(name === undefined ? {} : { name }), ...options });
  try {
    await body(knex);
  } finally {
    await endKnex(knex);
  }
}

const acquire = (knex: Knex) => knex.client.acquireConnection() as Promise<pg.Client>;
const release = (knex: Knex, conn: pg.Client) => knex.client.releaseConnection(conn) as Promise<void>;

describe('tarn adapter (knex with pg)', () => {
  before(() => setupTelemetry());
  beforeEach(() => resetTelemetry());

  it('names the pool after knex\'s connection, guards tarn, and lends the raw pg Client', () => withKnex(undefined, {}, async (knex) => {
    assert.match(nameOf(knex), /^127\.0\.0\.1:5432\/test(#\d+)?$/);
    assert.equal(nameOf(tarnOf(knex)), nameOf(knex), 'knex and its tarn pool are one guarded pool');
    const conn = await acquire(knex);
    assert.equal(usedOf(tarnOf(knex))[0]!.resource, conn, 'the raw connection, not a handle');
    await release(knex, conn);
  }));

  it('a connection config without a port is named with the driver\'s default port, as the driver\'s own pool is (pg 5432, MySQL 3306)', async () => {
    const { host, user, database } = pgConfig();
    const mysql = mysqlConfig();
    const pgKnex = guardPool(knexFactory({ client: 'pg', connection: { host, user, database }, pool: { min: 0, max: 1 } }));
    // knex parses a connection string into an object whose port is '' when the URL names none.
    const urlKnex = guardPool(knexFactory({ client: 'pg', connection: `postgres://${user}@${host}/${database}`, pool: { min: 0, max: 1 } }));
    const mysqlKnex = guardPool(knexFactory({ client: 'mysql2', connection: { host: mysql.host, user: mysql.user, database: mysql.database }, pool: { min: 0, max: 1 } }));
    try {
      assert.match(nameOf(pgKnex), new RegExp(`^${host!.replace(/\./g, '\\.')}:5432/${database}(#\\d+)?$`));
      assert.match(nameOf(mysqlKnex), new RegExp(`^${mysql.host!.replace(/\./g, '\\.')}:3306/${mysql.database}(#\\d+)?$`));
      assert.match(nameOf(urlKnex), new RegExp(`^${host!.replace(/\./g, '\\.')}:5432/${database}(#\\d+)?$`));
      await Promise.all([pgKnex.raw('SELECT 1'), mysqlKnex.raw('SELECT 1'), urlKnex.raw('SELECT 1')]);
    } finally {
      await Promise.all([endKnex(pgKnex), endKnex(mysqlKnex), endKnex(urlKnex)]);
    }
  });

  it('knex queries, Promise.all over them, and knex.transaction() are silent', () => withKnex('kx-silent', {}, async (knex) => {
    const rows = await Promise.all(Array.from({ length: 8 }, (_, i) => knex.raw('SELECT ?::int AS n', [i])));
    assert.deepEqual(rows.map((r) => r.rows[0].n), [0, 1, 2, 3, 4, 5, 6, 7]);
    const helper = (trx: Knex.Transaction, n: number) => trx.raw('SELECT ?::int AS n', [n]);
    await Promise.all([1, 2, 3].map((i) => (i === 2 ? runInTask : (fn: () => Promise<void>) => inSpan(`kx-${i}`, fn))(async () => {
      await knex.transaction(async (trx) => {
        await helper(trx, i);
        await sleep(1);
        await trx.raw('SELECT 1');
      });
    })));
    await assert.rejects(knex.transaction(async (trx) => {
      await trx.raw('SELECT 1');
      throw new Error('roll back');
    }), /roll back/);
    for (let i = 0; i < 3; i++) await knex.raw('SELECT 1');
    expectSilent('kx-silent');
  }));

  it('use_after_release: the raw client used after releaseConnection', () => withKnex('kx-uar', {}, async (knex) => {
    const conn = await acquire(knex);
    await conn.query('SELECT 1');
    await release(knex, conn);
    await conn.query('SELECT 1');
    expectViolations('kx-uar', 'use_after_release', 1);
  }));

  it('double_release: tarn refuses silently, poolguard reports', () => withKnex('kx-dr', {}, async (knex) => {
    const conn = await acquire(knex);
    await release(knex, conn);
    assert.equal(tarnOf(knex).release(conn), false, 'tarn\'s own answer is kept');
    await release(knex, conn);
    expectViolations('kx-dr', 'double_release', 2);
    assert.equal(await violationCount('kx-dr', 'double_release'), 2);
  }));

  it('foreign_release: a stale owner task\'s release is reported and not passed on; a non-owner\'s is passed on', () => withKnex('kx-fr', {}, async (knex) => {
    const aReleased = gate();
    const bHolds = gate();
    const aDone = gate();
    const a = runInTask(async () => {
      const conn = await acquire(knex);
      await release(knex, conn);
      aReleased.open();
      await bHolds.promise;
      await release(knex, conn);
      aDone.open();
    });
    const b = runInTask(async () => {
      await aReleased.promise;
      const conn = await acquire(knex);
      bHolds.open();
      await aDone.promise;
      assert.equal(tarnOf(knex).numUsed(), 1, 'B still holds its lease');
      await conn.query('SELECT 1');
      await release(knex, conn);
    });
    await Promise.all([a, b]);
    expectViolations('kx-fr', 'foreign_release', 1);
    const c = await runInTask(() => acquire(knex));
    await runInTask(() => release(knex, c));
    assert.equal(tarnOf(knex).numUsed(), 0, 'the non-owner\'s release went through');
    expectViolations('kx-fr', 'foreign_release', 2);
    const d = await runInTask(() => acquire(knex));
    await runInTask(async () => release(knex, adoptLease(d)));
    expectViolations('kx-fr', 'foreign_release', 2);
  }, 1));

  it('concurrent_query: two queries in flight on the raw client', () => withKnex('kx-cq', {}, async (knex) => {
    const conn = await acquire(knex);
    await Promise.all([conn.query('SELECT pg_sleep(0.02)'), conn.query('SELECT 1')]);
    for (let i = 0; i < 3; i++) await conn.query('SELECT 1'); // sequential: silent
    await release(knex, conn);
    expectViolations('kx-cq', 'concurrent_query', 1);
  }));

  it('leak: an acquired connection held past the threshold is reported once; knex queries are not', () => withKnex('kx-leak', { leakThresholdMs: THRESHOLD }, async (knex) => {
    await knex.raw('SELECT pg_sleep(0.05)');
    const conn = await acquire(knex);
    await waitFor(() => poolViolations('kx-leak', 'leak').length > 0, THRESHOLD * 2 + 600, 'the leak report');
    await sleep(THRESHOLD);
    expectViolations('kx-leak', 'leak', 1);
    await release(knex, conn);
  }));

  it('dirty_release: releaseConnection inside BEGIN is reported; after COMMIT it is silent', () => withKnex('kx-dirty', {}, async (knex) => {
    const conn = await acquire(knex);
    await conn.query('BEGIN');
    await conn.query('SELECT 1');
    await release(knex, conn);
    expectViolations('kx-dirty', 'dirty_release', 1);
    const again = await acquire(knex);
    await again.query('ROLLBACK');
    await again.query('BEGIN');
    await again.query('COMMIT');
    await release(knex, again);
    expectViolations('kx-dirty', 'dirty_release', 1);
  }, 1));

  for (const mode of ['report', 'throw'] as const) {
    it(`use_after_end: a query after knex.destroy(), which drops its pool, is reported (${mode} mode); knex's own error follows in report mode`, async () => {
      const name = `kx-after-destroy-${mode}`;
      const knex = guardPool(newKnex(2), { name, mode });
      await knex.raw('SELECT 1');
      await knex.destroy();
      const failure = await knex.raw('SELECT 1').then(() => undefined, (err: unknown) => err);
      if (mode === 'report') assert.match(String((failure as Error).message), /Unable to acquire a connection/);
      else assert.equal((failure as { code?: string }).code, 'POOLGUARD_USE_AFTER_END');
      expectViolations(name, 'use_after_end', 1, { leaseId: null });
      // destroy() again is the destroyed pool's second end, as for every other library: reported, and refused as a rejection.
      const again = await knex.destroy().then(() => 'resolved', (err: { code?: string }) => err.code);
      assert.equal(again, mode === 'report' ? 'resolved' : 'POOLGUARD_USE_AFTER_END');
      expectViolations(name, 'use_after_end', 2, { leaseId: null });
    });
  }

  it('knex.initialize() after knex.destroy() (as test suites do): the new pool is guarded by hand as the one before, under the same name, and its queries are silent', async () => {
    const name = 'kx-reinitialized';
    const knex = guardPool(newKnex(1), { name });
    try {
      await knex.raw('SELECT 1');
      await knex.destroy();
      knex.initialize();
      await knex.raw('SELECT 1');
      await knex.transaction(async (trx) => {
        await trx.raw('SELECT 2');
      });
      expectSilent(name);
      await knex.raw('BEGIN');
      await knex.raw('ROLLBACK');
      expectViolations(name, 'transaction_on_pool', 1);
    } finally {
      await knex.destroy();
    }
  });

  it('transaction_on_pool: knex.raw(\'BEGIN\') runs on a one-statement lease knex releases itself, as pool.query does; the next query is not blamed', () => withKnex('kx-raw-begin', {}, async (knex) => {
    await knex.raw('BEGIN');
    expectViolations('kx-raw-begin', 'transaction_on_pool', 1);
    assert.equal(poolViolations('kx-raw-begin', 'dirty_release').length, 0);
    await knex.raw('SELECT 1');
    await knex.raw('ROLLBACK');
    expectViolations('kx-raw-begin', 'transaction_on_pool', 1);
    assert.equal(poolViolations('kx-raw-begin', 'dirty_release').length, 0);
  }, 1));

  it('throw mode: knex.raw(\'BEGIN\') is refused before it runs, so no transaction is left on the pooled connection', () => withKnex('kx-raw-begin-throw', { mode: 'throw' }, async (knex) => {
    await assert.rejects(knex.raw('BEGIN'), { code: 'POOLGUARD_TRANSACTION_ON_POOL' });
    expectViolations('kx-raw-begin-throw', 'transaction_on_pool', 1);
    const conn = await acquire(knex);
    assert.equal(conn.getTransactionStatus?.(), 'I', 'BEGIN never reached the server');
    await release(knex, conn);
    expectViolations('kx-raw-begin-throw', 'transaction_on_pool', 1);
  }, 1));

  it('throw mode: a refused client.releaseConnection() rejects the promise it returns, as knex fails, instead of throwing past .catch()', () => withKnex('kx-release-throw', { mode: 'throw' }, async (knex) => {
    const conn = await acquire(knex);
    await release(knex, conn);
    const second = release(knex, conn);
    assert.ok(second instanceof Promise);
    await assert.rejects(second, { code: 'POOLGUARD_DOUBLE_RELEASE' });
    expectViolations('kx-release-throw', 'double_release', 1);
    assert.deepEqual(await knex.raw('SELECT 1 AS one').then((r: { rows: unknown[] }) => r.rows), [{ one: 1 }], 'the pool still lends');
  }, 1));

  it('dirty_release: releaseConnection from a failed statement\'s callback, before its ReadyForQuery, is judged when it arrives', () => withKnex('kx-dirty-late', {}, async (knex) => {
    const conn = await acquire(knex);
    await conn.query('BEGIN');
    await new Promise<void>((resolve) => {
      conn.query('SELECT 1/0', () => {
        void release(knex, conn);
        resolve();
      });
    });
    await waitFor(() => poolViolations('kx-dirty-late', 'dirty_release').length > 0, 2000, 'the dirty_release report');
    expectViolations('kx-dirty-late', 'dirty_release', 1);
    await knex.raw('ROLLBACK');
  }, 1));

  for (const mode of ['report', 'throw'] as const) {
    it(`a task whose own knex queries fill the pool while it starts another is no nested_checkout (${mode} mode): knex releases them itself`, () => withKnex(`kx-runner-${mode}`, { mode }, async (knex) => {
      await Promise.all([knex.raw('SELECT 1'), knex.raw('SELECT 1')]); // both connections open: the timing below is the queries'
      await runInTask(async () => {
        const slow = knex.raw('SELECT pg_sleep(0.1) AS slow').then((result) => result); // a knex builder runs when then() is called
        await sleep(20);
        const [a, b] = await Promise.all([knex.raw('SELECT 1 AS a'), knex.raw('SELECT 2 AS b')]);
        await slow;
        assert.deepEqual([a.rows[0].a, b.rows[0].b], [1, 2]);
      });
      expectSilent(`kx-runner-${mode}`);
    }, 2));
  }

  it('a knex query outside the transaction the task holds, on a saturated pool, is nested_checkout (the classic knex deadlock)', async () => {
    const { host, port, user, database } = pgConfig();
    const knex = guardPool(knexFactory({ client: 'pg', connection: { host, port, user, database }, pool: { min: 0, max: 1 }, acquireConnectionTimeout: 300 }), { name: 'kx-runner-deadlock' });
    try {
      await runInTask(() => knex.transaction(async (trx) => {
        await trx.raw('SELECT 1');
        await assert.rejects(knex.raw('SELECT 2'), /Timeout acquiring a connection/);
      }));
      expectViolations('kx-runner-deadlock', 'nested_checkout', 1);
    } finally {
      await endKnex(knex);
    }
  });

  it('a knex query running longer than leakThresholdMs is no leak: knex releases it itself', () => withKnex('kx-runner-long', { leakThresholdMs: THRESHOLD }, async (knex) => {
    await runInTask(() => knex.raw('SELECT pg_sleep(0.6)'));
    expectSilent('kx-runner-long');
  }));

  it('cross_task_use: another task using an acquired connection', () => withKnex('kx-ctu', {}, async (knex) => {
    const handed = gate<pg.Client>();
    const used = gate();
    const owner = inSpan('kx-owner', async () => {
      const conn = await acquire(knex);
      await conn.query('SELECT 1');
      handed.open(conn);
      await used.promise;
      await release(knex, conn);
    });
    const intruder = inSpan('kx-intruder', async () => {
      await (await handed.promise).query('SELECT 2');
      used.open();
    });
    await Promise.all([owner, intruder]);
    expectViolations('kx-ctu', 'cross_task_use', 1);
  }));
});

describe('tarn adapter (knex with mysql2)', () => {
  before(() => setupTelemetry());
  beforeEach(() => resetTelemetry());

  it('throw mode: knex.raw(\'START TRANSACTION\') is refused before it runs; report mode reports it once', async () => {
    const { host, port, user, password, database } = mysqlConfig();
    for (const mode of ['throw', 'report'] as const) {
      const name = `kx-mysql2-begin-${mode}`;
      const knex = guardPool(knexFactory({ client: 'mysql2', connection: { host, port, user, password, database }, pool: { min: 0, max: 1 } }), { name, mode });
      try {
        const started = knex.raw('START TRANSACTION');
        if (mode === 'throw') await assert.rejects(started, { code: 'POOLGUARD_TRANSACTION_ON_POOL' });
        else await started;
        const [[row]] = (await knex.raw('SELECT @@in_transaction AS open')) as [{ open: number }[]];
        assert.equal(Number(row!.open), mode === 'throw' ? 0 : 1);
        await knex.raw('ROLLBACK');
        expectViolations(name, 'transaction_on_pool', 1);
        assert.equal(poolViolations(name, 'dirty_release').length, 0);
      } finally {
        await endKnex(knex);
      }
    }
  });

  it('a stale holder\'s BEGIN on a connection knex\'s own one-statement lease used since is use_after_release only, not transaction_on_pool', async () => {
    const { host, port, user, password, database } = mysqlConfig();
    const knex = guardPool(knexFactory({ client: 'mysql2', connection: { host, port, user, password, database }, pool: { min: 0, max: 1 } }), { name: 'kx-mysql2-stale-begin' });
    try {
      const conn = (await knex.client.acquireConnection()) as mysql2.Connection;
      await knex.client.releaseConnection(conn);
      await knex.raw('SELECT 1');
      await new Promise<void>((resolve) => conn.query('BEGIN', () => resolve()));
      await new Promise<void>((resolve) => conn.query('ROLLBACK', () => resolve()));
      expectViolations('kx-mysql2-stale-begin', 'use_after_release', 2);
    } finally {
      await endKnex(knex);
    }
  });

  it('a streamed query, whose connection knex itself releases twice, is silent; a double release by the app is still reported', async () => {
    const { host, port, user, password, database } = mysqlConfig();
    const knex = guardPool(knexFactory({ client: 'mysql2', connection: { host, port, user, password, database }, pool: { min: 0, max: 2 } }), { name: 'kx-mysql2-stream' });
    try {
      const rows: unknown[] = [];
      await new Promise<void>((resolve, reject) => {
        knex.raw('SELECT 1 AS a UNION ALL SELECT 2').stream().on('data', (row: unknown) => rows.push(row)).on('end', resolve).on('error', reject);
      });
      await sleep(50); // knex's second release comes from its finally, after the stream ends
      assert.deepEqual(rows, [{ a: 1 }, { a: 2 }]);
      expectSilent('kx-mysql2-stream');
      const conn = await knex.client.acquireConnection();
      await knex.client.releaseConnection(conn);
      await knex.client.releaseConnection(conn);
      expectViolations('kx-mysql2-stream', 'double_release', 1);
    } finally {
      await endKnex(knex);
    }
  });

  for (const mode of ['report', 'throw'] as const) {
    it(`streams that fail or stop early, whose connections knex releases twice, the second time after another lease began, are silent (${mode} mode)`, async () => {
      const { host, port, user, password, database } = mysqlConfig();
      const name = `kx-mysql2-streams-${mode}`;
      const knex = guardPool(knexFactory({ client: 'mysql2', connection: { host, port, user, password, database }, pool: { min: 0, max: 2 } }), { name, mode });
      const uncaught: unknown[] = [];
      const onUncaught = (err: unknown) => uncaught.push(err);
      process.prependListener('uncaughtException', onUncaught);
      try {
        await Promise.all([knex.raw('SELECT 1'), knex.raw('SELECT 1')]);
        // A stream that fails (handled), then one the app stops early: knex releases each connection twice.
        await runInTask(async () => {
          await assert.rejects(async () => {
            for await (const _row of knex.raw('SELECT nosuchcolumn FROM nosuchtable').stream()) void _row;
          }, /nosuchtable/);
        });
        await runInTask(async () => {
          let rows = 0;
          for await (const _row of knex.raw('SELECT seq FROM seq_1_to_1000').stream()) if (++rows === 2) break;
          assert.equal(rows, 2);
        });
        await runInTask(() => knex.raw('SELECT 1'));
        await sleep(50);
        assert.deepEqual(uncaught, []);
        expectSilent(name);
      } finally {
        process.removeListener('uncaughtException', onUncaught);
        await endKnex(knex);
      }
    });
  }
});

describe('tarn adapter (a pool of pg Clients)', () => {
  before(() => setupTelemetry());
  beforeEach(() => resetTelemetry());

  it('its destroy and validate options running a statement on a client it reaps or lends are the pool\'s own use: silent', async () => {
    const name = 'tarn-pg-own-use';
    const pool = guardPool(new TarnPool<pg.Client>({
      create: async () => {
        const client = new pgModule.Client(pgConfig());
        await client.connect();
        return client;
      },
      destroy: (client) => {
        // Synchronous, as tarn expects of most destroyers: the statement starts here and ends later.
        client.query('DISCARD ALL').then(() => client.end(), () => undefined);
      },
      validate: (client) => {
        void client.query('SELECT 1');
        return true;
      },
      min: 0,
      max: 1,
      idleTimeoutMillis: 20,
      reapIntervalMillis: 10,
    }), { name });
    try {
      for (let i = 0; i < 2; i++) {
        const client = await pool.acquire().promise;
        await client.query('SELECT 1');
        pool.release(client);
      }
      await waitFor(() => pool.numFree() === 0, 2000, 'the idle client is reaped');
      await sleep(50);
      expectSilent(name);
    } finally {
      await pool.destroy();
    }
  });
});

describe('tarn adapter (a pool of plain objects)', () => {
  before(() => setupTelemetry());
  beforeEach(() => resetTelemetry());

  let nextId = 0;
  async function withTarn(name: string, options: Parameters<typeof guardPool>[1], body: (pool: TarnPool<{ id: number }>) => Promise<void>): Promise<void> {
    const pool = guardPool(new TarnPool({ create: (cb: (err: Error | null, r: { id: number }) => void) => cb(null, { id: ++nextId }), destroy: () => undefined, min: 0, max: 1 }), { name, ...options });
    try {
      await body(pool);
    } finally {
      for (const slot of [...usedOf(pool)]) pool.release(slot.resource as { id: number });
      await pool.destroy();
    }
  }

  it('double_release, foreign_release (stale, not passed on) and leak are reported', () => withTarn('tarn-plain', { leakThresholdMs: THRESHOLD }, async (pool) => {
    const aReleased = gate();
    const bHolds = gate();
    const aDone = gate();
    const a = runInTask(async () => {
      const r = await pool.acquire().promise;
      assert.equal(pool.release(r), true);
      assert.equal(pool.release(r), false); // double_release: tarn refuses silently
      aReleased.open();
      await bHolds.promise;
      assert.equal(pool.release(r), false, 'the stale holder\'s release is not passed on');
      aDone.open();
    });
    const b = runInTask(async () => {
      await aReleased.promise;
      const r = await pool.acquire().promise;
      bHolds.open();
      await aDone.promise;
      assert.equal(pool.numUsed(), 1);
      await waitFor(() => poolViolations('tarn-plain', 'leak').length > 0, THRESHOLD * 2 + 600, 'the leak report');
      pool.release(r);
    });
    await Promise.all([a, b]);
    for (const kind of ['double_release', 'foreign_release', 'leak']) assert.equal(poolViolations('tarn-plain', kind).length, 1, kind);
    expectViolations('tarn-plain', 'leak', 1, { others: ['double_release', 'foreign_release'] });
  }));

  it('throw mode: a refused acquire fails through its pending operation\'s promise, as tarn fails one', () => withTarn('tarn-plain-throw', { mode: 'throw' }, async (pool) => {
    await runInTask(async () => {
      const held = await pool.acquire().promise;
      // The task holds the only connection and asks for another: nested_checkout, refused.
      let pending: { promise: Promise<unknown> } | undefined;
      assert.doesNotThrow(() => { pending = pool.acquire(); });
      await assert.rejects(pending!.promise, (err: unknown) => (err as { code?: string }).code === 'POOLGUARD_NESTED_CHECKOUT');
      pool.release(held);
    });
  }));

  it('foreign_release: a second release in the same tick, while tarn lends the resource to a waiter, is reported and not passed on', () => withTarn('tarn-plain-same-tick', {}, async (pool) => {
    let waiterGot: { id: number } | undefined;
    await runInTask(async () => {
      const resource = await pool.acquire().promise;
      const waiter = runInTask(async () => {
        waiterGot = await pool.acquire().promise;
      });
      await sleep(1);
      assert.equal(pool.release(resource), true);
      assert.equal(pool.release(resource), false, 'not passed on: tarn lent it to the waiter already');
      await waiter;
    });
    assert.equal(pool.numUsed(), 1, 'the waiter still holds its lease');
    expectViolations('tarn-plain-same-tick', 'foreign_release', 1);
    pool.release(waiterGot!);
  }));

  it('lease handles (a plain tarn pool; knex\'s lends none): a stale handle\'s release is foreign_release and not passed on, without task identity', () => withTarn('tarn-plain-handles', { leaseHandles: true, taskTracking: false }, async (pool) => {
    const a = await pool.acquire().promise;
    assert.equal(pool.release(a), true);
    const b = await pool.acquire().promise;
    assert.notEqual(a, b, 'handles, not the raw resource');
    assert.equal(pool.release(a), false, 'the stale handle\'s release is not passed on');
    assert.equal(pool.numUsed(), 1, 'b still holds its lease');
    assert.equal(pool.release(b), true);
    expectViolations('tarn-plain-handles', 'foreign_release', 1);
  }));

  it('knex\'s pool lends the raw connection even with lease handles on', () => withKnex('kx-no-handles', { leaseHandles: true }, async (knex) => {
    const conn = await acquire(knex);
    assert.ok(usedOf(tarnOf(knex)).some((slot) => slot.resource === conn), 'the raw pg Client');
    await release(knex, conn);
    expectSilent('kx-no-handles');
  }));

  it('one release per lease is silent', () => withTarn('tarn-plain-clean', {}, async (pool) => {
    for (let i = 0; i < 4; i++) pool.release(await pool.acquire().promise);
    expectSilent('tarn-plain-clean');
  }));
});
