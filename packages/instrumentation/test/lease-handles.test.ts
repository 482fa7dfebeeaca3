/*
 * Lease handles (`leaseHandles: true`) on a real pg pool: each checkout gets
 * a handle bound to its one lease. It works like the client while the lease
 * lives; once the lease ends, a query through it is use_after_release and a
 * release through it is a stale holder's foreign_release, whatever the task.
 */
import assert from 'node:assert/strict';
import pg from 'pg';
import { adoptLease, guardPool, runInTask } from '../src';
import { inSpan, resetTelemetry, setupTelemetry } from './helpers/otel';
import { newPool } from './helpers/pg';
import { endPool, expectSilent, expectViolations, gate, spanViolationEvents, violationCount } from './helpers/violations';

function connectCb(pool: pg.Pool): Promise<{ client: pg.PoolClient; done: (err?: Error | boolean) => void }> {
  return new Promise((resolve, reject) => {
    pool.connect((err, client, done) => (err ? reject(err) : resolve({ client: client!, done })));
  });
}

describe('lease handles', () => {
  before(() => setupTelemetry());
  beforeEach(() => resetTelemetry());

  it('a handle works like the client while its lease lives', async () => {
    const name = 'lh-live';
    const pool = guardPool(newPool(), { name, leaseHandles: true });
    try {
      await runInTask(async () => {
        const handle = await pool.connect();
        assert.equal((await handle.query('SELECT 1 AS one')).rows[0].one, 1);
        assert.equal((await handle.query({ text: 'SELECT $1::int AS v', values: [7] })).rows[0].v, 7);
        const viaCallback = await new Promise<number>((resolve, reject) => {
          handle.query('SELECT 2 AS two', (err: Error | undefined, res: pg.QueryResult) => (err ? reject(err) : resolve(res.rows[0].two)));
        });
        assert.equal(viaCallback, 2);
        assert.equal(handle.escapeLiteral("it's"), "'it''s'");
        assert.ok(handle instanceof pg.Client);
        assert.equal(handle.constructor, pg.Client, 'the class is the driver\'s, not a bound copy');
        await handle.query('BEGIN');
        await handle.query('COMMIT');
        handle.release();
      });
      const { client, done } = await connectCb(pool);
      assert.equal((await client.query('SELECT 3 AS three')).rows[0].three, 3);
      done();
      assert.equal(pool.idleCount, 1);
      expectSilent(name);
    } finally {
      await endPool(pool);
    }
  });

  it('the callback API\'s done (the handle\'s release) has the length of pg-pool\'s own, release(err)', async () => {
    const pool = guardPool(newPool(), { name: 'handle-done-length', leaseHandles: true });
    try {
      const lengths = await new Promise<number[]>((resolve, reject) => {
        pool.connect((err, client, done) => {
          if (err) return reject(err);
          const seen = [done.length, client!.release.length];
          done();
          resolve(seen);
        });
      });
      assert.deepEqual(lengths, [1, 1]);
      expectSilent('handle-done-length');
    } finally {
      await endPool(pool);
    }
  });

  it('a handle receives events of its connection (LISTEN/NOTIFY)', async () => {
    const name = 'lh-events';
    const pool = guardPool(newPool(), { name, leaseHandles: true });
    try {
      const handle = await pool.connect();
      const payload = new Promise<string>((resolve) => handle.once('notification', (msg: pg.Notification) => resolve(String(msg.payload))));
      await handle.query('LISTEN poolguard_lh');
      await pool.query("NOTIFY poolguard_lh, 'hello'");
      assert.equal(await payload, 'hello');
      await handle.query('UNLISTEN poolguard_lh');
      handle.release();
      expectSilent(name);
    } finally {
      await endPool(pool);
    }
  });

  it('the node-postgres docs\' getClient(), which patches query and release and restores them, works through handles', async () => {
    const name = 'handles-get-client';
    const pool = guardPool(newPool({ max: 1 }), { name, mode: 'throw' }); // throw mode: handles on
    // As https://node-postgres.com/guides/project-structure writes it (its timer left out).
    const getClient = async () => {
      const client = await pool.connect() as pg.PoolClient & { lastQuery?: unknown[] };
      const query = client.query;
      const release = client.release;
      client.query = ((...args: unknown[]) => {
        client.lastQuery = args;
        return (query as (...a: unknown[]) => unknown).apply(client, args);
      }) as typeof client.query;
      client.release = () => {
        client.query = query;
        client.release = release;
        return release.apply(client);
      };
      return client;
    };
    try {
      for (const n of [1, 2, 3]) {
        await runInTask(async () => {
          const client = await getClient();
          try {
            assert.equal((await client.query('SELECT $1::int AS x', [n])).rows[0].x, n);
            assert.deepEqual(client.lastQuery, ['SELECT $1::int AS x', [n]], 'the app\'s patch ran');
          } finally {
            client.release();
          }
        });
      }
      assert.equal((await pool.query('SELECT 1 AS one')).rows[0].one, 1);
      expectSilent(name);
      // A stale handle's release, while the next borrower's getClient() patches sit on the connection,
      // still runs as the stale lease: foreign_release, and the next borrower keeps its lease.
      const stale = await runInTask(async () => {
        const client = await getClient();
        client.release();
        return client;
      });
      await runInTask(async () => {
        const client = await getClient();
        assert.throws(() => stale.release(), (err: unknown) => (err as { code?: string }).code === 'POOLGUARD_FOREIGN_RELEASE');
        assert.equal(pool.idleCount, 0, 'the next borrower keeps its lease');
        client.release();
      });
      expectViolations(name, 'foreign_release', 1);
    } finally {
      await endPool(pool);
    }
  });

  it('a query through a stale handle is use_after_release, even when the connection is re-leased to the same task', async () => {
    const name = 'lh-stale-query';
    const pool = guardPool(newPool({ max: 1 }), { name, leaseHandles: true });
    try {
      await inSpan('lh-same-task', async () => {
        const stale = await pool.connect();
        stale.release();
        const fresh = await pool.connect();
        const res = await stale.query('SELECT 1 AS one'); // reported, still run (report mode)
        assert.equal(res.rows[0].one, 1);
        await fresh.query('SELECT 1');
        fresh.release();
      });
      expectViolations(name, 'use_after_release', 1);
      assert.equal(spanViolationEvents('lh-same-task', 'use_after_release').length, 1);
      assert.equal(await violationCount(name, 'use_after_release'), 1);
    } finally {
      await endPool(pool);
    }
  });

  it('a stale handle\'s release while another borrower holds the connection is foreign_release, not passed on', async () => {
    const name = 'lh-stale-release';
    const pool = guardPool(newPool({ max: 1 }), { name, leaseHandles: true });
    try {
      const aReleased = gate();
      const bHolds = gate();
      const aDone = gate();
      const taskA = runInTask(async () => {
        const handle = await pool.connect();
        handle.release();
        aReleased.open();
        await bHolds.promise;
        handle.release(); // a stale holder
        aDone.open();
      });
      const taskB = runInTask(async () => {
        await aReleased.promise;
        const handle = await pool.connect();
        bHolds.open();
        await aDone.promise;
        assert.equal(pool.idleCount, 0, 'B still holds its lease');
        assert.equal((await handle.query('SELECT 1 AS one')).rows[0].one, 1);
        handle.release();
      });
      await Promise.all([taskA, taskB]);
      expectViolations(name, 'foreign_release', 1);
      assert.equal(pool.idleCount, 1);
      assert.equal(pool.totalCount, 1);
    } finally {
      await endPool(pool);
    }
  });

  it('a stale done() from the callback API is a stale holder too', async () => {
    const name = 'lh-stale-done';
    const pool = guardPool(newPool({ max: 1 }), { name, leaseHandles: true });
    try {
      const first = await connectCb(pool);
      first.done();
      const second = await connectCb(pool);
      first.done();
      await first.client.query('SELECT 1');
      assert.equal(pool.idleCount, 0);
      second.done();
      expectViolations(name, 'foreign_release', 1, { others: ['use_after_release'] });
      expectViolations(name, 'use_after_release', 1, { others: ['foreign_release'] });
    } finally {
      await endPool(pool);
    }
  });

  it('adoptLease accepts a handle', async () => {
    const name = 'lh-adopt';
    const pool = guardPool(newPool(), { name, leaseHandles: true });
    try {
      const handed = gate<pg.PoolClient>();
      const producer = runInTask(async () => { handed.open(await pool.connect()); });
      const consumer = runInTask(async () => {
        const handle = adoptLease(await handed.promise);
        await handle.query('SELECT 1');
        handle.release();
      });
      await Promise.all([producer, consumer]);
      expectSilent(name);
      assert.equal(pool.idleCount, 1);
    } finally {
      await endPool(pool);
    }
  });
});
