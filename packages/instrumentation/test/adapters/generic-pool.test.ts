/*
 * The generic-pool adapter: a pool of real pg Clients against the real
 * PostgreSQL (the whole detector matrix: the Clients' queries are guarded),
 * and a pool of plain objects (the lease-level kinds only: poolguard cannot
 * know how they are used). generic-pool looks resources up by identity, so a
 * lease handle goes back to it as the raw resource.
 */
import assert from 'node:assert/strict';
import genericPool from 'generic-pool';
import mysqlPromise from 'mysql2/promise';
import pg from 'pg';
import { adoptLease, guardPool, runInTask } from '../../src';
import { mysqlConfig } from '../helpers/mysql';
import { inSpan, resetTelemetry, setupTelemetry } from '../helpers/otel';
import { pgConfig, sleep } from '../helpers/pg';
import { expectSilent, expectViolations, gate, poolViolations, violationCount, waitFor } from '../helpers/violations';

const THRESHOLD = 200;
const NOT_IN_POOL = /Resource not currently part of this pool/;

type ClientPool = genericPool.Pool<pg.Client>;

/** A pool of pg Clients; with `validated`, generic-pool pings each one with the factory's validate() before and after its leases. */
function clientPool(max = 2, validated = false): ClientPool {
  return genericPool.createPool<pg.Client>({
    create: async () => {
      const client = new pg.Client(pgConfig());
      await client.connect();
      return client;
    },
    destroy: (client) => client.end(),
    validate: async (client) => (await client.query('SELECT 1 AS ok')).rows[0].ok === 1,
  }, { max, min: 0, testOnBorrow: validated, testOnReturn: validated });
}

/** Drains and clears a pool within 5 s, after releasing what a failed test still holds. */
async function endGenericPool(pool: genericPool.Pool<object>): Promise<void> {
  const all = (pool as unknown as { _allObjects: Set<{ obj: object; state: string }> })._allObjects;
  for (const pooled of all) {
    if (pooled.state === 'ALLOCATED') await pool.destroy(pooled.obj).catch(() => undefined);
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    pool.drain().then(() => pool.clear()),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('generic-pool drain did not finish within 5 s')), 5000); }),
  ]).finally(() => clearTimeout(timer));
}

async function withPool<T extends object>(make: () => genericPool.Pool<T>, name: string, options: Parameters<typeof guardPool>[1], body: (pool: genericPool.Pool<T>) => Promise<void>): Promise<void> {
  const pool = guardPool(make(), { name, ...options });
  try {
    await body(pool);
  } finally {
    await endGenericPool(pool);
  }
}

/** A single connection's settings (a pool's without connectionLimit). */
function mysqlConnectionConfig(): mysqlPromise.ConnectionOptions {
  const { connectionLimit: _limit, ...connection } = mysqlConfig();
  return connection;
}

const clients = (name: string, options: Parameters<typeof guardPool>[1], body: (pool: ClientPool) => Promise<void>, max = 2) =>
  withPool(() => clientPool(max), name, options, body);

describe('generic-pool adapter', () => {
  before(() => setupTelemetry());
  beforeEach(() => resetTelemetry());

  describe('a pool of pg Clients', () => {
    it('use_after_release: a query on a released client is reported', () => clients('gp-uar', {}, async (pool) => {
      const client = await pool.acquire();
      await client.query('SELECT 1');
      await pool.release(client);
      await client.query('SELECT 1');
      expectViolations('gp-uar', 'use_after_release', 1);
    }));

    it('the factory\'s validate() (testOnBorrow, testOnReturn) querying an idle client is the pool\'s own use: silent', () => withPool(() => clientPool(1, true), 'gp-validate', {}, async (pool) => {
      for (let i = 0; i < 3; i++) {
        const client = await pool.acquire();
        await client.query('SELECT 1');
        await pool.release(client);
      }
      expectSilent('gp-validate');
      const stale = await pool.acquire();
      await pool.release(stale);
      await stale.query('SELECT 1'); // the app's own use of the released client is still caught
      expectViolations('gp-validate', 'use_after_release', 1);
    }));

    it('the factory\'s destroy() running a statement on a client the pool evicts or clears is the pool\'s own use: silent', async () => {
      const name = 'gp-destroy-statement';
      const pool = guardPool(genericPool.createPool<pg.Client>({
        create: async () => {
          const client = new pg.Client(pgConfig());
          await client.connect();
          return client;
        },
        destroy: async (client) => {
          await client.query('DISCARD ALL');
          await client.end();
        },
      }, { max: 2, min: 0, evictionRunIntervalMillis: 20, idleTimeoutMillis: 20 }), { name });
      try {
        const evicted = await pool.acquire();
        await pool.release(evicted);
        await waitFor(() => pool.size === 0, 2000, 'the idle client is evicted');
        const cleared = await pool.acquire();
        await pool.release(cleared);
        await pool.drain();
        await pool.clear();
        expectSilent(name);
      } finally {
        await endGenericPool(pool);
      }
    });

    it('release() and destroy() answer with the pool\'s own Promise class (its Promise option), on the usual path and on a refused one', async () => {
      class PoolPromise<T> extends Promise<T> {}
      const name = 'gp-promise-class';
      const pool = guardPool(genericPool.createPool<object>({ create: async () => ({}), destroy: async () => undefined }, { max: 1, Promise: PoolPromise } as genericPool.Options), { name });
      try {
        const first = await runInTask(() => pool.acquire());
        const released = pool.release(first);
        assert.ok(released instanceof PoolPromise, 'release()');
        await released;
        const second = await runInTask(() => pool.acquire());
        const destroyed = pool.destroy(second);
        assert.ok(destroyed instanceof PoolPromise, 'destroy()');
        await destroyed;
        // Task A releases the object again once task B holds it: a stale holder's release, not passed on.
        let letGo!: () => void;
        const go = new Promise<void>((resolve) => (letGo = resolve));
        const taskA = runInTask(async () => {
          const object = await pool.acquire();
          await pool.release(object);
          await go;
          const stale = pool.release(object);
          assert.ok(stale instanceof PoolPromise, 'a refused release');
          await stale;
        });
        const held = await runInTask(() => pool.acquire());
        letGo();
        await taskA;
        expectViolations(name, 'foreign_release', 1);
        await pool.release(held);
      } finally {
        await endGenericPool(pool);
      }
    });

    it('use_after_release: uses inside each lease are silent', () => clients('gp-uar-clean', {}, async (pool) => {
      for (let i = 0; i < 4; i++) {
        const client = await pool.acquire();
        assert.equal((await client.query('SELECT $1::int AS n', [i])).rows[0].n, i);
        await pool.release(client);
      }
      expectSilent('gp-uar-clean');
    }, 1));

    it('double_release: reported, and generic-pool\'s own rejection still reaches the app', () => clients('gp-dr', {}, async (pool) => {
      const client = await pool.acquire();
      await pool.release(client);
      await assert.rejects(pool.release(client), NOT_IN_POOL);
      const other = await pool.acquire();
      await pool.destroy(other);
      await assert.rejects(pool.destroy(other), NOT_IN_POOL);
      expectViolations('gp-dr', 'double_release', 2);
      assert.equal(await violationCount('gp-dr', 'double_release'), 2);
    }));

    it('throw mode: a misuse at release rejects the promise release() returns, after the release went through; a double release keeps generic-pool\'s refusal as its cause', () => clients('gp-throw-release', { mode: 'throw', leaseHandles: false }, async (pool) => {
      const client = await pool.acquire();
      await client.query('BEGIN');
      const dirty = pool.release(client);
      assert.ok(dirty instanceof Promise, 'a promise, as generic-pool returns');
      await assert.rejects(dirty, { code: 'POOLGUARD_DIRTY_RELEASE' });
      assert.equal(pool.borrowed, 0, 'the release went through');
      const again = await pool.acquire();
      await again.query('ROLLBACK');
      await pool.release(again);
      await assert.rejects(pool.release(again), (err: Error & { cause?: unknown }) => {
        assert.equal((err as { code?: string }).code, 'POOLGUARD_DOUBLE_RELEASE');
        assert.match(String((err.cause as Error).message), NOT_IN_POOL);
        return true;
      });
    }, 1));

    it('throw mode: pool.use(fn), which drops the promise of its own release(), rejects with a misuse at that release, after it went through; no unhandled rejection', () => clients('gp-throw-use', { mode: 'throw' }, async (pool) => {
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.prependListener('unhandledRejection', onUnhandled);
      try {
        await assert.rejects(pool.use(async (client) => {
          await client.query('BEGIN');
          return 'done';
        }), { code: 'POOLGUARD_DIRTY_RELEASE' });
        assert.equal(pool.borrowed, 0, 'the release went through');
        assert.equal(await pool.use(async (client) => {
          await client.query('ROLLBACK');
          return (await client.query('SELECT 1 AS one')).rows[0].one as number;
        }), 1, 'a clean use() answers as it did');
        // fn releasing the resource itself: use()'s own release is the second one.
        await assert.rejects(pool.use(async (client) => {
          await pool.release(client);
          return 'released';
        }), { code: 'POOLGUARD_DOUBLE_RELEASE' });
        // fn releasing it and then failing: use() rejects with fn's error; its destroy's misuse is reported.
        await assert.rejects(pool.use(async (client) => {
          await pool.release(client);
          throw new Error('the app\'s own failure');
        }), /the app's own failure/);
        await new Promise((resolve) => setImmediate(resolve));
        assert.deepEqual(unhandled, []);
        assert.equal(pool.borrowed, 0);
      } finally {
        process.removeListener('unhandledRejection', onUnhandled);
      }
    }, 1));

    it('foreign_release: the previous owner task releasing again is reported and not passed on', () => clients('gp-fr', {}, async (pool) => {
      const aReleased = gate();
      const bHolds = gate();
      const aDone = gate();
      const a = runInTask(async () => {
        const client = await pool.acquire();
        await pool.release(client);
        aReleased.open();
        await bHolds.promise;
        await pool.release(client);
        aDone.open();
      });
      const b = runInTask(async () => {
        await aReleased.promise;
        const client = await pool.acquire();
        bHolds.open();
        await aDone.promise;
        assert.equal(pool.borrowed, 1, 'B still holds its lease');
        await client.query('SELECT 1');
        await pool.release(client);
      });
      await Promise.all([a, b]);
      expectViolations('gp-fr', 'foreign_release', 1);
      assert.equal(pool.available, 1);
    }, 1));

    it('foreign_release: a non-owner task\'s release is reported and passed on; adoptLease first is silent', () => clients('gp-fr-nonowner', {}, async (pool) => {
      const a = await runInTask(() => pool.acquire());
      await runInTask(() => pool.release(a));
      assert.equal(pool.borrowed, 0);
      const b = await runInTask(() => pool.acquire());
      await runInTask(async () => {
        adoptLease(b);
        await b.query('SELECT 1');
        await pool.release(b);
      });
      expectViolations('gp-fr-nonowner', 'foreign_release', 1);
    }));

    it('lease handles: pool.release(handle) hands the raw client back; a stale handle is caught', () => clients('gp-handles', { leaseHandles: true }, async (pool) => {
      const first = await pool.acquire();
      assert.equal((await first.query('SELECT 1 AS one')).rows[0].one, 1);
      await pool.release(first); // generic-pool accepted the handle: it found the raw client
      assert.equal(pool.available, 1);
      const second = await pool.acquire();
      assert.notEqual(first, second);
      await first.query('SELECT 1'); // stale handle: use_after_release
      await pool.release(first); // stale handle: foreign_release, not passed on
      assert.equal(pool.borrowed, 1);
      await pool.release(second);
      await assert.rejects(pool.release(second), NOT_IN_POOL);
      expectViolations('gp-handles', 'use_after_release', 1, { others: ['foreign_release', 'double_release'] });
      assert.equal(poolViolations('gp-handles', 'foreign_release').length, 1);
      assert.equal(poolViolations('gp-handles', 'double_release').length, 1);
    }, 1));

    it('foreign_release: a second release in the same tick, while generic-pool lends the client to a waiter, is reported and not passed on', () => clients('gp-fr-same-tick', {}, async (pool) => {
      let waiterGot: pg.Client | undefined;
      await runInTask(async () => {
        const client = await pool.acquire();
        const waiter = runInTask(async () => {
          waiterGot = await pool.acquire();
        });
        await sleep(1);
        void pool.release(client);
        await pool.release(client); // in catch and finally, say: generic-pool has lent it to the waiter already
        await waiter;
      });
      assert.ok(waiterGot !== undefined);
      assert.equal(pool.borrowed, 1, 'the waiter still holds its lease');
      assert.equal(pool.isBorrowedResource(waiterGot), true);
      expectViolations('gp-fr-same-tick', 'foreign_release', 1);
      await pool.release(waiterGot);
    }, 1));

    it('lease handles: isBorrowedResource(handle) answers for the raw client', () => clients('gp-handles-borrowed', { leaseHandles: true }, async (pool) => {
      const handle = await pool.acquire();
      assert.equal(pool.isBorrowedResource(handle), true);
      await pool.release(handle);
      assert.equal(pool.isBorrowedResource(handle), false);
      expectSilent('gp-handles-borrowed');
    }, 1));

    it('dirty_release: a release from a failed statement\'s callback, before its ReadyForQuery, is judged when it arrives', () => clients('gp-dirty-late', {}, async (pool) => {
      const client = await pool.acquire();
      await client.query('BEGIN');
      await new Promise<void>((resolve) => {
        client.query('SELECT 1/0', () => {
          void pool.release(client);
          resolve();
        });
      });
      await waitFor(() => poolViolations('gp-dirty-late', 'dirty_release').length > 0, 2000, 'the dirty_release report');
      expectViolations('gp-dirty-late', 'dirty_release', 1);
      const next = await pool.acquire();
      await next.query('ROLLBACK');
      await pool.release(next);
    }, 1));

    it('concurrent_query: two queries in flight on one client are reported', () => clients('gp-cq', {}, async (pool) => {
      const client = await pool.acquire();
      await Promise.all([client.query('SELECT pg_sleep(0.02)'), client.query('SELECT 1')]);
      await pool.release(client);
      expectViolations('gp-cq', 'concurrent_query', 1);
    }));

    it('concurrent_query: Promise.all over separate leases and sequential awaits are silent', () => clients('gp-cq-clean', {}, async (pool) => {
      await Promise.all(Array.from({ length: 6 }, (_, i) => pool.use(async (client) => {
        await client.query('SELECT $1::int', [i]);
        await client.query('SELECT 1');
      })));
      expectSilent('gp-cq-clean');
    }));

    it('leak: a lease held past the threshold is reported once', () => clients('gp-leak', { leakThresholdMs: THRESHOLD }, async (pool) => {
      const client = await pool.acquire();
      await waitFor(() => poolViolations('gp-leak', 'leak').length > 0, THRESHOLD * 2 + 600, 'the leak report');
      await sleep(THRESHOLD);
      expectViolations('gp-leak', 'leak', 1);
      await pool.release(client);
      const short = await pool.acquire();
      await pool.release(short);
      await sleep(THRESHOLD * 2);
      expectViolations('gp-leak', 'leak', 1);
    }));

    it('dirty_release: releasing inside BEGIN is reported; COMMIT first or destroy is silent', () => clients('gp-dirty', {}, async (pool) => {
      const a = await pool.acquire();
      await a.query('BEGIN');
      await pool.release(a);
      expectViolations('gp-dirty', 'dirty_release', 1);
      const b = await pool.acquire();
      await b.query('ROLLBACK'); // the inherited transaction
      await b.query('BEGIN');
      await b.query('COMMIT');
      await pool.release(b);
      const c = await pool.acquire();
      await c.query('BEGIN');
      await pool.destroy(c);
      expectViolations('gp-dirty', 'dirty_release', 1);
    }, 1));

    it('cross_task_use: another task using a held client is reported; a transaction with helpers is silent', () => clients('gp-ctu', {}, async (pool) => {
      const handed = gate<pg.Client>();
      const used = gate();
      const owner = inSpan('gp-owner', async () => {
        const client = await pool.acquire();
        const helper = (c: pg.Client) => c.query('SELECT 2');
        await client.query('BEGIN');
        await helper(client);
        await client.query('COMMIT');
        handed.open(client);
        await used.promise;
        await pool.release(client);
      });
      const intruder = inSpan('gp-intruder', async () => {
        await (await handed.promise).query('SELECT 1');
        used.open();
      });
      await Promise.all([owner, intruder]);
      expectViolations('gp-ctu', 'cross_task_use', 1);
    }));

    it('a pool of Clients is named after their server once it lends one, when not named', async () => {
      const pool = guardPool(clientPool());
      try {
        const client = await pool.acquire();
        await pool.release(client);
        const pooledName = (pool as unknown as Record<symbol, { name: string }>)[Symbol.for('poolguard.pool')]!.name;
        assert.match(pooledName, /^127\.0\.0\.1:5432\/test(#\d+)?$/);
      } finally {
        await endGenericPool(pool);
      }
    });
  });

  describe('a pool of mysql2/promise connections', () => {
    type PromiseConnection = mysqlPromise.Connection;
    const connections = () => genericPool.createPool<PromiseConnection>({
      create: () => mysqlPromise.createConnection(mysqlConnectionConfig()),
      destroy: (conn) => conn.end(),
    }, { max: 1 });

    it('its statements are guarded through the wrapper\'s core: use_after_release, concurrent_query, dirty_release', () => withPool(connections, 'gp-mysql2-promise', {}, async (pool) => {
      let conn = await pool.acquire();
      await pool.release(conn);
      await conn.query('SELECT 1');
      conn = await pool.acquire();
      await Promise.all([conn.query('SELECT SLEEP(0.05)'), conn.query('SELECT 1')]);
      await conn.query('BEGIN');
      await pool.release(conn);
      assert.deepEqual(poolViolations('gp-mysql2-promise').map((r) => r.attributes['poolguard.violation.kind']), ['use_after_release', 'concurrent_query', 'dirty_release']);
      conn = await pool.acquire();
      await conn.query('ROLLBACK');
      await pool.release(conn);
    }));

    it('statements inside each lease, and a transaction committed before release, are silent', () => withPool(connections, 'gp-mysql2-promise-clean', {}, async (pool) => {
      await Promise.all(Array.from({ length: 4 }, () => runInTask(async () => {
        const conn = await pool.acquire();
        try {
          await conn.query('BEGIN');
          await conn.execute('SELECT ? AS n', [1]);
          await conn.query('COMMIT');
        } finally {
          await pool.release(conn);
        }
      })));
      expectSilent('gp-mysql2-promise-clean');
    }));
  });

  describe('a pool of plain objects (lease-level kinds only)', () => {
    let nextId = 0;
    const objects = () => genericPool.createPool({ create: async () => ({ id: ++nextId, use: () => 'used' }), destroy: async () => undefined }, { max: 1 });
    const plain = (name: string, options: Parameters<typeof guardPool>[1], body: (pool: genericPool.Pool<{ id: number; use(): string }>) => Promise<void>) =>
      withPool(objects, name, options, body);

    it('double_release, foreign_release and leak are reported', () => plain('gp-plain', { leakThresholdMs: THRESHOLD }, async (pool) => {
      const a = await runInTask(() => pool.acquire());
      await runInTask(() => pool.release(a)); // non-owner: foreign_release, passed on
      await assert.rejects(pool.release(a), NOT_IN_POOL); // double_release
      const b = await pool.acquire();
      await waitFor(() => poolViolations('gp-plain', 'leak').length > 0, THRESHOLD * 2 + 600, 'the leak report');
      await pool.release(b);
      for (const kind of ['foreign_release', 'double_release', 'leak']) assert.equal(poolViolations('gp-plain', kind).length, 1, kind);
      expectViolations('gp-plain', 'leak', 1, { others: ['foreign_release', 'double_release'] });
    }));

    it('using an object after release is not checked (poolguard does not know how it is used)', () => plain('gp-plain-use', {}, async (pool) => {
      const a = await pool.acquire();
      await pool.release(a);
      assert.equal(a.use(), 'used');
      expectSilent('gp-plain-use');
    }));

    it('lease handles go back to generic-pool as the raw object', () => plain('gp-plain-handles', { leaseHandles: true }, async (pool) => {
      const a = await pool.acquire();
      const id = a.id;
      await pool.release(a);
      const b = await pool.acquire();
      assert.equal(b.id, id, 'the same object was lent again');
      await pool.release(a); // stale: not passed on
      assert.equal(pool.borrowed, 1);
      await pool.release(b);
      expectViolations('gp-plain-handles', 'foreign_release', 1);
    }));

    for (const [label, seal] of [['frozen', Object.freeze], ['sealed', Object.seal]] as [string, <T>(o: T) => T][]) {
      it(`a ${label} resource is lent as it is, and its leases are still tracked (with lease handles asked for too)`, () => withPool(
        () => genericPool.createPool({ create: async () => seal({ id: ++nextId, use: () => 'used' }), destroy: async () => undefined }, { max: 1 }),
        `gp-plain-${label}`, { leaseHandles: true }, async (pool) => {
          const a = await pool.acquire();
          assert.ok(Object.isFrozen(a) || Object.isSealed(a), 'the raw resource, not a handle');
          assert.equal(a.use(), 'used');
          await pool.release(a);
          await assert.rejects(pool.release(a), NOT_IN_POOL);
          const b = await pool.acquire();
          await pool.release(b);
          expectViolations(`gp-plain-${label}`, 'double_release', 1);
        }));
    }
  });
});
