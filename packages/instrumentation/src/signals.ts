/*
 * The one place where a violation becomes signals: a log event, a span event
 * on the active span, the poolguard.violations counter, the onViolation hook,
 * the console reporter, and in throw mode a PoolGuardError for the caller to
 * throw. Everything here is guarded: in report mode poolguard never throws
 * into the application, and its own faults go to OTel's diag logger.
 */
import { threadId } from 'node:worker_threads';
import { context, createContextKey, diag, trace, TraceFlags, type Attributes, type Context, type Counter, type Meter, type Span, type SpanContext } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { KIND_INFO, docUrl } from './detectors';
import { PoolGuardError } from './errors';
import { withoutOwnFrames } from './own-frames';
import type { ConnectionState, PoolState } from './internal-types';
import { prettyReport } from './pretty-reporter';
import * as semconv from './semconv';
import { otelContextManagerRegistered, spanIdOf, taskChecksOff, traceIdOf, type Task, TaskToken } from './task';
import type { Kind, Violation } from './types';

export interface ViolationDetails {
  readonly connection?: ConnectionState | undefined;
  readonly current?: Task | undefined;
  /** Extra words for the message, e.g. which pools existed at a fork. Never SQL, values or credentials. */
  readonly detail?: string;
  /**
   * The stack to show for the violation when the call site is meaningless;
   * null when there is none (the leak sweep, where no checkout site was captured).
   */
  readonly site?: Error | null | undefined;
  /** The lease id of the handle the misuse went through, if any (use_after_release). */
  readonly viaLease?: number | undefined;
}

/**
 * What a violation is reported on: a guarded pool's state, or, for a value
 * poolguard does not guard (a pool passed across a boundary), its library
 * name with the reporting instrumentation's settings and telemetry.
 */
export type ReportTarget = Pick<PoolState, 'name' | 'settings' | 'telemetry'>;

const counters = new WeakMap<Meter, Counter>();

function violationCounter(meter: Meter): Counter {
  let counter = counters.get(meter);
  if (counter === undefined) {
    counter = meter.createCounter(semconv.METRIC_POOLGUARD_VIOLATIONS, {
      description: 'Connection-pool misuse detected by poolguard.',
      unit: '{violation}',
    });
    counters.set(meter, counter);
  }
  return counter;
}

/** Frames a site keeps: enough to reach the app's line under poolguard's own and a driver's promise layer (mysql2/promise). */
const SITE_FRAMES = 40;

/** The stack of the call in progress, deeper than V8's default 10 frames. For reports and creations only, never per checkout. */
export function captureSite(message?: string): Error {
  const limit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = SITE_FRAMES;
    return new Error(message);
  } finally {
    Error.stackTraceLimit = limit;
  }
}


/**
 * The owner task of the lease a violation is about: the current lease's, or
 * on a connection no one holds (a use or release after release), the owner of
 * the lease that ended last.
 */
/**
 * The lease a violation is about. A stale holder's use or release of a
 * connection that was lent again since is about the ended lease it held
 * (its id, owner and checkout site), not the current borrower's; through a
 * lease handle, the handle's lease, whose owner and site are known when it
 * was the last one before.
 */
interface LeaseOfViolation {
  readonly leaseId: number | undefined;
  readonly owner: Task | undefined;
  readonly checkoutSite: Error | undefined;
}

function leaseOf(kind: Kind, details: ViolationDetails): LeaseOfViolation {
  const conn = details.connection;
  if (conn === undefined) return { leaseId: undefined, owner: undefined, checkoutSite: undefined };
  if (kind !== 'use_after_release' && kind !== 'double_release') {
    return { leaseId: conn.leaseId, owner: conn.leased ? conn.owner : conn.previousOwner, checkoutSite: conn.checkoutSite };
  }
  // Only an explicit checkout hands the app a connection to misuse later: the last one, unless a handle says which.
  const leaseId = details.viaLease ?? (conn.previousLeaseId > 0 ? conn.previousLeaseId : conn.leaseId);
  const last = leaseId === conn.previousLeaseId;
  return { leaseId, owner: last ? conn.previousOwner : undefined, checkoutSite: last ? conn.previousCheckoutSite : undefined };
}

function buildViolation(pool: ReportTarget, kind: Kind, details: ViolationDetails, lease: LeaseOfViolation): Violation {
  const info = KIND_INFO[kind];
  const owner = lease.owner;
  const detail = details.detail === undefined ? '' : ` ${details.detail}`;
  const violation: Violation = {
    kind,
    message: `poolguard ${kind} on pool "${pool.name}": ${info.summary}${detail} ${info.fix} See ${docUrl(kind)}`,
    poolName: pool.name,
    pid: process.pid,
    threadId,
  };
  if (lease.leaseId !== undefined && lease.leaseId > 0) violation.leaseId = lease.leaseId;
  const ownerTraceId = traceIdOf(owner);
  if (ownerTraceId !== undefined) violation.ownerTraceId = ownerTraceId;
  const ownerSpanId = spanIdOf(owner);
  if (ownerSpanId !== undefined) violation.ownerSpanId = ownerSpanId;
  const currentTraceId = traceIdOf(details.current);
  if (currentTraceId !== undefined) violation.currentTraceId = currentTraceId;
  const checkoutStack = lease.checkoutSite?.stack;
  if (checkoutStack !== undefined) violation.checkoutStack = withoutOwnFrames(checkoutStack);
  const stack = (details.site === undefined ? captureSite() : details.site)?.stack;
  if (stack !== undefined) violation.stack = withoutOwnFrames(stack);
  return violation;
}

function attributesOf(violation: Violation, withStacks: boolean): Attributes {
  const attributes: Attributes = {
    [semconv.ATTR_POOLGUARD_VIOLATION_KIND]: violation.kind,
    [semconv.ATTR_DB_CLIENT_CONNECTION_POOL_NAME]: violation.poolName,
    [semconv.ATTR_PROCESS_PID]: violation.pid,
    [semconv.ATTR_THREAD_ID]: violation.threadId,
  };
  if (violation.leaseId !== undefined) attributes[semconv.ATTR_POOLGUARD_LEASE_ID] = violation.leaseId;
  if (violation.ownerTraceId !== undefined) attributes[semconv.ATTR_POOLGUARD_OWNER_TRACE_ID] = violation.ownerTraceId;
  if (violation.ownerSpanId !== undefined) attributes[semconv.ATTR_POOLGUARD_OWNER_SPAN_ID] = violation.ownerSpanId;
  if (withStacks) {
    const stack = stacktraceOf(violation);
    if (stack !== undefined) attributes[semconv.ATTR_CODE_STACKTRACE] = stack;
  }
  return attributes;
}

/**
 * `code.stacktrace`: where the misuse happened, then where its lease was
 * checked out. A leak has no misuse site (the sweep finds it): its checkout.
 */
function stacktraceOf(violation: Violation): string | undefined {
  const { stack, checkoutStack } = violation;
  if (checkoutStack === undefined || violation.kind === 'leak') return checkoutStack ?? stack;
  if (stack === undefined) return checkoutStack;
  const checkoutFrames = checkoutStack.slice(checkoutStack.indexOf('\n') + 1);
  return `${stack}\nchecked out at:\n${checkoutFrames}`;
}

function ownerSpanContext(owner: Task | undefined): SpanContext | undefined {
  if (owner === undefined) return undefined;
  if (!(owner instanceof TaskToken)) return owner;
  if (owner.traceId === undefined || owner.spanId === undefined) return undefined;
  return { traceId: owner.traceId, spanId: owner.spanId, traceFlags: TraceFlags.SAMPLED };
}

/** Runs one signal's emission; a fault in one signal never stops the others. */
function guarded(what: string, kind: Kind, emitSignal: () => void): void {
  try {
    emitSignal();
  } catch (err) {
    diag.error(`poolguard: failed to emit the ${what} for ${kind}`, err);
  }
}

/** The counter, the log event and the span event: each on its own, so a faulty exporter or processor drops only its signal. */
function emit(pool: ReportTarget, violation: Violation, severity: 'WARN' | 'ERROR', owner: Task | undefined): void {
  const { settings, telemetry } = pool;
  const { kind } = violation;
  const attributes = attributesOf(violation, settings.captureStacks);
  const active = context.active();
  const ownerSpan = ownerSpanContext(owner);
  guarded('counter', kind, () => {
    violationCounter(telemetry.meter()).add(1, {
      [semconv.ATTR_POOLGUARD_VIOLATION_KIND]: kind,
      [semconv.ATTR_DB_CLIENT_CONNECTION_POOL_NAME]: violation.poolName,
    });
  });
  guarded('log event', kind, () => {
    telemetry.logger().emit({
      eventName: semconv.EVENT_POOLGUARD_VIOLATION,
      severityNumber: severity === 'WARN' ? SeverityNumber.WARN : SeverityNumber.ERROR,
      severityText: severity,
      body: violation.message,
      attributes,
      context: kind === 'leak' ? leakRecordContext(active, ownerSpan) : active,
    });
  });
  guarded('span event', kind, () => {
    const span = trace.getSpan(active);
    if (span === undefined || !span.isRecording()) return;
    span.addEvent(semconv.EVENT_POOLGUARD_VIOLATION, attributes);
    if (ownerSpan !== undefined && ownerSpan.spanId !== span.spanContext().spanId && typeof span.addLink === 'function' && firstLink(span, ownerSpan, kind)) {
      span.addLink({ context: ownerSpan, attributes: { [semconv.ATTR_POOLGUARD_VIOLATION_KIND]: kind } });
    }
  });
}

/**
 * The leak sweep runs outside every task, with no span active: the record of
 * a leak joins the trace in which the lease was taken, so that it links to it.
 */
function leakRecordContext(active: Context, ownerSpan: SpanContext | undefined): Context {
  return ownerSpan !== undefined && trace.getSpanContext(active) === undefined ? trace.setSpanContext(active, ownerSpan) : active;
}

/** Per span, the owner spans it links to, by kind: a span that repeats a misuse links once (a span keeps at most 128 links). */
const linked = new WeakMap<Span, Set<string>>();

function firstLink(span: Span, owner: SpanContext, kind: Kind): boolean {
  let keys = linked.get(span);
  if (keys === undefined) linked.set(span, (keys = new Set()));
  const key = `${owner.traceId}/${owner.spanId}/${kind}`;
  if (keys.has(key)) return false;
  keys.add(key);
  return true;
}

/** True while an onViolation hook runs (synchronously). */
let inHook = false;
/** Set in the context an onViolation hook runs in, so that its async continuations carry it where async context propagates. */
const IN_HOOK = createContextKey('poolguard onViolation hook');
/**
 * Where no OTel context manager carries IN_HOOK: the pool, kind and lease of
 * each async hook call still running. A violation with the same three while
 * it runs (most likely its own doing) is exported but calls no hook.
 */
const runningHooks = new Set<string>();

/**
 * Reports `kind` on `pool`. Returns the error to throw when the kind's level
 * is 'throw'; otherwise undefined. Never throws itself.
 */
export function report(pool: ReportTarget, kind: Kind, details: ViolationDetails = {}): PoolGuardError | undefined {
  const level = pool.settings.levels[kind];
  if (level === 'off') return undefined;
  let violation: Violation;
  let lease: LeaseOfViolation;
  try {
    lease = leaseOf(kind, details);
    violation = buildViolation(pool, kind, details, lease);
  } catch (err) {
    diag.error(`poolguard: failed to report ${kind}`, err);
    return undefined;
  }
  try {
    emit(pool, violation, level === 'throw' ? 'ERROR' : 'WARN', lease.owner);
  } catch (err) {
    diag.error(`poolguard: failed to emit the signals for ${kind}`, err);
  }
  const hook = pool.settings.onViolation;
  // A violation the hook itself causes while it runs (it queries the pool it watches) is exported
  // but calls no hook again: each would cause the next, without end. An async hook runs on after
  // its first await in a context that says so, where an OTel context manager carries context.
  // The hook gets a copy: what it changes (a redacted message) is not what throw mode throws.
  const running = hook === undefined || otelContextManagerRegistered() ? undefined : `${violation.poolName}\0${kind}\0${violation.leaseId ?? ''}`;
  if (hook !== undefined && !inHook && context.active().getValue(IN_HOOK) !== true && (running === undefined || !runningHooks.has(running))) {
    inHook = true;
    try {
      const returned: unknown = context.with(context.active().setValue(IN_HOOK, true), hook, undefined, { ...violation });
      // An async hook's rejection would be unhandled, which ends a Node process by default.
      if (typeof (returned as PromiseLike<unknown> | undefined)?.then === 'function') {
        if (running !== undefined) runningHooks.add(running);
        (returned as PromiseLike<unknown>).then(() => {
          if (running !== undefined) runningHooks.delete(running);
        }, (err: unknown) => {
          if (running !== undefined) runningHooks.delete(running);
          diag.error('poolguard: the onViolation hook rejected; the violation was still reported', err);
        });
      }
    } catch (err) {
      diag.error('poolguard: the onViolation hook threw; the violation was still reported', err);
    } finally {
      inHook = false;
    }
  }
  if (pool.settings.reporter === 'pretty') {
    try {
      prettyReport(violation, taskChecksOff(pool.settings.taskTracking));
    } catch (err) {
      diag.error('poolguard: the pretty reporter failed', err);
    }
  }
  return level === 'throw' ? new PoolGuardError(violation) : undefined;
}

/** An informational log event that is not a violation (a leaked lease finally released). */
export function info(pool: PoolState, eventName: string, body: string, attributes: Attributes): void {
  try {
    pool.telemetry.logger().emit({
      eventName,
      severityNumber: SeverityNumber.INFO,
      severityText: 'INFO',
      body,
      attributes: {
        [semconv.ATTR_DB_CLIENT_CONNECTION_POOL_NAME]: pool.name,
        [semconv.ATTR_PROCESS_PID]: pool.pid,
        [semconv.ATTR_THREAD_ID]: pool.threadId,
        ...attributes,
      },
      context: context.active(),
    });
  } catch (err) {
    diag.error(`poolguard: failed to emit ${eventName}`, err);
  }
}
