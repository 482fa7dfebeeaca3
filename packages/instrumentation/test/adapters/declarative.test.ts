/*
 * guardPool(pool, { adapter }) for a pool poolguard does not know: the
 * README's home-made pool (TinyPool and its PoolAdapter, run from the README's
 * own code block) through the same detector matrix as pg, with in-memory
 * connections that report their queries in flight and their transaction
 * state. Then malformed adapters, which fail naming the option.
 */
import assert from 'node:assert/strict';
import { guardPool, runInTask } from '../../src';
import { collectMetric, inSpan, resetTelemetry, setupTelemetry } from '../helpers/otel';
import { sleep } from '../helpers/pg';
import { runHomeMadePoolExample } from '../helpers/readme';
import { expectSilent, expectViolations, gate, poolViolations, violationCount, waitFor } from '../helpers/violations';

const THRESHOLD = 200;

/** An in-memory connection: query() takes a few ms and follows BEGIN/COMMIT/ROLLBACK. */
interface FakeConnection {
  id: number;
  inFlight: number;
  inTransaction: boolean;
  query(sql: string): Promise<string>;
}

let nextId = 0;
async function connect(): Promise<FakeConnection> {
  const conn: FakeConnection = {
    id: ++nextId,
    inFlight: 0,
    inTransaction: false,
    async query(sql: string) {
      conn.inFlight++;
      await sleep(2);
      conn.inFlight--;
      if (/^\s*BEGIN\b/i.test(sql)) conn.inTransaction = true;
      else if (/^\s*(COMMIT|ROLLBACK)\b/i.test(sql)) conn.inTransaction = false;
      return sql;
    },
  };
  return conn;
}

interface TinyPool {
  max: number;
  idle: FakeConnection[];
  busy: Set<FakeConnection>;
  checkout(): Promise<FakeConnection>;
  checkin(conn: FakeConnection): void;
}

/** The README's example pool, guarded under `name`, with extra options. */
function tinyPool(name: string, options: Parameters<typeof guardPool>[1] = {}, max = 2): TinyPool {
  const example = runHomeMadePoolExample((pool, given) => guardPool(pool, { ...given, ...options, name }), connect);
  if (max !== 2) example.pool.max = max;
  return example.pool as TinyPool;
}

/**
 * The README's pool with a query() that checks out, awaits one statement and
 * checks in, as most home-made pools write it (for the adapter's poolQuery).
 */
function queryingPoolExample() {
  const { TinyPool, tinyPoolAdapter } = runHomeMadePoolExample((pool) => pool, connect);
  class QueryingPool extends TinyPool {
    async query(sql: string): Promise<string> {
      const conn = await this.checkout();
      try {
        return await conn.query(sql);
      } finally {
        this.checkin(conn);
      }
    }
  }
  return { QueryingPool, tinyPoolAdapter };
}

describe('declarative adapter (the README\'s home-made pool)', () => {
  before(() => setupTelemetry());
  beforeEach(() => resetTelemetry());

  it('the example guards its pool: occupancy metrics from adapter.stats', async () => {
    const pool = tinyPool('tiny-metrics');
    const conn = await pool.checkout();
    const [count] = await collectMetric('db.client.connection.count');
    const points = count!.dataPoints.filter((p) => p.attributes['db.client.connection.pool.name'] === 'tiny-metrics');
    assert.deepEqual(points.map((p) => [p.attributes['db.client.connection.state'], p.value]).sort(), [['idle', 0], ['used', 1]]);
    pool.checkin(conn);
    expectSilent('tiny-metrics');
  });

  it('the example never opens more than max connections under concurrent checkouts', async () => {
    const pool = tinyPool('tiny-max', {}, 2);
    const tasks = Array.from({ length: 6 }, () => runInTask(async () => {
      const conn = await pool.checkout();
      await conn.query('SELECT 1');
      pool.checkin(conn);
      return conn.id;
    }));
    const ids = new Set(await Promise.all(tasks));
    assert.ok(ids.size <= 2, `at most 2 connections, got ${ids.size}`);
    assert.equal(pool.idle.length + pool.busy.size, ids.size);
    expectSilent('tiny-max');
  });

  it('a connection release that calls the pool\'s, both named in the adapter, is one release', async () => {
    const { TinyPool, tinyPoolAdapter } = runHomeMadePoolExample((pool) => pool, connect);
    // As mysql2 writes it: conn.release() hands the connection back through the pool.
    const withRelease = async () => Object.assign(await connect(), { release(this: FakeConnection) { pool.checkin(this); } });
    const pool = guardPool(new TinyPool(withRelease), { name: 'tiny-both-releases', adapter: { ...tinyPoolAdapter, connectionRelease: ['release'] } });
    for (const mode of ['conn.release()', 'pool.checkin(conn)']) {
      const conn = await pool.checkout() as FakeConnection & { release(): void };
      await conn.query('SELECT 1');
      if (mode === 'conn.release()') conn.release();
      else pool.checkin(conn);
    }
    expectSilent('tiny-both-releases');
    const conn = await pool.checkout() as FakeConnection & { release(): void };
    conn.release();
    assert.throws(() => conn.release(), /TinyPool: connection is not checked out/);
    expectViolations('tiny-both-releases', 'double_release', 1);
  });

  it('throw mode: an async method\'s refusal is a rejected promise, not a synchronous throw', async () => {
    const pool = tinyPool('tiny-throw-async', { mode: 'throw' }, 1);
    await runInTask(async () => {
      const held = await pool.checkout();
      let checkout: Promise<unknown> | undefined;
      assert.doesNotThrow(() => { checkout = pool.checkout(); });
      await assert.rejects(checkout!, (err: unknown) => (err as { code?: string }).code === 'POOLGUARD_NESTED_CHECKOUT');
      pool.checkin(held);
      let query: Promise<unknown> | undefined;
      assert.doesNotThrow(() => { query = held.query('SELECT 1'); });
      await assert.rejects(query!, (err: unknown) => (err as { code?: string }).code === 'POOLGUARD_USE_AFTER_RELEASE');
    });
  });

  it('use_after_release: a query after checkin is reported; uses inside leases are silent', async () => {
    const pool = tinyPool('tiny-uar');
    for (let i = 0; i < 3; i++) {
      const conn = await pool.checkout();
      await conn.query('SELECT 1');
      pool.checkin(conn);
    }
    expectSilent('tiny-uar');
    const conn = await pool.checkout();
    pool.checkin(conn);
    await conn.query('SELECT 1');
    expectViolations('tiny-uar', 'use_after_release', 1);
  });

  it('double_release: reported, and the pool\'s own error still reaches the app', async () => {
    const pool = tinyPool('tiny-dr');
    const conn = await pool.checkout();
    pool.checkin(conn);
    assert.throws(() => pool.checkin(conn), /not checked out/);
    expectViolations('tiny-dr', 'double_release', 1);
    assert.equal(await violationCount('tiny-dr', 'double_release'), 1);
  });

  it('foreign_release: a stale owner\'s checkin is reported and not passed on; a non-owner\'s is passed on', async () => {
    const pool = tinyPool('tiny-fr', {}, 1);
    const aReleased = gate();
    const bHolds = gate();
    const aDone = gate();
    const a = runInTask(async () => {
      const conn = await pool.checkout();
      pool.checkin(conn);
      aReleased.open();
      await bHolds.promise;
      pool.checkin(conn); // B's lease now
      aDone.open();
    });
    const b = runInTask(async () => {
      await aReleased.promise;
      const conn = await pool.checkout();
      bHolds.open();
      await aDone.promise;
      assert.equal(pool.busy.size, 1, 'B still holds its lease');
      pool.checkin(conn);
    });
    await Promise.all([a, b]);
    expectViolations('tiny-fr', 'foreign_release', 1);
    const c = await runInTask(() => pool.checkout());
    await runInTask(async () => pool.checkin(c));
    assert.equal(pool.busy.size, 0);
    expectViolations('tiny-fr', 'foreign_release', 2);
  });

  for (const withIsLent of [true, false]) {
    it(`a second checkin in the tick its connection went straight on to a waiter ${withIsLent ? 'is foreign_release and held back (adapter.isLent)' : 'is double_release and passed on (no adapter.isLent: the pool cannot tell)'}`, async () => {
      const name = `tiny-same-tick-${withIsLent}`;
      const { TinyPool, tinyPoolAdapter } = runHomeMadePoolExample((pool) => pool, connect);
      const { isLent, ...withoutIsLent } = tinyPoolAdapter as typeof tinyPoolAdapter & { isLent?: unknown };
      assert.equal(typeof isLent, 'function', 'the README\'s adapter says which connections are lent');
      const pool = guardPool(new TinyPool(connect, 1), { name, adapter: withIsLent ? tinyPoolAdapter : withoutIsLent }) as TinyPool & { waiters: unknown[] };
      const holds = gate();
      const queued = gate();
      let again: unknown;
      const owner = runInTask(async () => {
        const first = await pool.checkout();
        holds.open();
        await queued.promise;
        pool.checkin(first); // lent straight on to the waiter
        try {
          pool.checkin(first);
        } catch (err) {
          again = err;
        }
      });
      await holds.promise;
      const waiting = runInTask(() => pool.checkout());
      await sleep(5);
      assert.equal(pool.waiters.length, 1);
      queued.open();
      await owner;
      const second = await waiting;
      if (withIsLent) {
        assert.equal(again, undefined, 'held back: the pool never sees it');
        assert.deepEqual([...pool.busy], [second], 'the waiter holds it, and nothing is idle');
        assert.deepEqual(pool.idle, []);
        expectViolations(name, 'foreign_release', 1);
      } else {
        assert.equal(again, undefined, 'TinyPool took it back: its connection is busy, lent to the waiter');
        expectViolations(name, 'double_release', 1);
      }
    });
  }

  it('a checkin the pool refuses by throwing (a broken connection, to be discarded) leaves the lease with its holder: the discard that follows is its end, silent', async () => {
    const name = 'tiny-refused-checkin';
    const { TinyPool, tinyPoolAdapter } = runHomeMadePoolExample((pool) => pool, connect);
    class StrictPool extends TinyPool {
      checkin(conn: FakeConnection & { broken?: boolean }): void {
        if (conn.broken === true) throw new Error('StrictPool: broken connection, discard it');
        super.checkin(conn);
      }
      discard(conn: FakeConnection): void {
        (this as unknown as TinyPool).busy.delete(conn);
      }
    }
    const pool = guardPool(new StrictPool(connect), { name, adapter: { ...tinyPoolAdapter, destroy: ['discard'] } }) as TinyPool & { discard(conn: FakeConnection): void };
    await runInTask(async () => {
      const conn = await pool.checkout() as FakeConnection & { broken?: boolean };
      conn.broken = true;
      assert.throws(() => pool.checkin(conn), /broken connection/);
      assert.equal(pool.busy.size, 1, 'still lent');
      pool.discard(conn);
    });
    assert.equal(pool.busy.size, 0);
    expectSilent(name);
    // The lease ended at the discard: the next one is a lease like any other.
    await runInTask(async () => pool.checkin(await pool.checkout()));
    expectSilent(name);
  });

  it('a checkin that throws after the pool took the connection back (a listener of its own) ended the lease: no leak, and a later use is use_after_release', async () => {
    const name = 'tiny-checkin-throws-after';
    const { TinyPool, tinyPoolAdapter } = runHomeMadePoolExample((pool) => pool, connect);
    class NotifyingPool extends TinyPool {
      checkin(conn: FakeConnection): void {
        super.checkin(conn);
        throw new Error('NotifyingPool: a checkin listener failed');
      }
    }
    const pool = guardPool(new NotifyingPool(connect), { name, adapter: tinyPoolAdapter, leakThresholdMs: THRESHOLD }) as TinyPool;
    await runInTask(async () => {
      const conn = await pool.checkout();
      assert.throws(() => pool.checkin(conn), /listener failed/);
      assert.equal(pool.busy.size, 0, 'the pool has it back');
      await sleep(THRESHOLD * 2);
      await conn.query('SELECT 1');
    });
    expectViolations(name, 'use_after_release', 1);
  });

  it('lease handles go back to the pool as the raw connection', async () => {
    const pool = tinyPool('tiny-handles', { leaseHandles: true }, 1);
    const first = await pool.checkout();
    pool.checkin(first);
    assert.equal(pool.idle.length, 1, 'the pool got its own object back');
    const second = await pool.checkout();
    assert.equal(second.id, first.id);
    assert.notEqual(second, first);
    pool.checkin(first); // stale handle: not passed on
    assert.equal(pool.busy.size, 1);
    pool.checkin(second);
    expectViolations('tiny-handles', 'foreign_release', 1);
  });

  it('concurrent_query: reported from adapter.inFlight; sequential and separate leases are silent', async () => {
    const pool = tinyPool('tiny-cq');
    await Promise.all([1, 2, 3, 4].map(async () => {
      const conn = await pool.checkout();
      await conn.query('SELECT 1');
      await conn.query('SELECT 2');
      pool.checkin(conn);
    }));
    expectSilent('tiny-cq');
    const conn = await pool.checkout();
    await Promise.all([conn.query('SELECT 1'), conn.query('SELECT 2')]);
    pool.checkin(conn);
    expectViolations('tiny-cq', 'concurrent_query', 1);
  });

  it('leak: a lease held past the threshold is reported once', async () => {
    const pool = tinyPool('tiny-leak', { leakThresholdMs: THRESHOLD });
    const short = await pool.checkout();
    pool.checkin(short);
    const conn = await pool.checkout();
    await waitFor(() => poolViolations('tiny-leak', 'leak').length > 0, THRESHOLD * 2 + 600, 'the leak report');
    await sleep(THRESHOLD);
    expectViolations('tiny-leak', 'leak', 1);
    pool.checkin(conn);
  });

  it('dirty_release: from adapter.transactionState; BEGIN/COMMIT in a handler with helpers is silent', async () => {
    const pool = tinyPool('tiny-dirty');
    const helper = (conn: FakeConnection) => conn.query('SELECT 2');
    await Promise.all([1, 2, 3].map((i) => inSpan(`tiny-${i}`, async () => {
      const conn = await pool.checkout();
      await conn.query('BEGIN');
      await helper(conn);
      await conn.query('COMMIT');
      pool.checkin(conn);
    })));
    expectSilent('tiny-dirty');
    const conn = await pool.checkout();
    await conn.query('BEGIN');
    pool.checkin(conn);
    expectViolations('tiny-dirty', 'dirty_release', 1);
  });

  it('cross_task_use: another task using a held connection; a waiter\'s lease is its own', async () => {
    const pool = tinyPool('tiny-ctu', {}, 1);
    const handed = gate<FakeConnection>();
    const used = gate();
    const aHolds = gate();
    const owner = inSpan('tiny-owner', async () => {
      const conn = await pool.checkout();
      aHolds.open();
      await conn.query('SELECT 1');
      handed.open(conn);
      await used.promise;
      pool.checkin(conn); // goes straight to the waiter
    });
    const intruder = runInTask(async () => {
      await (await handed.promise).query('SELECT 2');
      used.open();
    });
    const waiter = runInTask(async () => {
      await aHolds.promise;
      const conn = await pool.checkout(); // waits for the owner's checkin
      await conn.query('SELECT 3');
      pool.checkin(conn);
    });
    await Promise.all([owner, intruder, waiter]);
    expectViolations('tiny-ctu', 'cross_task_use', 1);
  });

  it('poolQuery: the pool\'s own checkout, statement and checkin after awaits are silent; BEGIN is transaction_on_pool only', async () => {
    const name = 'tiny-pool-query';
    const { QueryingPool, tinyPoolAdapter } = queryingPoolExample();
    const pool = guardPool(new QueryingPool(connect), { adapter: { ...tinyPoolAdapter, poolQuery: ['query'] }, name });
    assert.equal(await pool.query('SELECT 1'), 'SELECT 1');
    assert.deepEqual(await Promise.all([pool.query('SELECT 2'), pool.query('SELECT 3'), pool.query('SELECT 4')]), ['SELECT 2', 'SELECT 3', 'SELECT 4']);
    expectSilent(name);
    await pool.query('BEGIN');
    assert.deepEqual(poolViolations(name).map((r) => r.attributes['poolguard.violation.kind']), ['transaction_on_pool']);
    await pool.query('COMMIT');
    resetTelemetry();
    // A checkout by the app is still judged: a query after its checkin is reported.
    const conn = await pool.checkout();
    pool.checkin(conn);
    await conn.query('SELECT 5');
    expectViolations(name, 'use_after_release', 1);
  });

  it('poolQuery: a stale lease handle used while the pool lends its connection internally is still use_after_release', async () => {
    const name = 'tiny-pool-query-stale-handle';
    const { QueryingPool, tinyPoolAdapter } = queryingPoolExample();
    const pool = guardPool(new QueryingPool(connect, 1), { adapter: { ...tinyPoolAdapter, poolQuery: ['query'] }, name, leaseHandles: true });
    const stale = await pool.checkout();
    pool.checkin(stale);
    const internal = pool.query('SELECT 1'); // lends the same, only, connection internally
    await sleep(1);
    await stale.query('SELECT 2');
    await internal;
    // With the pool's statement in flight on it, it is a concurrent query as well.
    expectViolations(name, 'use_after_release', 1, { others: ['concurrent_query'] });
  });

  describe('a malformed adapter fails at guardPool(), naming the option', () => {
    const adapter = { library: 'tiny-pool', acquire: ['checkout'], release: ['checkin'] };
    const cases: [string, unknown, RegExp][] = [
      ['no acquire methods', { ...adapter, acquire: [] }, /`adapter\.acquire`: expected an array of method names/],
      ['acquire not an array', { ...adapter, acquire: 'checkout' }, /`adapter\.acquire`/],
      ['no release of any kind', { library: 'tiny-pool', acquire: ['checkout'] }, /`adapter\.release`: name at least one release method/],
      ['an empty method name', { ...adapter, connectionUse: [''] }, /`adapter\.connectionUse`/],
      ['no library', { ...adapter, library: '' }, /`adapter\.library`/],
      ['stats not a function', { ...adapter, stats: 3 }, /`adapter\.stats`: expected a function/],
      ['not an object', 'tiny', /`adapter`: expected an object/],
      ['an acquire method the pool lacks', { ...adapter, acquire: ['checkOut'] }, /`adapter\.acquire`: the pool has no method "checkOut"/],
      ['a release method the pool lacks', { ...adapter, release: ['checkIn'] }, /`adapter\.release`: the pool has no method "checkIn"/],
      ['a method named as acquire and release', { ...adapter, release: ['checkout'] }, /`adapter\.release`: "checkout" is named in adapter\.acquire too; a method has one role/],
      ['a connection method named as release and use', { ...adapter, connectionRelease: ['done'], connectionUse: ['query', 'done'] }, /`adapter\.connectionUse`: "done" is named in adapter\.connectionRelease too/],
    ];
    for (const [label, spec, message] of cases) {
      it(label, () => {
        const pool = { checkout() {}, checkin() {} };
        assert.throws(() => guardPool(pool, { adapter: spec as never }), message);
        assert.deepEqual(Object.getOwnPropertyNames(pool), ['checkout', 'checkin'], 'nothing was installed');
      });
    }

    it('an unknown pool without an adapter asks for one', () => {
      assert.throws(() => guardPool({ checkout() {}, checkin() {} }), { name: 'PoolGuardConfigError', option: 'adapter', message: /does not recognise this object as a pool .*pass the `adapter` option to describe it/ });
    });
  });
});
