/*
 * Assertions on what poolguard exported through the real OTel SDK: violation
 * log records of one pool, their contract attributes, the span events and the
 * poolguard.violations counter. Every test names its pool uniquely, so
 * filtering by pool name isolates it from every other test in the process.
 */
import assert from 'node:assert/strict';
import { threadId } from 'node:worker_threads';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type pg from 'pg';
import { runInTask } from '../../src';
import { collectMetric, finishedSpans, setupTelemetry, violationLogs } from './otel';

export const POOL_NAME_ATTR = 'db.client.connection.pool.name';
export const KIND_ATTR = 'poolguard.violation.kind';

/** Violation log records of `pool`, optionally of one kind. */
export function poolViolations(pool: string, kind?: string): ReadableLogRecord[] {
  return violationLogs(kind).filter((r) => r.attributes[POOL_NAME_ATTR] === pool);
}

/** The kinds reported on `pool`, in order. */
export function poolKinds(pool: string): string[] {
  return poolViolations(pool).map((r) => String(r.attributes[KIND_ATTR]));
}

/**
 * Asserts the contract attributes of one violation log record. `leaseId`:
 * a number pins it, undefined wants any lease id, null wants none (no lease yet).
 */
export function assertViolationRecord(record: ReadableLogRecord, kind: string, pool: string, leaseId?: number | null): void {
  assert.equal(record.eventName, 'poolguard.violation');
  assert.equal(record.attributes[KIND_ATTR], kind);
  assert.equal(record.attributes[POOL_NAME_ATTR], pool);
  assert.equal(record.attributes['process.pid'], process.pid);
  assert.equal(record.attributes['thread.id'], threadId);
  const lease = record.attributes['poolguard.lease.id'];
  if (leaseId === null) {
    assert.equal(lease, undefined, 'no lease, no poolguard.lease.id');
  } else {
    if (leaseId === undefined) assert.equal(typeof lease, 'number', 'poolguard.lease.id is set');
    else assert.equal(lease, leaseId);
    assert.ok(Number(lease) > 0, 'lease ids start at 1');
  }
  assert.equal(typeof record.body, 'string');
  assert.ok(String(record.body).includes(`docs/violations/${kind}.md`), 'the body links the doc page');
}

export interface ExpectOptions {
  /** Other kinds allowed on the pool alongside `kind`. */
  readonly others?: readonly string[];
  /** See assertViolationRecord. */
  readonly leaseId?: number | null;
}

/**
 * Asserts that `pool` reported exactly `count` violations of `kind` and
 * nothing else unless `others` allows it; returns the records of `kind`.
 */
export function expectViolations(pool: string, kind: string, count: number, options: ExpectOptions = {}): ReadableLogRecord[] {
  const others = options.others ?? [];
  const records = poolViolations(pool, kind);
  assert.equal(records.length, count, `expected ${count} ${kind} on "${pool}", got kinds ${JSON.stringify(poolKinds(pool))}`);
  const unexpected = poolKinds(pool).filter((k) => k !== kind && !others.includes(k));
  assert.deepEqual(unexpected, [], `unexpected violations on "${pool}"`);
  for (const record of records) assertViolationRecord(record, kind, pool, options.leaseId);
  return records;
}

export function expectSilent(pool: string): void {
  assert.deepEqual(poolKinds(pool), [], `expected no violations on "${pool}"`);
}

/** The poolguard.violations counter's value for `kind` on `pool` (cumulative). */
export async function violationCount(pool: string, kind: string): Promise<number> {
  const metrics = await collectMetric('poolguard.violations');
  let total = 0;
  for (const metric of metrics) {
    assert.equal(metric.descriptor.unit, '{violation}');
    for (const point of metric.dataPoints) {
      if (point.attributes[POOL_NAME_ATTR] === pool && point.attributes[KIND_ATTR] === kind) total += Number(point.value);
    }
  }
  return total;
}

/** The 'poolguard.violation' events of the finished span named `spanName`. */
export function spanViolationEvents(spanName: string, kind?: string): ReadableSpan['events'] {
  const spans = finishedSpans().filter((s) => s.name === spanName);
  assert.equal(spans.length, 1, `one finished span "${spanName}"`);
  return spans[0]!.events.filter((e) => e.name === 'poolguard.violation' && (kind === undefined || e.attributes?.[KIND_ATTR] === kind));
}

/** Waits until `predicate` holds, polling every few ms; fails after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A promise and its resolve function, to sequence two tasks. */
export function gate<T = void>(): { promise: Promise<T>; open: (value: T) => void } {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => { open = resolve; });
  return { promise, open };
}

/**
 * Task A (a runInTask scope) checks out a client and holds it while task B
 * (another) runs `use` on it; then A releases it. The hand-over that
 * cross_task_use is about, for the tests that need it as a step.
 */
export async function usedByAnotherTask(pool: pg.Pool, use: (client: pg.PoolClient) => Promise<unknown>): Promise<void> {
  const handed = gate<pg.PoolClient>();
  const used = gate();
  const owner = runInTask(async () => {
    const client = await pool.connect();
    handed.open(client);
    await used.promise;
    client.release();
  });
  await runInTask(async () => {
    try {
      await use(await handed.promise);
    } finally {
      used.open();
    }
  });
  await owner;
}

type PoolInternals = { _clients: pg.PoolClient[]; _idle: { client: pg.PoolClient }[] };

/**
 * Ends a pool; every test calls it in a finally block. A test that failed
 * half-way may still hold clients, which would make pool.end() wait forever:
 * those are destroyed first, so a failure never turns into a hang.
 */
export async function endPool(pool: pg.Pool): Promise<void> {
  if (pool.ending) return;
  const internals = pool as unknown as PoolInternals;
  const idle = new Set(internals._idle.map((item) => item.client));
  for (const client of internals._clients.slice()) {
    if (idle.has(client)) continue;
    try {
      client.release(new Error('poolguard test cleanup'));
    } catch {
      // Already released: pg-pool removes it on its own.
    }
  }
  await pool.end();
}

export function telemetry() {
  return setupTelemetry();
}
