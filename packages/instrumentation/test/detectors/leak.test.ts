/*
 * leak on a real pg pool with leakThresholdMs 200: a lease held past the
 * threshold is reported within threshold/2 + 100 ms after it, exactly once
 * per lease; its later release is an INFO 'poolguard.unleaked' log record.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import type { Violation } from '../../src';
import { guardPool, runInTask } from '../../src';
import { poolStateOf } from '../../src/guard';
import { sweepLeaks } from '../../src/leak-sweep';
import { inSpan, resetTelemetry, setupTelemetry } from '../helpers/otel';
import { newPool, sleep } from '../helpers/pg';
import { endPool, expectSilent, expectViolations, poolViolations, spanViolationEvents, violationCount, waitFor } from '../helpers/violations';

const THRESHOLD = 200;
/** The contract's window: reported within threshold/2 + 100 ms after the threshold. */
const LATEST = THRESHOLD + THRESHOLD / 2 + 100;

function unleakedRecords(leaseId: number) {
  return setupTelemetry().logs.getFinishedLogRecords().filter(
    (r) => r.eventName === 'poolguard.unleaked' && r.attributes['poolguard.lease.id'] === leaseId,
  );
}

describe('leak', () => {
  before(() => setupTelemetry());
  beforeEach(() => resetTelemetry());

  it('a second guardPool() call keeps the first call\'s leakThresholdMs unless it names one', async () => {
    const name = 'leak-guarded-twice';
    const pool = guardPool(newPool(), { name, leakThresholdMs: THRESHOLD });
    guardPool(pool, { captureStacks: false });
    assert.equal(poolStateOf(pool)!.settings.leakThresholdMs, THRESHOLD);
    try {
      const client = await runInTask(() => pool.connect());
      await waitFor(() => poolViolations(name, 'leak').length > 0, LATEST + 500, 'the leak report');
      client.release();
      guardPool(pool, { leakThresholdMs: 60_000 });
      assert.equal(poolStateOf(pool)!.settings.leakThresholdMs, 60_000, 'a later call that names it changes it');
    } finally {
      await endPool(pool);
    }
  });

  it('reports a lease held past leakThresholdMs within the window, once', async () => {
    const name = 'leak-window';
    const pool = guardPool(newPool(), { name, leakThresholdMs: THRESHOLD });
    try {
      const client = await runInTask(() => pool.connect());
      const leasedAt = performance.now();
      await waitFor(() => poolViolations(name, 'leak').length > 0, LATEST + 500, 'the leak report');
      const reportedAfter = performance.now() - leasedAt;
      assert.ok(reportedAfter >= THRESHOLD, `not before the threshold (${reportedAfter} ms)`);
      assert.ok(reportedAfter <= LATEST, `within threshold/2 + 100 ms after it (${reportedAfter} ms)`);
      // Several sweeps later, still exactly one report for this lease.
      await sleep(THRESHOLD * 2);
      const [record] = expectViolations(name, 'leak', 1);
      assert.equal(record!.severityNumber, SeverityNumber.WARN);
      assert.equal(record!.attributes['code.stacktrace'], undefined, 'no stacks unless captureStacks');
      assert.equal(await violationCount(name, 'leak'), 1);
      client.release();
    } finally {
      await endPool(pool);
    }
  });

  it('a lease held through end() is still reported: the graceful shutdown it hangs is when the report matters', async () => {
    const name = 'leak-through-end';
    const pool = guardPool(newPool(), { name, leakThresholdMs: THRESHOLD });
    const client = await pool.connect();
    const ended = pool.end();
    await waitFor(() => poolViolations(name, 'leak').length > 0, LATEST + 500, 'the leak report after end()');
    expectViolations(name, 'leak', 1);
    client.release();
    await ended;
  });

  it('with captureStacks, the record and the violation carry the checkout site', async () => {
    const name = 'leak-stacks';
    const seen: Violation[] = [];
    const pool = guardPool(newPool(), { name, leakThresholdMs: THRESHOLD, captureStacks: true, onViolation: (v) => seen.push(v) });
    try {
      const client = await pool.connect();
      await waitFor(() => poolViolations(name, 'leak').length > 0, LATEST + 500, 'the leak report');
      const [record] = expectViolations(name, 'leak', 1);
      const stack = String(record!.attributes['code.stacktrace']);
      assert.match(stack, /leak\.test\.ts/);
      assert.equal(seen.length, 1);
      assert.equal(seen[0]!.kind, 'leak');
      assert.match(String(seen[0]!.checkoutStack), /leak\.test\.ts/);
      client.release();
    } finally {
      await endPool(pool);
    }
  });

  it('with captureStacks but the checkout not sampled, the leak has no stack: the sweep\'s own says nothing of the app', async () => {
    const name = 'leak-unsampled';
    const seen: Violation[] = [];
    const pool = guardPool(newPool(), { name, leakThresholdMs: THRESHOLD, captureStacks: true, stackSampleRate: 0, onViolation: (v) => seen.push(v) });
    try {
      const client = await pool.connect();
      await waitFor(() => poolViolations(name, 'leak').length > 0, LATEST + 500, 'the leak report');
      const [record] = expectViolations(name, 'leak', 1);
      assert.equal(record!.attributes['code.stacktrace'], undefined, 'no code.stacktrace');
      assert.equal(seen[0]!.stack, undefined, 'no stack on the violation');
      assert.equal(seen[0]!.checkoutStack, undefined);
      client.release();
    } finally {
      await endPool(pool);
    }
  });

  it('is emitted in the trace where the lease was taken, not in the trace of the request that created the pool', async () => {
    const name = 'leak-context';
    let bootTrace = '';
    let jobSpan = { traceId: '', spanId: '' };
    // A pool created lazily inside a request whose span is still open when another request's leak is found.
    await inSpan('leak-boot', async (boot) => {
      bootTrace = boot.spanContext().traceId;
      const pool = guardPool(newPool(), { name, leakThresholdMs: THRESHOLD });
      try {
        await context.with(ROOT_CONTEXT, () => inSpan('leak-job', async (job) => {
          jobSpan = job.spanContext();
          const client = await pool.connect();
          await waitFor(() => poolViolations(name, 'leak').length > 0, LATEST + 500, 'the leak report');
          client.release();
        }));
      } finally {
        await endPool(pool);
      }
    });
    const [record] = expectViolations(name, 'leak', 1);
    assert.notEqual(record!.spanContext?.traceId, bootTrace, 'not in the trace that created the pool');
    assert.equal(record!.spanContext?.traceId, jobSpan.traceId, 'the record links to the trace that took the lease');
    assert.equal(record!.spanContext?.spanId, jobSpan.spanId);
    assert.equal(spanViolationEvents('leak-boot', 'leak').length, 0, 'no event on the creating span');
  });

  it('a later release emits an INFO poolguard.unleaked record, with the leak\'s pool, process, thread and owner', async () => {
    const name = 'leak-unleaked';
    const pool = guardPool(newPool(), { name, leakThresholdMs: THRESHOLD });
    try {
      const client = await inSpan('leak-unleaked-owner', () => pool.connect());
      await waitFor(() => poolViolations(name, 'leak').length > 0, LATEST + 500, 'the leak report');
      const leak = poolViolations(name, 'leak')[0]!;
      const leaseId = Number(leak.attributes['poolguard.lease.id']);
      assert.equal(unleakedRecords(leaseId).length, 0);
      client.release();
      const unleaked = unleakedRecords(leaseId);
      assert.equal(unleaked.length, 1);
      assert.equal(unleaked[0]!.severityNumber, SeverityNumber.INFO);
      for (const key of ['db.client.connection.pool.name', 'process.pid', 'thread.id', 'poolguard.owner.trace_id', 'poolguard.owner.span_id']) {
        assert.ok(unleaked[0]!.attributes[key] !== undefined, key);
        assert.equal(unleaked[0]!.attributes[key], leak.attributes[key], key);
      }
      // The next lease of the same connection starts clean: released in time, silent.
      const again = await pool.connect();
      again.release();
      await sleep(THRESHOLD + 150);
      expectViolations(name, 'leak', 1);
      assert.equal(unleakedRecords(leaseId).length, 1);
    } finally {
      await endPool(pool);
    }
  });

  it('reports each leaked lease once, two at a time', async () => {
    const name = 'leak-two';
    const pool = guardPool(newPool(), { name, leakThresholdMs: THRESHOLD });
    try {
      const a = await pool.connect();
      const b = await pool.connect();
      await waitFor(() => poolViolations(name, 'leak').length >= 2, LATEST + 500, 'two leak reports');
      await sleep(THRESHOLD);
      const records = expectViolations(name, 'leak', 2);
      assert.notEqual(records[0]!.attributes['poolguard.lease.id'], records[1]!.attributes['poolguard.lease.id']);
      a.release();
      b.release();
    } finally {
      await endPool(pool);
    }
  });

  it('without the pool metrics\' clock, times a lease from the sweep that first sees it: never early, once, whatever the clock says later', async () => {
    const name = 'leak-sweep-clock';
    // A threshold the pool's own timer never reaches during the test; the sweeps below are driven by hand.
    // No pool metrics: no clock is read at checkout.
    const pool = guardPool(newPool(), { name, leakThresholdMs: 60_000, poolMetrics: false });
    try {
      const state = poolStateOf(pool)!;
      const client = await pool.connect();
      sweepLeaks(state, 1_000); // first sight
      sweepLeaks(state, 60_999);
      expectSilent(name);
      sweepLeaks(state, 61_000);
      const [record] = expectViolations(name, 'leak', 1);
      assert.match(String(record!.body), /held for more than 60000 ms/);
      sweepLeaks(state, 500_000);
      expectViolations(name, 'leak', 1);
      // The connection's next lease is timed afresh from its own first sight.
      client.release();
      const next = await pool.connect();
      sweepLeaks(state, 500_001);
      sweepLeaks(state, 560_000);
      expectViolations(name, 'leak', 1);
      next.release();
    } finally {
      await endPool(pool);
    }
  });

  it('with the pool metrics recording, times a lease from its checkout: a threshold lowered while it is held reports it at the next sweep', async () => {
    const name = 'leak-checkout-clock';
    const pool = guardPool(newPool(), { name, leakThresholdMs: 60_000 });
    try {
      const state = poolStateOf(pool)!;
      const client = await pool.connect();
      const [conn] = [...state.connections()].filter((c) => c.leased);
      assert.ok(conn!.leasedAt > 0, 'the pool metrics read the clock at checkout');
      sweepLeaks(state, conn!.leasedAt + 59_999); // first sight, before the threshold
      expectSilent(name);
      client.release();
      const next = await pool.connect();
      const [again] = [...state.connections()].filter((c) => c.leased);
      // Seen first long after its checkout (a threshold lowered meanwhile): reported at once, not a threshold later.
      sweepLeaks(state, again!.leasedAt + 60_001);
      expectViolations(name, 'leak', 1);
      next.release();
    } finally {
      await endPool(pool);
    }
  });

  it('a lease released in time is silent', async () => {
    const name = 'leak-in-time';
    const pool = guardPool(newPool(), { name, leakThresholdMs: THRESHOLD });
    try {
      const client = await pool.connect();
      await client.query('SELECT 1');
      await sleep(THRESHOLD / 4);
      client.release();
      await sleep(THRESHOLD * 2);
      expectSilent(name);
    } finally {
      await endPool(pool);
    }
  });

  it('the internal lease of pool.query is never a leak', async () => {
    const name = 'leak-pool-query';
    const pool = guardPool(newPool(), { name, leakThresholdMs: THRESHOLD });
    try {
      await pool.query('SELECT pg_sleep(0.35)');
      await sleep(THRESHOLD);
      expectSilent(name);
    } finally {
      await endPool(pool);
    }
  });
});
