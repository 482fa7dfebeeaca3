/*
 * use_after_release on a real pg pool: a query on a client after its lease
 * ended, whether the connection is idle or already lent to another task, and
 * through a stale lease handle whatever the async context.
 */
import assert from 'node:assert/strict';
import type pg from 'pg';
import pgModule from 'pg';
import { guardPool, runInTask } from '../../src';
import { finishedSpans, inSpan, resetTelemetry, setupTelemetry } from '../helpers/otel';
import { newPool, sleep } from '../helpers/pg';

// pg-cursor ships no types; the part used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Cursor = require('pg-cursor') as new (text: string) => pg.Submittable & { read(rows: number): Promise<unknown[]> };
import { endPool, expectSilent, expectViolations, gate, spanViolationEvents, violationCount } from '../helpers/violations';

describe('use_after_release', () => {
  before(() => setupTelemetry());
  beforeEach(() => resetTelemetry());

  it('reports a query on a released client whose connection is idle', async () => {
    const name = 'uar-idle';
    const pool = guardPool(newPool(), { name });
    try {
      let leaseId = 0;
      await inSpan('uar-idle-span', async () => {
        const client = await pool.connect();
        await client.query('SELECT 1');
        client.release();
        assert.equal(pool.idleCount, 1);
        // The connection is idle: pg runs the query anyway, outside any lease.
        const res = await client.query('SELECT 2 AS two');
        assert.equal(res.rows[0].two, 2);
        const [record] = expectViolations(name, 'use_after_release', 1);
        leaseId = Number(record!.attributes['poolguard.lease.id']);
      });
      const events = spanViolationEvents('uar-idle-span', 'use_after_release');
      assert.equal(events.length, 1);
      assert.equal(events[0]!.attributes?.['db.client.connection.pool.name'], name);
      assert.equal(events[0]!.attributes?.['poolguard.lease.id'], leaseId);
      assert.equal(await violationCount(name, 'use_after_release'), 1);
    } finally {
      await endPool(pool);
    }
  });

  it('names the owner of the ended lease: its trace and span ids, and a link from the intruder\'s span', async () => {
    const name = 'uar-owner';
    const pool = guardPool(newPool(), { name });
    try {
      let released: pg.PoolClient | undefined;
      const owner = await inSpan('uar-owner-span', async (span) => {
        const client = await pool.connect();
        client.release();
        released = client;
        return span.spanContext();
      });
      await inSpan('uar-intruder-span', async () => {
        for (let i = 0; i < 3; i++) await released!.query('SELECT 1');
      });
      const [record] = expectViolations(name, 'use_after_release', 3);
      assert.equal(record!.attributes['poolguard.owner.trace_id'], owner.traceId);
      assert.equal(record!.attributes['poolguard.owner.span_id'], owner.spanId);
      const intruder = finishedSpans().find((span) => span.name === 'uar-intruder-span')!;
      assert.equal(intruder.links.filter((link) => link.context.spanId === owner.spanId).length, 1, 'linked to the owner\'s span once, though the misuse was repeated (a span keeps at most 128 links)');
      assert.equal(intruder.events.filter((event) => event.name === 'poolguard.violation').length, 3, 'a span event per violation');
    } finally {
      await endPool(pool);
    }
  });

  it('the log record carries the active span context', async () => {
    const name = 'uar-span-context';
    const pool = guardPool(newPool(), { name });
    try {
      let traceId = '';
      await inSpan('uar-ctx', async (span) => {
        traceId = span.spanContext().traceId;
        const client = await pool.connect();
        client.release();
        await client.query('SELECT 1');
      });
      const [record] = expectViolations(name, 'use_after_release', 1);
      assert.equal(record!.spanContext?.traceId, traceId);
    } finally {
      await endPool(pool);
    }
  });

  it('reports each use after release, not only the first', async () => {
    const name = 'uar-repeat';
    const pool = guardPool(newPool(), { name });
    try {
      const client = await pool.connect();
      client.release();
      await client.query('SELECT 1');
      await client.query('SELECT 2');
      expectViolations(name, 'use_after_release', 2);
      assert.equal(await violationCount(name, 'use_after_release'), 2);
    } finally {
      await endPool(pool);
    }
  });

  it('reports the callback form of query after release, and the callback still runs', async () => {
    const name = 'uar-callback';
    const pool = guardPool(newPool(), { name });
    try {
      await runInTask(async () => {
        const client = await pool.connect();
        client.release();
        const value = await new Promise<number>((resolve, reject) => {
          client.query('SELECT 5 AS five', (err: Error | undefined, res: { rows: { five: number }[] }) => (err ? reject(err) : resolve(res.rows[0]!.five)));
        });
        assert.equal(value, 5);
      });
      expectViolations(name, 'use_after_release', 1);
    } finally {
      await endPool(pool);
    }
  });

  it('reports a query by the previous holder after the connection was re-leased to another task, naming the ended lease, its owner and its checkout', async () => {
    const name = 'uar-released-to-other';
    const pool = guardPool(newPool({ max: 1 }), { name, captureStacks: true });
    try {
      const aReleased = gate();
      const bHolds = gate();
      const aDone = gate();
      const taskA = inSpan('uar-task-a', async (span) => {
        const client = await pool.connect();
        await client.query('SELECT 1');
        client.release();
        aReleased.open();
        await bHolds.promise;
        // A's stale reference: the same pg.Client object B now holds.
        await client.query('SELECT 1');
        aDone.open();
        return span.spanContext();
      });
      const taskB = inSpan('uar-task-b', async (span) => {
        await aReleased.promise;
        const client = await pool.connect();
        bHolds.open();
        await aDone.promise;
        await client.query('SELECT 1'); // B's own use: silent
        client.release();
        // A double release, reported on B's lease, gives B's lease id; pg's own error is kept.
        assert.throws(() => client.release(), /already been released/);
        return span.spanContext();
      });
      const [a, b] = await Promise.all([taskA, taskB]);
      const [stale] = expectViolations(name, 'use_after_release', 1, { others: ['double_release'] });
      const [second] = expectViolations(name, 'double_release', 1, { others: ['use_after_release'] });
      // The report is about the lease A used after it ended, not B's current one.
      assert.ok(Number(stale!.attributes['poolguard.lease.id']) < Number(second!.attributes['poolguard.lease.id']));
      assert.equal(stale!.attributes['poolguard.owner.span_id'], a.spanId);
      assert.equal(stale!.attributes['poolguard.owner.trace_id'], a.traceId);
      assert.equal(second!.attributes['poolguard.owner.span_id'], b.spanId);
      const intruder = finishedSpans().find((span) => span.name === 'uar-task-a')!;
      // The ended lease's owner is A itself, so no link; before, it linked to B, the current borrower.
      assert.deepEqual(intruder.links.map((link) => link.context.spanId), []);
      assert.match(String(stale!.attributes['code.stacktrace']), /checked out at:/);
    } finally {
      await endPool(pool);
    }
  });

  it('stays silent when the new borrower uses the re-leased connection', async () => {
    const name = 'uar-new-borrower';
    const pool = guardPool(newPool({ max: 1 }), { name });
    try {
      await runInTask(async () => {
        const client = await pool.connect();
        await client.query('SELECT 1');
        client.release();
      });
      await runInTask(async () => {
        const client = await pool.connect();
        await client.query('SELECT 1');
        await client.query('SELECT 2');
        client.release();
      });
      expectSilent(name);
    } finally {
      await endPool(pool);
    }
  });

  it('reports a query through a stale lease handle whatever the context', async () => {
    const name = 'uar-handle';
    const pool = guardPool(newPool({ max: 1 }), { name, leaseHandles: true });
    try {
      // One task, no task identity needed: the handle itself knows its lease.
      const stale = await pool.connect();
      await stale.query('SELECT 1');
      stale.release();
      const fresh = await pool.connect();
      await stale.query('SELECT 1');
      await fresh.query('SELECT 1');
      fresh.release();
      // A double release of the fresh lease gives its id; pg's own error is kept.
      assert.throws(() => fresh.release(), /already been released/);
      const [record] = expectViolations(name, 'use_after_release', 1, { others: ['double_release'] });
      const [second] = expectViolations(name, 'double_release', 1, { others: ['use_after_release'] });
      assert.ok(Number(record!.attributes['poolguard.lease.id']) < Number(second!.attributes['poolguard.lease.id']), 'the stale handle\'s lease, not the current one');
      assert.equal(await violationCount(name, 'use_after_release'), 1);
    } finally {
      await endPool(pool);
    }
  });

  it('reports a stale reference used while pool.query holds the connection internally', async () => {
    const name = 'uar-internal-lease';
    const pool = guardPool(newPool({ max: 1 }), { name });
    try {
      const client = await pool.connect();
      client.release();
      const internal = pool.query('SELECT pg_sleep(0.05)'); // lends the same connection internally
      await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(pool.idleCount, 0);
      await client.query('SELECT 1'); // queued behind pool.query's statement
      await internal;
      // Also concurrent: the internal statement was in flight.
      expectViolations(name, 'use_after_release', 1, { others: ['concurrent_query'] });
      expectViolations(name, 'concurrent_query', 1, { others: ['use_after_release'] });
    } finally {
      await endPool(pool);
    }
  });

  it('a pool \'acquire\' listener querying the connection it hands out is not a use after release', async () => {
    const name = 'uar-acquire-listener';
    const pool = guardPool(newPool({ max: 1 }), { name });
    const setup: Promise<unknown>[] = [];
    pool.on('acquire', (client) => { setup.push(client.query("SET application_name = 'poolguard-acquire'")); });
    try {
      for (let i = 0; i < 3; i++) {
        await runInTask(async () => {
          const client = await pool.connect();
          await Promise.all(setup.splice(0));
          assert.equal((await client.query('SHOW application_name')).rows[0].application_name, 'poolguard-acquire');
          client.release();
        });
      }
      expectSilent(name);
    } finally {
      await endPool(pool);
    }
  });

  it('a prepended \'acquire\' listener querying is silent also when a waiter gets the client from a release', async () => {
    const name = 'uar-acquire-waiter';
    const raw = newPool({ max: 1 });
    let acquired = 0;
    raw.on('acquire', () => { acquired++; });
    const pool = guardPool(raw, { name });
    const setup: Promise<unknown>[] = [];
    pool.prependListener('acquire', (client) => { setup.push(client.query('SELECT 1')); });
    try {
      const holder = await runInTask(() => pool.connect());
      // The waiter queues while the only client is held; holder.release() hands it over, 'acquire' first.
      const waiter = runInTask(async () => {
        const client = await pool.connect();
        await Promise.all(setup.splice(0));
        await client.query('SELECT 2');
        client.release();
      });
      await sleep(20);
      holder.release();
      await waiter;
      assert.equal(acquired, 2);
      expectSilent(name);
      // The same client used from outside while idle in the pool is still reported.
      await holder.query('SELECT 3');
      expectViolations(name, 'use_after_release', 1);
    } finally {
      await endPool(pool);
    }
  });

  for (const mode of ['report', 'throw'] as const) {
    it(`a pg-cursor read after its client was released and lent to another task is use_after_release (${mode} mode)`, async () => {
      const name = `uar-cursor-${mode}`;
      const pool = guardPool(newPool({ max: 1 }), { name, mode, taskTracking: true });
      try {
        const handedOn = gate();
        const readAgain = gate();
        const a = runInTask(async () => {
          const client = await pool.connect();
          const cursor = client.query(new Cursor('SELECT generate_series(1, 10) AS n'));
          assert.equal((await cursor.read(2)).length, 2);
          client.release(); // the cursor is left open
          await handedOn.promise;
          if (mode === 'throw') await assert.rejects(cursor.read(2), (err: unknown) => (err as { code?: string }).code === 'POOLGUARD_USE_AFTER_RELEASE');
          else await cursor.read(2);
          readAgain.open();
        });
        await runInTask(async () => {
          const client = await pool.connect();
          handedOn.open();
          await readAgain.promise;
          client.release(true); // the portal A left open makes the connection unfit for reuse
        });
        await a;
        expectViolations(name, 'use_after_release', 1);
      } finally {
        await endPool(pool);
      }
    });
  }

  it('throw mode fails a refused Submittable as pg fails one: on the next tick, through its read callback or its \'error\' event, never thrown from query()', async () => {
    const name = 'uar-submittable-throw';
    const pool = guardPool(newPool({ max: 1 }), { name, mode: 'throw' });
    try {
      const client = await pool.connect();
      client.release();
      const cursor = client.query(new Cursor('SELECT 1 AS one'));
      await assert.rejects(cursor.read(1), (err: unknown) => (err as { code?: string }).code === 'POOLGUARD_USE_AFTER_RELEASE');
      const query = client.query(new pgModule.Query('SELECT 1 AS one'));
      const failed = await new Promise<unknown>((resolve) => {
        query.on('error', resolve);
        query.on('end', () => resolve('ended'));
      });
      assert.equal((failed as { code?: string }).code, 'POOLGUARD_USE_AFTER_RELEASE');
      const called = await new Promise<unknown>((resolve) => client.query(new pgModule.Query('SELECT 1 AS one', [], resolve)));
      assert.equal((called as { code?: string }).code, 'POOLGUARD_USE_AFTER_RELEASE');
      expectViolations(name, 'use_after_release', 3);
      assert.equal(pool.idleCount, 1, 'nothing ran on the pool\'s connection');
    } finally {
      await endPool(pool);
    }
  });

  it('a client released with no later use is silent', async () => {
    const name = 'uar-clean';
    const pool = guardPool(newPool(), { name });
    try {
      for (let i = 0; i < 3; i++) {
        const client = await pool.connect();
        await client.query('SELECT 1');
        client.release();
      }
      expectSilent(name);
    } finally {
      await endPool(pool);
    }
  });
});
