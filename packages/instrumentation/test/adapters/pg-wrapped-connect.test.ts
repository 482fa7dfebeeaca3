/*
 * A pg pool whose prototype connect another instrumentation wrapped (shimmer's
 * `__wrapped` mark, as @opentelemetry/instrumentation-pg leaves it). poolguard
 * then calls it in the promise form and claims each lease as pg-pool builds
 * its promise; where the wrapper does not let pg-pool build one (it passes its
 * own callback), the lease is claimed when the client arrives, and nothing is
 * judged before that. Either way the detectors see the owner of every lease.
 */
import assert from 'node:assert/strict';
import pg from 'pg';
import { guardPool, runInTask } from '../../src';
import { resetTelemetry, setupTelemetry } from '../helpers/otel';
import { pgConfig } from '../helpers/pg';
import { endPool, expectSilent, expectViolations } from '../helpers/violations';

type Connect = pg.Pool['connect'];

/** A pg.Pool subclass whose connect is a shimmer-style wrapper of pg-pool's, in one of two styles. */
function wrappedPool(style: 'promise-through' | 'own-callback', max = 2): pg.Pool {
  const original = pg.Pool.prototype.connect as (this: pg.Pool, cb?: (err: Error | undefined, client?: pg.PoolClient, done?: unknown) => void) => unknown;
  const calls = { promiseForms: 0 };
  const connect = function connect(this: pg.Pool, callback?: (err: Error | undefined, client?: pg.PoolClient, done?: unknown) => void) {
    if (callback !== undefined || style === 'promise-through') {
      if (callback === undefined) calls.promiseForms++;
      return original.call(this, callback);
    }
    return new Promise<pg.PoolClient>((resolve, reject) => {
      original.call(this, (err, client) => (err ? reject(err) : resolve(client!)));
    });
  };
  Object.defineProperty(connect, '__wrapped', { value: true });
  class WrappedPool extends pg.Pool {}
  Object.defineProperty(WrappedPool.prototype, 'connect', { value: connect as unknown as Connect, writable: true, configurable: true });
  const pool = new WrappedPool(pgConfig({ max }));
  Object.defineProperty(pool, 'promiseForms', { get: () => calls.promiseForms });
  return pool;
}

for (const style of ['promise-through', 'own-callback'] as const) {
  describe(`pg pool with a wrapped connect (${style})`, () => {
    before(() => setupTelemetry());
    beforeEach(() => resetTelemetry());

    it('checkout, query and release in one task stay silent, and results are unchanged', async () => {
      const name = `wrapped-${style}-silent`;
      const pool = guardPool(wrappedPool(style), { name });
      try {
        const answers = await Promise.all([1, 2, 3, 4].map((n) => runInTask(async () => {
          const client = await pool.connect();
          try {
            return (await client.query('SELECT $1::int AS n', [n])).rows[0].n as number;
          } finally {
            client.release();
          }
        })));
        assert.deepEqual(answers, [1, 2, 3, 4]);
        if (style === 'promise-through') assert.equal((pool as unknown as { promiseForms: number }).promiseForms, 4, 'poolguard called the wrapper in the promise form');
        expectSilent(name);
      } finally {
        await endPool(pool);
      }
    });

    it('a client used by another task is cross_task_use, and a use after release is use_after_release', async () => {
      const name = `wrapped-${style}-misuse`;
      const pool = guardPool(wrappedPool(style), { name });
      try {
        const client = await runInTask(() => pool.connect());
        await runInTask(() => client.query('SELECT 1'));
        expectViolations(name, 'cross_task_use', 1);
        client.release();
        await client.query('SELECT 1');
        expectViolations(name, 'use_after_release', 1, { others: ['cross_task_use'] });
      } finally {
        await endPool(pool);
      }
    });

    it('a checkout from an ended pool keeps pg-pool\'s error and is use_after_end', async () => {
      const name = `wrapped-${style}-ended`;
      const pool = guardPool(wrappedPool(style), { name });
      await endPool(pool);
      await assert.rejects(pool.connect(), /Cannot use a pool after calling end on the pool/);
      expectViolations(name, 'use_after_end', 1, { leaseId: null });
    });
  });
}

describe('pg pool with a wrapped connect and a read-only Promise', () => {
  before(() => setupTelemetry());
  beforeEach(() => resetTelemetry());

  it('falls back to the callback form: results unchanged, leases claimed, misuse reported', async () => {
    const name = 'wrapped-readonly-promise';
    const raw = wrappedPool('promise-through');
    Object.defineProperty(raw, 'Promise', { value: Promise, writable: false, configurable: false });
    const pool = guardPool(raw, { name });
    try {
      const client = await runInTask(() => pool.connect());
      assert.equal((await client.query('SELECT 3 AS three')).rows[0].three, 3);
      assert.equal((pool as unknown as { promiseForms: number }).promiseForms, 0, 'the callback form was used');
      await runInTask(() => client.query('SELECT 1'));
      expectViolations(name, 'cross_task_use', 1);
      client.release();
    } finally {
      await endPool(pool);
    }
  });
});

/** An app's pg.Pool subclass that overrides connect: it awaits pg-pool's promise form and decorates the client. */
class DecoratingPool extends pg.Pool {
  override async connect(): Promise<pg.PoolClient>;
  override async connect(callback: (err: Error | undefined, client?: pg.PoolClient, done?: (release?: unknown) => void) => void): Promise<void>;
  override async connect(...args: unknown[]): Promise<pg.PoolClient | void> {
    if (args.length > 0) return super.connect(args[0] as Parameters<pg.Pool['connect']>[0]);
    const client = await super.connect();
    (client as pg.PoolClient & { tag?: string }).tag = 'decorated';
    return client;
  }
}

describe('pg pool whose subclass overrides connect', () => {
  before(() => setupTelemetry());
  beforeEach(() => resetTelemetry());

  it('is called as the app called it (promise form): the decorated client arrives, its lease is claimed', async () => {
    const name = 'subclass-connect';
    const pool = guardPool(new DecoratingPool(pgConfig({ max: 1 })), { name });
    try {
      const client = await runInTask(() => pool.connect());
      assert.equal((client as pg.PoolClient & { tag?: string }).tag, 'decorated', 'the override\'s result, unchanged');
      assert.equal((await client.query('SELECT 4 AS four')).rows[0].four, 4);
      await runInTask(() => client.query('SELECT 1'));
      expectViolations(name, 'cross_task_use', 1);
      client.release();
      assert.equal(pool.idleCount, 1, 'the connection went back');
    } finally {
      await endPool(pool);
    }
  });
});
