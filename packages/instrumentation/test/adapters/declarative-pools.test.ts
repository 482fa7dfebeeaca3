/*
 * guardPool(pool, { adapter }) on home-made pools of shapes the README's
 * TinyPool does not have: an async connection release whose promise the app
 * awaits, a lending method that calls another one, a pool that lends a new
 * wrapper per checkout, an acquire that times out, and an adapter whose
 * stats() throws.
 */
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { guardPool, runInTask, type PoolAdapter } from '../../src';
import { collectMetric, resetTelemetry, setupTelemetry } from '../helpers/otel';
import { expectSilent, expectViolations } from '../helpers/violations';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface Lent { id: number; release(): Promise<string> }

/** Lends connections by checkout() and checkoutWithin(ms), which calls checkout(); each connection's async release() hands it back. */
class AsyncReleasePool {
  free: number[] = [1, 2];
  failNextRelease = false;
  lent = new Set<Lent>();
  async checkout(): Promise<Lent> {
    const id = this.free.pop();
    if (id === undefined) throw Object.assign(new Error('ResourceRequest timed out'), { name: 'TimeoutError' });
    const conn: Lent = { id, release: async () => this.checkin(conn) };
    this.lent.add(conn);
    return conn;
  }
  checkoutWithin(ms: number): Promise<Lent> {
    return Promise.race([this.checkout(), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('too slow')), ms))]);
  }
  checkin(conn: Lent): string {
    if (this.failNextRelease) {
      this.failNextRelease = false;
      throw new Error('reset failed');
    }
    this.lent.delete(conn);
    this.free.push(conn.id);
    return 'released';
  }
}

const adapter = (extra: Partial<PoolAdapter> = {}): PoolAdapter => ({
  library: 'async-release-pool',
  acquire: ['checkout', 'checkoutWithin'],
  connectionRelease: ['release'],
  stats: (pool) => ({ idle: (pool as AsyncReleasePool).free.length, used: (pool as AsyncReleasePool).lent.size, max: 2 }),
  ...extra,
});

describe('generic adapter: home-made pools of other shapes', () => {
  before(() => setupTelemetry());
  beforeEach(() => resetTelemetry());

  it('an async connection release keeps its result and its rejection, which the app awaits', async () => {
    const pool = guardPool(new AsyncReleasePool(), { name: 'adapter-async-release', adapter: adapter() });
    const conn = await pool.checkout();
    assert.equal(await conn.release(), 'released');
    const failing = await pool.checkout();
    pool.failNextRelease = true;
    await assert.rejects(failing.release(), /reset failed/);
    expectSilent('adapter-async-release');
  });

  for (const shape of ['async', 'promise-returning'] as const) {
    it(`a pool's ${shape} release(conn): a refused or failed release is a promise too (report: resolves; throw: rejects after the release went through)`, async () => {
      /** One connection; release(conn) hands it back a tick later; a connection may be left in a transaction. */
      class CheckinPool {
        busy = false;
        waiters: ((conn: object) => void)[] = [];
        readonly conn = { inTransaction: false };
        async acquire(): Promise<object> {
          if (!this.busy) {
            this.busy = true;
            return this.conn;
          }
          return new Promise((resolve) => this.waiters.push(resolve));
        }
        checkin(): void {
          const waiter = this.waiters.shift();
          if (waiter !== undefined) waiter(this.conn);
          else this.busy = false;
        }
      }
      const release = shape === 'async'
        ? async function (this: CheckinPool) { await Promise.resolve(); this.checkin(); }
        : function (this: CheckinPool) { return Promise.resolve().then(() => this.checkin()); };
      Object.defineProperty(CheckinPool.prototype, 'release', { value: release, writable: true, configurable: true });
      type Pool = CheckinPool & { release(conn: object): Promise<void> };
      const checkinAdapter: PoolAdapter = {
        library: 'checkin-pool',
        acquire: ['acquire'],
        release: ['release'],
        transactionState: (conn) => ((conn as { inTransaction: boolean }).inTransaction ? 'open' : 'idle'),
      };
      for (const mode of ['report', 'throw'] as const) {
        const name = `adapter-${shape}-release-${mode}`;
        const pool = guardPool(new CheckinPool() as Pool, { name, mode, leaseHandles: true, adapter: checkinAdapter });
        const stale = await pool.acquire();
        await pool.release(stale); // a promise-returning release is learnt from its first call
        const held = await pool.acquire();
        const refused = pool.release(stale);
        assert.ok(refused instanceof Promise, `${mode}: a stale handle's release answers with a promise`);
        if (mode === 'report') assert.equal(await refused, undefined);
        else await assert.rejects(refused, { code: 'POOLGUARD_FOREIGN_RELEASE' });
        assert.equal(pool.busy, true, 'the stale release was not passed on');
        (held as { inTransaction: boolean }).inTransaction = true;
        const dirty = pool.release(held);
        if (mode === 'report') await dirty;
        else await assert.rejects(dirty, { code: 'POOLGUARD_DIRTY_RELEASE' });
        assert.equal(pool.busy, false, 'the dirty release went through');
        pool.conn.inTransaction = false;
      }
    });
  }

  it('with lease handles, a lending method that calls another one the adapter names lends one handle: use and release are silent', async () => {
    const pool = guardPool(new AsyncReleasePool(), { name: 'adapter-delegating', leaseHandles: true, adapter: adapter() });
    for (let i = 0; i < 3; i++) {
      const conn = await pool.checkoutWithin(100);
      assert.equal(await conn.release(), 'released');
    }
    assert.equal(pool.lent.size, 0, 'every release reached the pool');
    expectSilent('adapter-delegating');
  });

  it('an acquire that rejects with the pool\'s own timeout counts in db.client.connection.timeouts', async () => {
    const pool = guardPool(new AsyncReleasePool(), { name: 'adapter-timeouts', adapter: adapter() });
    const held = [await pool.checkout(), await pool.checkout()];
    await assert.rejects(pool.checkout(), { name: 'TimeoutError' });
    for (const conn of held) await conn.release();
    const points = (await collectMetric('db.client.connection.timeouts')).flatMap((m) => m.dataPoints as { value: number; attributes: Record<string, unknown> }[]);
    assert.equal(points.find((p) => p.attributes['db.client.connection.pool.name'] === 'adapter-timeouts')?.value, 1);
  });

  it('a stats() that throws goes to diag, and the pool is still guarded', async () => {
    const logged: unknown[] = [];
    diag.setLogger({ error: (...args: unknown[]) => logged.push(args[0]), warn: () => undefined, info: () => undefined, debug: () => undefined, verbose: () => undefined }, DiagLogLevel.ERROR);
    try {
      const pool = guardPool(new AsyncReleasePool(), { name: 'adapter-bad-stats', adapter: adapter({ stats: () => { throw new Error('no stats'); } }) });
      const conn = await pool.checkout();
      await conn.release();
      await collectMetric('db.client.connection.count');
      assert.ok(logged.some((message) => /stats\(\) of pool "adapter-bad-stats" failed/.test(String(message))), JSON.stringify(logged));
    } finally {
      diag.disable();
    }
  });

  it('a transactionState() or inFlight() that throws goes to diag, naming itself and the pool; the release still goes through', async () => {
    const logged: unknown[] = [];
    diag.setLogger({ error: (...args: unknown[]) => logged.push(args[0]), warn: () => undefined, info: () => undefined, debug: () => undefined, verbose: () => undefined }, DiagLogLevel.ERROR);
    try {
      const fails = () => { throw new Error('reader failed'); };
      const pool = guardPool(new AsyncReleasePool(), { name: 'adapter-bad-readers', adapter: adapter({ transactionState: fails, inFlight: fails }) });
      const conn = await pool.checkout();
      assert.equal(await conn.release(), 'released');
      assert.ok(logged.some((message) => /the adapter's transactionState\(\) of pool "adapter-bad-readers" failed/.test(String(message))), JSON.stringify(logged));
      assert.ok(!logged.some((message) => /internal error/.test(String(message))), 'the app\'s reader is not called poolguard\'s internal error');
      assert.equal(pool.free.length, 2);
    } finally {
      diag.disable();
    }
  });

  it('a connection that is a function (postgres\' sql.reserve()) is guarded: its second release and its use after release are reported', async () => {
    type Reserved = ((strings: TemplateStringsArray) => Promise<string>) & { unsafe(sql: string): Promise<string>; release(): void };
    class CallablePool {
      free = true;
      async reserve(): Promise<Reserved> {
        if (!this.free) throw new Error('none free');
        this.free = false;
        let released = false;
        const sql = (async () => 'ran') as unknown as Reserved;
        sql.unsafe = async () => 'ran';
        sql.release = () => {
          if (released) throw new Error('released twice');
          released = true;
          this.free = true;
        };
        return sql;
      }
    }
    const pool = guardPool(new CallablePool(), { name: 'adapter-callable', adapter: { library: 'callable-pool', acquire: ['reserve'], connectionRelease: ['release'], connectionUse: ['unsafe'] } });
    const sql = await pool.reserve();
    assert.equal(typeof sql, 'function');
    assert.equal(await sql.unsafe('select 1'), 'ran');
    sql.release();
    assert.equal(await sql.unsafe('select 1'), 'ran', 'report mode runs it');
    assert.throws(() => sql.release(), /released twice/, 'the pool\'s own error is kept');
    expectViolations('adapter-callable', 'use_after_release', 1, { others: ['double_release'] });
    expectViolations('adapter-callable', 'double_release', 1, { others: ['use_after_release'] });
  });

  it('connectionDestroy: a connection\'s own destroy() ends its lease (no leak), and inside a transaction is not dirty_release', async () => {
    class DestroyingPool {
      size = 0;
      async getConnection() {
        this.size++;
        const conn = { inTransaction: false, release: () => { this.size--; }, destroy: () => { this.size--; }, begin: () => { conn.inTransaction = true; } };
        return conn;
      }
    }
    type Conn = Awaited<ReturnType<DestroyingPool['getConnection']>>;
    const pool = guardPool(new DestroyingPool(), {
      name: 'adapter-destroy',
      leakThresholdMs: 100,
      adapter: {
        library: 'destroying-pool',
        acquire: ['getConnection'],
        connectionRelease: ['release'],
        connectionDestroy: ['destroy'],
        transactionState: (conn: Conn) => (conn.inTransaction ? 'open' : 'idle'),
      },
    });
    const broken = await pool.getConnection();
    broken.begin();
    broken.destroy();
    const kept = await pool.getConnection();
    kept.begin();
    kept.release();
    await new Promise((resolve) => setTimeout(resolve, 250));
    expectViolations('adapter-destroy', 'dirty_release', 1);
    broken.destroy();
    expectViolations('adapter-destroy', 'double_release', 1, { others: ['dirty_release'] });
  });

  it('nested_checkout needs only used and max from stats(): a task that holds the one connection and asks for another is reported', async () => {
    class OnePool {
      used = 0;
      async acquire() {
        if (this.used === 1) throw new Error('timed out');
        this.used++;
        return { release: () => { this.used--; } };
      }
    }
    const pool = guardPool(new OnePool(), {
      name: 'adapter-used-max',
      adapter: { library: 'one-pool', acquire: ['acquire'], connectionRelease: ['release'], stats: (p: OnePool) => ({ used: p.used, max: 1 }) },
    });
    await runInTask(async () => {
      const held = await pool.acquire();
      await assert.rejects(pool.acquire(), /timed out/);
      held.release();
    });
    expectViolations('adapter-used-max', 'nested_checkout', 1);
  });

  it('an endpoint() that throws goes to diag; guardPool() returns the pool, named after the library', async () => {
    const logged: unknown[] = [];
    diag.setLogger({ error: (...args: unknown[]) => logged.push(args[0]), warn: () => undefined, info: () => undefined, debug: () => undefined, verbose: () => undefined }, DiagLogLevel.ERROR);
    try {
      const raw = new AsyncReleasePool();
      const pool = guardPool(raw, { adapter: adapter({ library: 'endpoint-fails', endpoint: (p: { config: { host: string } }) => ({ address: p.config.host }) }) });
      assert.equal(pool, raw);
      const conn = await pool.checkout();
      await conn.release();
      await conn.release();
      assert.ok(logged.some((message) => /endpoint\(\) of a "endpoint-fails" pool failed/.test(String(message))), JSON.stringify(logged));
      expectViolations('endpoint-fails', 'double_release', 1);
    } finally {
      diag.disable();
    }
  });

  it('adapter.connection: a pool that lends a new wrapper per checkout over one connection tells a stale wrapper from the current one, with no task identity', async () => {
    interface Core { id: number; holder: object | undefined }
    /** One core connection; each checkout lends a new wrapper whose release() frees the core, whoever holds it now. */
    class WrappingPool {
      core: Core = { id: 1, holder: undefined };
      async getConnection() {
        if (this.core.holder !== undefined) throw new Error('none free');
        const core = this.core;
        const wrapper = { core, query: async () => 'ran', release: () => { core.holder = undefined; } };
        core.holder = wrapper;
        return wrapper;
      }
    }
    const pool = guardPool(new WrappingPool(), {
      name: 'adapter-core',
      adapter: { library: 'wrapping-pool', acquire: ['getConnection'], connectionRelease: ['release'], connectionUse: ['query'], connection: (lent: { core: Core }) => lent.core },
    });
    const a = await pool.getConnection();
    a.release();
    const b = await pool.getConnection();
    assert.equal(await a.query(), 'ran', 'report mode runs the stale wrapper\'s statement');
    a.release();
    assert.equal(pool.core.holder, b, 'the stale wrapper\'s release was not passed on: b still holds the connection');
    assert.equal(await b.query(), 'ran');
    b.release();
    b.release();
    expectViolations('adapter-core', 'use_after_release', 1, { others: ['foreign_release', 'double_release'] });
    expectViolations('adapter-core', 'foreign_release', 1, { others: ['use_after_release', 'double_release'] });
    expectViolations('adapter-core', 'double_release', 1, { others: ['use_after_release', 'foreign_release'] });
  });

  it('a pool that lends a new wrapper per checkout: the wrappers it lent are not kept after release', async () => {
    class WrapperPool {
      cores = [{ id: 1 }];
      async get() {
        const core = this.cores.pop()!;
        return { core, release: () => { this.cores.push(core); } };
      }
    }
    const pool = guardPool(new WrapperPool(), { name: 'adapter-wrappers', adapter: { library: 'wrapper-pool', acquire: ['get'], connectionRelease: ['release'] } });
    for (let i = 0; i < 2000; i++) (await pool.get()).release();
    await new Promise((resolve) => setTimeout(resolve, 10));
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const state = (pool as unknown as Record<symbol, { connections(): Iterable<unknown> }>)[Symbol.for('poolguard.pool')]!;
    assert.ok([...state.connections()].length < 100, 'the released wrappers were collected');
  });
});
