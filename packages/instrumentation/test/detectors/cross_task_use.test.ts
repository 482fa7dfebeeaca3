/*
 * cross_task_use on a real pg pool, task identity from real OTel spans (the
 * test SDK registers the async-hooks context manager) and from runInTask.
 * Reported only on positive evidence: a known owner and another known task,
 * or, with no known owner, two known tasks while a query is in flight or a
 * transaction is open.
 */
import assert from 'node:assert/strict';
import type pg from 'pg';
import { adoptLease, guardPool, runInTask } from '../../src';
import { finishedSpans, inSpan, resetTelemetry, setupTelemetry } from '../helpers/otel';
import { newPool, sleep } from '../helpers/pg';
import { endPool, expectSilent, expectViolations, gate, poolViolations, spanViolationEvents, usedByAnotherTask, violationCount, waitFor } from '../helpers/violations';

describe('cross_task_use', () => {
  before(() => setupTelemetry());
  beforeEach(() => resetTelemetry());

  it('reports task B using the client task A holds, with the owner\'s trace and span ids', async () => {
    const name = 'ctu-spans';
    const pool = guardPool(newPool(), { name });
    try {
      const handed = gate<pg.PoolClient>();
      const used = gate();
      let owner = { traceId: '', spanId: '' };
      const taskA = inSpan('ctu-owner', async (span) => {
        owner = span.spanContext();
        const client = await pool.connect();
        await client.query('SELECT 1');
        handed.open(client);
        await used.promise;
        await client.query('SELECT 1'); // the owner's own use stays silent
        client.release();
      });
      const taskB = inSpan('ctu-intruder', async () => {
        const client = await handed.promise;
        await client.query('SELECT 2');
        await client.query('SELECT 3'); // one report per offending task and lease
        used.open();
      });
      await Promise.all([taskA, taskB]);
      const [record] = expectViolations(name, 'cross_task_use', 1);
      assert.equal(record!.attributes['poolguard.owner.trace_id'], owner.traceId);
      assert.equal(record!.attributes['poolguard.owner.span_id'], owner.spanId);
      const intruder = finishedSpans().find((s) => s.name === 'ctu-intruder')!;
      assert.notEqual(intruder.spanContext().traceId, owner.traceId);
      assert.equal(record!.spanContext?.traceId, intruder.spanContext().traceId, 'emitted in the offending task\'s context');
      const events = spanViolationEvents('ctu-intruder', 'cross_task_use');
      assert.equal(events.length, 1);
      assert.equal(events[0]!.attributes?.['poolguard.owner.trace_id'], owner.traceId);
      // A link from the offending span to the owner's span.
      assert.ok(intruder.links.some((l) => l.context.spanId === owner.spanId && l.context.traceId === owner.traceId));
      assert.equal(spanViolationEvents('ctu-owner').length, 0);
      assert.equal(await violationCount(name, 'cross_task_use'), 1);
    } finally {
      await endPool(pool);
    }
  });

  it('reports it between two runInTask tasks', async () => {
    const name = 'ctu-tokens';
    const pool = guardPool(newPool(), { name });
    try {
      await usedByAnotherTask(pool, (client) => client.query('SELECT 1'));
      expectViolations(name, 'cross_task_use', 1);
      assert.equal(await violationCount(name, 'cross_task_use'), 1);
    } finally {
      await endPool(pool);
    }
  });

  it('the active trace id comes before task tokens: two runInTask scopes in one trace are one task, and spans of two traces in one scope are two', async () => {
    const name = 'ctu-order';
    const pool = guardPool(newPool(), { name });
    try {
      // One trace, two token scopes: the trace decides, silent.
      await inSpan('ctu-order-one-trace', async () => {
        const client = await runInTask(() => pool.connect());
        await runInTask(async () => {
          await client.query('SELECT 1');
          client.release();
        });
      });
      expectSilent(name);
      // One token scope, two traces: the second trace's use is another task's.
      await runInTask(async () => {
        const handed = gate<pg.PoolClient>();
        const used = gate();
        const owner = inSpan('ctu-order-first', async () => {
          const client = await pool.connect();
          handed.open(client);
          await used.promise;
          client.release();
        });
        await inSpan('ctu-order-second', async () => {
          await (await handed.promise).query('SELECT 1');
          used.open();
        });
        await owner;
      });
      expectViolations(name, 'cross_task_use', 1);
    } finally {
      await endPool(pool);
    }
  });

  it('a span started inside a runInTask scope with no trace (a new root trace) is that job\'s: leases across its edges are silent', async () => {
    const name = 'ctu-span-in-token';
    const pool = guardPool(newPool(), { name });
    try {
      // Taken before the span, used inside it, released after it.
      await runInTask(async () => {
        const client = await pool.connect();
        await inSpan('ctu-step', () => client.query('SELECT 1'));
        client.release();
      });
      // Taken inside the span, used and released after it ended.
      await runInTask(async () => {
        const client = await inSpan('ctu-checkout-step', () => pool.connect());
        await client.query('SELECT 1');
        client.release();
      });
      expectSilent(name);
      // Another job's span using the first job's client is still another task.
      await usedByAnotherTask(pool, (client) => inSpan('ctu-other-job', () => client.query('SELECT 1')));
      expectViolations(name, 'cross_task_use', 1);
    } finally {
      await endPool(pool);
    }
  });

  it('a pool with taskTracking: false ignores task tokens, whatever other pools ask for', async () => {
    const share = (pool: pg.Pool) => usedByAnotherTask(pool, (client) => client.query('SELECT 1'));
    const tracked = guardPool(newPool(), { name: 'ctu-tracking-on', taskTracking: true });
    const untracked = guardPool(newPool(), { name: 'ctu-tracking-off', taskTracking: false });
    try {
      await share(tracked);
      await share(untracked);
      expectViolations('ctu-tracking-on', 'cross_task_use', 1);
      expectSilent('ctu-tracking-off');
    } finally {
      await endPool(tracked);
      await endPool(untracked);
    }
  });

  it('each task using its own client is silent, also under concurrency', async () => {
    const name = 'ctu-own';
    const pool = guardPool(newPool({ max: 3 }), { name });
    try {
      await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? inSpan : (_n: string, fn: () => Promise<void>) => runInTask(fn))(`ctu-own-${i}`, async () => {
        const client = await pool.connect();
        try {
          await client.query('SELECT pg_sleep(0.005)');
          await client.query('SELECT $1::int', [i]);
        } finally {
          client.release();
        }
      })));
      expectSilent(name);
    } finally {
      await endPool(pool);
    }
  });

  it('adoptLease(client) hands a lease over on purpose: silent', async () => {
    const name = 'ctu-adopt';
    const pool = guardPool(newPool(), { name });
    try {
      const handed = gate<pg.PoolClient>();
      const producer = inSpan('ctu-producer', async () => {
        const client = await pool.connect();
        await client.query('SELECT 1');
        handed.open(client);
      });
      const consumer = inSpan('ctu-consumer', async () => {
        const client = adoptLease(await handed.promise);
        await client.query('BEGIN');
        await client.query('SELECT 1');
        await client.query('COMMIT');
        client.release();
      });
      await Promise.all([producer, consumer]);
      expectSilent(name);
      assert.equal(pool.idleCount, 1);
    } finally {
      await endPool(pool);
    }
  });

  it('a client of unknown owner used from known tasks with nothing in flight is silent (a LISTEN client)', async () => {
    const name = 'ctu-listen';
    const pool = guardPool(newPool({ max: 3 }), { name });
    try {
      // Checked out outside any task: owner unknown.
      const listener = await pool.connect();
      const received: string[] = [];
      listener.on('notification', (msg) => received.push(String(msg.payload)));
      await listener.query('LISTEN poolguard_ctu');
      for (let i = 0; i < 4; i++) {
        await (i % 2 === 0 ? inSpan : (_n: string, fn: () => Promise<void>) => runInTask(fn))(`ctu-listen-${i}`, async () => {
          await pool.query(`NOTIFY poolguard_ctu, 'n${i}'`);
          await listener.query('SELECT 1'); // a keep-alive from this task
        });
      }
      await waitFor(() => received.length === 4, 2000, 'four notifications');
      assert.deepEqual(received, ['n0', 'n1', 'n2', 'n3']);
      await runInTask(async () => { await listener.query('UNLISTEN poolguard_ctu'); });
      listener.release();
      expectSilent(name);
    } finally {
      await endPool(pool);
    }
  });

  it('a client of unknown owner used by two known tasks while a transaction is open is reported', async () => {
    const name = 'ctu-unknown-owner-tx';
    const pool = guardPool(newPool(), { name });
    try {
      const shared = await pool.connect();
      await runInTask(async () => {
        await shared.query('BEGIN');
        await shared.query('SELECT 1');
      });
      await runInTask(async () => {
        await shared.query('SELECT 2'); // runs inside the other task's transaction
        await shared.query('SELECT 3');
      });
      await runInTask(async () => {
        await shared.query('ROLLBACK'); // a third task, the transaction still open: reported too
      });
      const records = expectViolations(name, 'cross_task_use', 2);
      assert.equal(records[0]!.attributes['poolguard.owner.trace_id'], undefined, 'no owner to name');
      shared.release();
      expectViolations(name, 'cross_task_use', 2);
    } finally {
      await endPool(pool);
    }
  });

  it('a client of unknown owner: the task whose transaction another task ran into is not reported when it goes on', async () => {
    const name = 'ctu-unknown-owner-goes-on';
    const pool = guardPool(newPool(), { name });
    try {
      const shared = await pool.connect();
      const begun = gate();
      const intruded = gate();
      const owner = runInTask(async () => {
        await shared.query('BEGIN');
        begun.open();
        await intruded.promise;
        await shared.query('SELECT 1'); // its own transaction, after the intrusion
        await shared.query('COMMIT');
        await shared.query('SELECT 2');
      });
      const intruder = runInTask(async () => {
        await begun.promise;
        await shared.query('SELECT 3'); // runs inside the other task's transaction: reported
        intruded.open();
      });
      await Promise.all([owner, intruder]);
      expectViolations(name, 'cross_task_use', 1);
      shared.release();
    } finally {
      await endPool(pool);
    }
  });

  it('a client of unknown owner used by two known tasks while a query is in flight is reported', async () => {
    const name = 'ctu-unknown-owner-inflight';
    const pool = guardPool(newPool(), { name });
    try {
      const shared = await pool.connect();
      const started = gate();
      const a = runInTask(async () => {
        const q = shared.query('SELECT pg_sleep(0.05)');
        started.open();
        await q;
      });
      const b = runInTask(async () => {
        await started.promise;
        await shared.query('SELECT 1');
      });
      await Promise.all([a, b]);
      shared.release();
      expectViolations(name, 'cross_task_use', 1, { others: ['concurrent_query'] });
      assert.equal(poolViolations(name, 'concurrent_query').length, 1);
    } finally {
      await endPool(pool);
    }
  });

  it('a cached client used by several later tasks: exactly one report per offending task', async () => {
    const name = 'ctu-cached';
    const pool = guardPool(newPool(), { name });
    try {
      // Cached by the first request, which owns the lease and never releases it.
      const cached = await runInTask(() => pool.connect());
      // Three later tasks interleave their uses: each is reported once.
      await Promise.all([1, 2, 3].map((i) => runInTask(async () => {
        for (let n = 0; n < 3; n++) {
          await cached.query('SELECT $1::int', [i]);
          await sleep(2);
        }
      })));
      expectViolations(name, 'cross_task_use', 3, { others: ['concurrent_query'] });
      assert.equal(await violationCount(name, 'cross_task_use'), 3);
      cached.release();
    } finally {
      await endPool(pool);
    }
  });

  it('a client cached for good and used by task after task keeps no growing list: each task reported once, the lease remembers the latest 64', async () => {
    const name = 'ctu-cached-for-good';
    const pool = guardPool(newPool(), { name });
    try {
      const cached = await runInTask(() => pool.connect());
      for (let i = 0; i < 100; i++) {
        await runInTask(async () => {
          await cached.query('SELECT 1');
          await cached.query('SELECT 2');
        });
      }
      expectViolations(name, 'cross_task_use', 100);
      const conn = (cached as unknown as Record<symbol, { reportedTasks?: unknown[] }>)[Symbol.for('poolguard.connection')];
      assert.equal(conn?.reportedTasks?.length, 64);
      cached.release();
    } finally {
      await endPool(pool);
    }
  });

  it('a use from no known task is counted, not reported, in report mode', async () => {
    const name = 'ctu-unknown-current';
    const pool = guardPool(newPool(), { name });
    try {
      const client = await runInTask(() => pool.connect());
      await client.query('SELECT 1'); // the mocha test body: no task, no span
      await new Promise<void>((resolve, reject) => setImmediate(() => client.query('SELECT 1').then(() => resolve(), reject)));
      client.release();
      expectSilent(name);
    } finally {
      await endPool(pool);
    }
  });
});
