/*
 * The life of a lease: checkout request, start, each use, release. Adapters
 * call these at the matching points of their library; the detectors decide,
 * and signals.report() reports. State lives in one ConnectionState per
 * connection, reused across leases: a checkout allocates nothing here beyond
 * an optional stack.
 *
 * Throw mode: a violation found before the driver runs throws PoolGuardError
 * in place of the call. A violation found at release is thrown after the
 * release went through, so throw mode never strands a connection.
 */
import { performance } from 'node:perf_hooks';
import { diag } from '@opentelemetry/api';
import { isConcurrentQuery } from './detectors/concurrent_query';
import { isCrossTaskUse } from './detectors/cross_task_use';
import { isDirtyRelease } from './detectors/dirty_release';
import { classifyRelease } from './detectors/foreign_release';
import { forgetWaitingCheckout, heldLease, isHeld, waitingCheckoutOfSameTask } from './detectors/nested_checkout';
import { leavesTransactionOpen } from './detectors/transaction_on_pool';
import { isUseAfterRelease } from './detectors/use_after_release';
import type { PoolGuardError } from './errors';
import type { ConnectionState, PoolState, TransactionReader } from './internal-types';
import { newLeaseId } from './lease-ids';
import { metricsClock } from './pool-metrics';
import { ATTR_POOLGUARD_LEASE_ID, ATTR_POOLGUARD_OWNER_SPAN_ID, ATTR_POOLGUARD_OWNER_TRACE_ID } from './semconv';
import { captureSite, info, report } from './signals';
import { actingForHolder } from './socket-dispatch';
import { leaseEndedAfterEnd, livePools } from './pool-registry';
import type { Dialect } from './sql-statements';
import { asyncContextActive, bindToCaller, currentTask, noticeOtelApi, onTokensStart, sameTaskAsOwner, spanIdOf, tokenOfOwner, traceIdOf, type Task, type TaskToken } from './task';
import type { TransactionState } from './types';

const CONNECTION_STATE = Symbol.for('poolguard.connection');



type Slotted = { [CONNECTION_STATE]?: ConnectionState };

/** The states of connections that cannot take the slot (a frozen or sealed resource); made when first needed. */
let unslotted: WeakMap<object, ConnectionState> | undefined;

export function connectionStateOf(connection: object): ConnectionState | undefined {
  return (connection as Slotted)[CONNECTION_STATE] ?? unslotted?.get(connection);
}

/** `inner` (a driver's core behind the lent wrapper) shares `outer`'s state: a use of either is a use of the lease. */
export function shareConnectionState(outer: object, inner: object): void {
  const state = (outer as Slotted)[CONNECTION_STATE];
  if (state !== undefined) Object.defineProperty(inner, CONNECTION_STATE, { value: state, configurable: true, enumerable: false, writable: true });
}

/** The connection's state, created on first sight. */
export function attachConnection(pool: PoolState, connection: object): ConnectionState {
  const existing = connectionStateOf(connection);
  if (existing !== undefined && existing.pool === pool) return existing;
  const state: ConnectionState = {
    pool,
    leaseId: 0,
    leased: false,
    explicit: false,
    lending: false,
    owner: undefined,
    ownerToken: undefined,
    previousOwner: undefined,
    previousLeaseId: 0,
    previousOwnerToken: undefined,
    lastUser: undefined,
    reportedTasks: undefined,
    leasedAt: 0,
    sweptLeaseId: 0,
    sweptAt: 0,
    checkoutSite: undefined,
    previousCheckoutSite: undefined,
    leakReported: false,
    heldBackDuringLease: 0,
    queryLease: 0,
    statementScoped: false,
    contextHooks: undefined,
    leftInTransaction: false,
    destroyed: false,
    transactionReported: false,
  };
  if (Object.isExtensible(connection)) {
    Object.defineProperty(connection, CONNECTION_STATE, { value: state, configurable: true, enumerable: false, writable: true });
  } else {
    (unslotted ??= new WeakMap()).set(connection, state);
  }
  return state;
}

/**
 * Leaves `hooks` (ConnectionState.contextHooks) to run at the connection's
 * first checkout or use once async context propagates; runs them now if it
 * already does.
 */
export function whenContextActive(conn: ConnectionState, hooks: () => void): void {
  conn.contextHooks = hooks;
  hookContext(conn);
}

function hookContext(conn: ConnectionState): void {
  const hooks = conn.contextHooks;
  if (hooks === undefined || !asyncContextActive()) return;
  conn.contextHooks = undefined;
  hooks();
}

// The first task token (runInTask, an HTTP root) may come while connections are lent: they are hooked
// at once, so a listener the holder adds next is bound. A context manager registered later is met at
// the next checkout or use.
onTokensStart(() => {
  try {
    for (const pool of livePools()) {
      for (const conn of pool.connections()) hookContext(conn);
    }
  } catch (fault) {
    diag.error('poolguard: could not bind the lent connections to task context', fault);
  }
});

/**
 * True when a release of `conn` now comes from its current holder as far as
 * poolguard can tell: it is leased, and no task evidence says otherwise.
 */
export function fromCurrentHolder(conn: ConnectionState): boolean {
  if (!conn.leased) return false;
  if (!conn.explicit || conn.owner === undefined) return true;
  const current = taskActingOn(conn);
  return current === undefined || sameTaskAsOwner(current, conn.owner, conn.ownerToken);
}

/** Whether `pool` counts task tokens: with `taskTracking: false`, a trace only. */
function withTokens(pool: PoolState): boolean {
  return pool.settings.taskTracking !== false;
}

/** The current task as `pool` sees it. */
export function taskFor(pool: PoolState): Task | undefined {
  return currentTask(withTokens(pool));
}

/**
 * The task acting on `conn` now: inside the connection's own socket dispatch
 * (a cursor's callback, a 'notification' listener), its lease holder's; else
 * the current task.
 */
function taskActingOn(conn: ConnectionState): Task | undefined {
  return conn.leased && actingForHolder(conn) ? conn.owner : taskFor(conn.pool);
}

/** The token to keep with `owner` as the owner of a lease of `pool` (task.ts tokenOfOwner). */
export function ownerTokenFor(pool: PoolState, owner: Task | undefined): TaskToken | undefined {
  return tokenOfOwner(owner, withTokens(pool));
}

function raise(error: PoolGuardError | undefined): void {
  if (error !== undefined) throw error;
}

/**
 * A checkout was requested. Checks use_after_end and nested_checkout and
 * returns the owner task to give the lease when it starts.
 */
export function requestCheckout(pool: PoolState): Task | undefined {
  const current = taskFor(pool);
  if (pool.ended && pool.internalCheckouts === 0) raise(report(pool, 'use_after_end', { current }));
  const held = heldLease(pool, current);
  if (held !== undefined) raise(report(pool, 'nested_checkout', { connection: held, current }));
  return current;
}

/** A statement goes through the pool itself (pool.query). */
export function checkPoolQuery(pool: PoolState, sql: unknown): void {
  if (pool.ended) raise(report(pool, 'use_after_end', { current: taskFor(pool) }));
  if (typeof sql === 'string' && leavesTransactionOpen(sql, pool.library === 'mysql2' ? 'mysql' : 'postgres')) {
    pool.transactionOpenedOnPool = true;
    raise(report(pool, 'transaction_on_pool', { current: taskFor(pool) }));
  }
}

/**
 * A statement on a library's one-statement lease (knex's query runner, which
 * releases it itself): one that leaves a transaction open is
 * transaction_on_pool, as through pool.query, found before it runs; its
 * release is not blamed again.
 */
/**
 * A borrower that starts a transaction of its own over one it inherited
 * (reported at its origin) owes its own COMMIT: its release is judged afresh.
 * PostgreSQL keeps the inherited transaction open (and warns); MySQL commits
 * it implicitly. Reads the statement only while the inherited one is marked.
 */
export function noteOwnTransaction(conn: ConnectionState, sql: string | undefined, dialect: Dialect): void {
  if (conn.transactionReported && conn.leased && sql !== undefined && leavesTransactionOpen(sql, dialect)) conn.transactionReported = false;
}

export function checkStatementScoped(conn: ConnectionState, sql: string | undefined, dialect: Dialect): void {
  // After the library's lease ended, a stale holder's statement is use_after_release only: nothing sent it through the pool.
  if (!conn.leased || sql === undefined || !leavesTransactionOpen(sql, dialect)) return;
  conn.transactionReported = true;
  raise(report(conn.pool, 'transaction_on_pool', { connection: conn, current: taskFor(conn.pool) }));
}

/**
 * The checkout site of an explicit checkout, captured at the app's call (the
 * pool lends later, from a socket callback or a timer, with no app frames).
 */
export function captureCheckoutSite(pool: PoolState): Error | undefined {
  const { settings } = pool;
  return settings.captureStacks && (settings.stackSampleRate >= 1 || Math.random() < settings.stackSampleRate)
    ? new Error('checkout')
    : undefined;
}

/**
 * The pool lent the connection. Owner, explicitness and site follow in
 * claimLease, when known. The clock is read only for the pool metrics (about
 * 50 ns a read); the leak sweep times leases from when it first sees them.
 */
export function beginLease(conn: ConnectionState): number {
  conn.leaseId = newLeaseId();
  conn.leased = true;
  conn.lending = true;
  conn.explicit = false;
  conn.owner = undefined;
  conn.lastUser = undefined;
  conn.reportedTasks = undefined;
  conn.leakReported = false;
  conn.leasedAt = metricsClock(conn.pool.metrics);
  conn.checkoutSite = undefined;
  conn.transactionReported = conn.leftInTransaction;
  return conn.leaseId;
}

/**
 * An operation is about to run on the connection. `viaLease` is the lease id
 * of the handle used, if any; `internalCall` is true while the pool's own
 * code drives an internal lease (pool.query).
 */
export function checkUse(
  conn: ConnectionState,
  viaLease: number | undefined,
  inFlight: number,
  pipelined: boolean,
  transaction: () => TransactionState,
  internalCall: boolean,
): void {
  const pool = conn.pool;
  if (conn.contextHooks !== undefined) hookContext(conn);
  // The transaction an earlier lease left open has ended (this borrower committed or rolled it
  // back): one open at release is this lease's own from here on.
  if (conn.transactionReported && transaction() === 'idle') conn.transactionReported = false;
  if (conn.leaseId !== 0 && !internalCall && !conn.lending) {
    if (!conn.leased || conn.explicit || viaLease !== undefined) {
      const current = taskActingOn(conn);
      if (isUseAfterRelease(conn, viaLease, current)) {
        if (conn.leased || !pool.handingOut(conn)) raise(report(pool, 'use_after_release', { connection: conn, current, viaLease }));
      } else if (conn.leased && conn.explicit) {
        if (isCrossTaskUse(conn, current, pool.settings.levels.cross_task_use === 'throw', inFlight, transaction)) {
          raise(report(pool, 'cross_task_use', { connection: conn, current }));
        }
      }
    } else {
      // A user's stale reference used while the pool lends the connection internally.
      raise(report(pool, 'use_after_release', { connection: conn, current: taskFor(pool) }));
    }
  }
  // Work still in flight from an earlier lease (pg keeps a query that hit its client-side
  // query_timeout running, and the pool lends the connection again), or from before any lease (a
  // pool 'connect' listener's setup statement, which pg queues the borrower's first one behind), is
  // not this lease's doing.
  const leftover = conn.queryLease !== conn.leaseId;
  conn.queryLease = conn.leaseId;
  if (!leftover && isConcurrentQuery(inFlight, pipelined)) {
    const error = report(pool, 'concurrent_query', { connection: conn, current: taskFor(pool) });
    // Before any lease, in the pool's own 'connect' (pg) or 'connection' (mysql2) listener, it is reported
    // and never thrown: the pool's connect path runs that listener, and a throw there strands the checkout
    // waiting on it (mysql2 swallows it; pg-pool would crash the process).
    if (conn.leaseId !== 0) raise(error);
  }
}

export interface ReleaseVerdict {
  /** False when the release must not reach the pool (a stale holder's). */
  readonly pass: boolean;
  /** Throw mode: the error to throw after the release went through (or instead of it, when not passed). */
  readonly error?: PoolGuardError | undefined;
  /**
   * The lease had already ended and nobody holds the connection: a second
   * release. It passes on so that the driver's own error reaches the app; an
   * adapter whose driver accepts it silently and corrupts its free list
   * (mysql2 after pool.releaseConnection) does not pass it on.
   */
  readonly double?: true;
}

export const PASS: ReleaseVerdict = { pass: true };
const BLOCK: ReleaseVerdict = { pass: false };
const DOUBLE: ReleaseVerdict = { pass: true, double: true };

/**
 * A release of lease `leaseId` of the connection; `destroy` discards it.
 * `viaHandle`: the lease id is a lease handle's, so exact: a release through
 * the current lease's handle is never a stale holder's, whatever task runs it.
 * `early`: for a pool that lends the same object to every borrower, true
 * when a release of its own internal lease (pool.query) comes before that
 * lease's statement ended, which the pool's own release never does: it may
 * be the previous holder's second release, reading the new lease's
 * `release` off the shared object.
 */
export function checkRelease(
  conn: ConnectionState,
  leaseId: number,
  destroy: boolean,
  transaction: TransactionReader,
  viaHandle = false,
  early?: () => boolean,
): ReleaseVerdict {
  const pool = conn.pool;
  if (leaseId !== conn.leaseId || !conn.leased) {
    // The pool's own second end of an internal lease (mysql2's pool.execute destroys a connection
    // that hit a read-only error, then releases it): no app code held it. Once: a release after
    // any other internal lease is a stale holder's second one.
    if (!conn.leased && !conn.explicit && conn.destroyed && leaseId === conn.leaseId && !pool.lentToNext(conn)) {
      conn.destroyed = false;
      return PASS;
    }
    const current = taskFor(pool);
    if (conn.leased || pool.lentToNext(conn)) {
      const error = report(pool, 'foreign_release', { connection: conn, current, detail: 'The release came from a lease that had already ended.' });
      return error === undefined ? BLOCK : { pass: false, error };
    }
    const error = report(pool, 'double_release', { connection: conn, current });
    return error === undefined ? DOUBLE : { pass: false, error, double: true };
  }
  let error: PoolGuardError | undefined;
  if (!conn.explicit && early !== undefined && conn.previousOwner !== undefined && pool.internalCallbacks === 0 && early()) {
    const current = taskActingOn(conn);
    if (classifyRelease(conn, current) === 'stale-holder') {
      error = report(pool, 'foreign_release', { connection: conn, current, detail: 'The releasing task owned an earlier lease of this connection, which the pool has lent since for its own statement.' });
      return error === undefined ? BLOCK : { pass: false, error };
    }
  }
  if (conn.explicit) {
    const current = taskActingOn(conn);
    const foreign = classifyRelease(conn, current);
    // Through the current lease's own handle, an earlier owner's task is no stale holder: the handle is
    // exact, the task is not (a driver's socket callback runs in the task that opened the connection).
    if (foreign === 'stale-holder' && !viaHandle) {
      conn.heldBackDuringLease = conn.leaseId;
      error = report(pool, 'foreign_release', { connection: conn, current, detail: 'The releasing task owned an earlier lease of this connection.' });
      return error === undefined ? BLOCK : { pass: false, error };
    }
    if (foreign === 'non-owner') error = report(pool, 'foreign_release', { connection: conn, current });
  }
  // An internal lease (pool.query) can only come back dirty from a statement that
  // opened a transaction, which transaction_on_pool has already reported. A lease that began
  // inside a transaction an earlier lease left open is not blamed for it: that was reported once,
  // at its origin. (An innocent borrower's own release would otherwise repeat it lease after lease.)
  if (conn.explicit && !destroy) {
    const state = transaction();
    const dirty = isDirtyRelease(destroy, state);
    if (dirty && !conn.transactionReported) error = report(pool, dirtyKind(conn), { connection: conn, current: taskFor(pool) }) ?? error;
    else if (state === 'unknown') judgeWhenSettled(conn, transaction);
    conn.leftInTransaction = dirty;
  } else {
    conn.leftInTransaction = !destroy && !conn.explicit && pool.transactionOpenedOnPool && isDirtyRelease(false, transaction());
  }
  conn.destroyed = destroy;
  endLease(conn);
  return error === undefined ? PASS : { pass: true, error };
}

/**
 * A lease that ends inside a transaction: the app's dirty release, or, for a
 * library's own one-statement lease (knex's query runner: `knex.raw('BEGIN')`),
 * a transaction statement sent through the pool, as with pool.query.
 */
function dirtyKind(conn: ConnectionState): 'dirty_release' | 'transaction_on_pool' {
  return conn.statementScoped ? 'transaction_on_pool' : 'dirty_release';
}

/** What a checkout asked for: its owner task (and that task's token), whether the app sees the lease, its timing and site. */
export interface CheckoutRequest {
  readonly owner: Task | undefined;
  readonly ownerToken: TaskToken | undefined;
  readonly explicit: boolean;
  readonly requestedAt: number;
  readonly site: Error | undefined;
}

/**
 * The state at release lags the server (a failed statement's ReadyForQuery is
 * still on its way): judged when it arrives, on the lease as it was at release
 * (the connection may be lent again by then), in the context of the release.
 * Reported, never thrown: the release has long returned.
 */
function judgeWhenSettled(conn: ConnectionState, transaction: TransactionReader): void {
  if (transaction.whenSettled === undefined) return;
  const released: ConnectionState = { ...conn, leased: false, owner: undefined, ownerToken: undefined, previousOwner: conn.owner, previousOwnerToken: conn.ownerToken };
  const current = taskFor(conn.pool);
  // With stacks on, the release is the misuse site: captured now, where the app released.
  const site = conn.pool.settings.captureStacks ? captureSite() : undefined;
  // Emitted in the releasing caller's context (its trace, its span), not in the socket's.
  transaction.whenSettled(bindToCaller((state: TransactionState) => {
    try {
      if (isDirtyRelease(false, state) && !released.transactionReported) report(conn.pool, dirtyKind(released), { connection: released, current, site });
    } catch (fault) {
      diag.error('poolguard: the dirty_release check after ReadyForQuery failed', fault);
    }
  }));
}

/** The lease was claimed by the checkout that asked for it: its owner, and whether the app sees it. */
export function claimLease(conn: ConnectionState, request: CheckoutRequest, statementScoped = false): void {
  const { owner, requestedAt } = request;
  if (conn.contextHooks !== undefined) hookContext(conn);
  conn.checkoutSite = request.site;
  conn.lending = false;
  conn.owner = owner;
  conn.ownerToken = request.ownerToken;
  conn.lastUser = owner;
  conn.explicit = request.explicit;
  conn.statementScoped = statementScoped;
  const metered = conn.pool.metrics;
  if (requestedAt > 0 && conn.leasedAt > 0 && metered?.recording === true) {
    metered.instruments!.waitTime.record((conn.leasedAt - requestedAt) / 1000, metered.eventAttributes);
  }
  if (conn.pool.waitingCheckouts !== undefined) claimedWhileOthersWait(conn, request);
}

/**
 * `request` no longer waits; if its task still waits for another lease of
 * the saturated pool (asked for both before it held one), the lease just
 * claimed is held while it waits: nested_checkout, reported, never thrown.
 */
function claimedWhileOthersWait(conn: ConnectionState, request: CheckoutRequest): void {
  const pool = conn.pool;
  forgetWaitingCheckout(pool, request);
  const waiting = isHeld(conn) ? waitingCheckoutOfSameTask(pool, request) : undefined;
  if (waiting === undefined) return;
  report(pool, 'nested_checkout', {
    connection: conn,
    current: waiting.owner,
    // The stack here is the pool's callback; the waiting checkout's site, where it was captured, is the app's.
    site: waiting.site ?? null,
    detail: `Lease ${conn.leaseId} was lent to a task whose other checkout, requested before it, still waits for this pool.`,
  });
}

function endLease(conn: ConnectionState): void {
  const metered = conn.pool.metrics;
  if (conn.leasedAt > 0 && metered?.recording === true) {
    metered.instruments!.useTime.record((performance.now() - conn.leasedAt) / 1000, metered.eventAttributes);
  }
  conn.leased = false;
  conn.lending = false;
  if (conn.pool.ended) leaseEndedAfterEnd(conn.pool);
  if (conn.explicit) {
    conn.previousOwner = conn.owner;
    conn.previousOwnerToken = conn.ownerToken;
    conn.previousLeaseId = conn.leaseId;
    conn.previousCheckoutSite = conn.checkoutSite;
  }
  conn.owner = undefined;
  conn.ownerToken = undefined;
  conn.lastUser = undefined;
  conn.reportedTasks = undefined;
  conn.checkoutSite = undefined;
  if (conn.leakReported) {
    conn.leakReported = false;
    const heldMs = Math.round(performance.now() - conn.sweptAt);
    // The leak's owner, as the leak report named it, so the two records can be matched.
    const owner = conn.explicit ? conn.previousOwner : undefined;
    const ownerTraceId = traceIdOf(owner);
    const ownerSpanId = spanIdOf(owner);
    info(conn.pool, 'poolguard.unleaked', `poolguard: leaked lease ${conn.leaseId} was released after more than ${heldMs} ms.`, {
      [ATTR_POOLGUARD_LEASE_ID]: conn.leaseId,
      ...(ownerTraceId === undefined ? {} : { [ATTR_POOLGUARD_OWNER_TRACE_ID]: ownerTraceId }),
      ...(ownerSpanId === undefined ? {} : { [ATTR_POOLGUARD_OWNER_SPAN_ID]: ownerSpanId }),
    });
  }
}

/**
 * A release that the pool refused by throwing (a pool that will not take a
 * broken connection back, and wants it discarded): the connection is still
 * lent, so the explicit lease poolguard ended, `leaseId`, goes on with its
 * owner, unless the pool has lent the connection again or ended since. Its
 * holder's next release or discard is then the lease's own, not a second one.
 */
export function releaseRefused(conn: ConnectionState, leaseId: number): void {
  if (conn.leased || conn.leaseId !== leaseId || !conn.explicit || conn.pool.ended) return;
  conn.leased = true;
  conn.destroyed = false;
  conn.owner = conn.previousOwner;
  conn.ownerToken = conn.previousOwnerToken;
  conn.checkoutSite = conn.previousCheckoutSite;
  // The lease before this one is no longer known: nobody is taken for its stale holder.
  conn.previousOwner = undefined;
  conn.previousOwnerToken = undefined;
  conn.previousLeaseId = 0;
  conn.previousCheckoutSite = undefined;
}

/** Hands the lease to the current task on purpose (producer/consumer); the caller checked it is leased. */
export function adopt(conn: ConnectionState): void {
  // The adopting task's listeners are bound from here on, as after a checkout (an SDK may have started since).
  noticeOtelApi();
  if (conn.contextHooks !== undefined) hookContext(conn);
  const current = taskFor(conn.pool);
  conn.owner = current;
  conn.ownerToken = ownerTokenFor(conn.pool, current);
  conn.lastUser = current;
  conn.reportedTasks = undefined;
}
