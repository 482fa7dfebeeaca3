/*
 * Internal state: one PoolState per guarded pool and one ConnectionState per
 * connection it lends, kept in a Symbol slot on the instance. A connection's
 * state is reused across its leases, so a checkout allocates no lease object;
 * `leaseId` tells the leases apart. Never exported from the package.
 */
import type { Meter } from '@opentelemetry/api';
import type { Logger } from '@opentelemetry/api-logs';
import type { Settings } from './config';
import type { CheckoutRequest } from './lease';
import type { MeteredPool } from './pool-metrics';
import type { Task, TaskToken } from './task';
import type { GuardPoolOptions, PoolEndpoint, PoolStats, TransactionState } from './types';

/**
 * Reads a connection's transaction state at release. A driver whose state
 * lags the server (pg between a failed statement and its ReadyForQuery)
 * reads 'unknown' then, and `whenSettled` calls back with the settled state.
 */
export interface TransactionReader {
  (): TransactionState;
  /** Calls `then` once with the state the server reports next; false when the state read now is already settled. */
  whenSettled?(then: (state: TransactionState) => void): boolean;
}

/** Where signals go: the instrumentation's providers, or the global ones for guardPool. */
export interface TelemetrySource {
  meter(): Meter;
  logger(): Logger;
}

export interface PoolState {
  readonly library: string;
  name: string;
  /** Replaced only by reconfigure(). */
  readonly settings: Settings;
  /** Replaced once, when an instrumentation takes over a pool the preload guarded. */
  telemetry: TelemetrySource;
  readonly pid: number;
  readonly threadId: number;
  /** Stack at creation, when stacks are on (formatted lazily). */
  readonly creationSite: Error | undefined;
  /** The app's files on the stack at creation: a fork of a module whose requires reach one re-creates the pool. */
  readonly creationFiles: readonly string[];
  readonly endpoint: PoolEndpoint | undefined;
  ended: boolean;
  /** The app called guardPool() on it: disabling the instrumentation leaves it guarded. */
  guardedByHand: boolean;
  /** The options of the app's guardPool() calls so far, merged: a later call changes only what it names. */
  handOptions: GuardPoolOptions;
  /** The registered instrumentation whose config was this hand-guarded pool's defaults, if any: its setConfig() reaches the pool. */
  defaultsFrom: object | undefined;
  /** >0 while the pool's own query path checks out (pool.query). */
  internalCheckouts: number;
  /** >0 while the pool's own code runs an internal lease's callback (pool.query). */
  internalCallbacks: number;
  /**
   * True once a statement through the pool itself opened a transaction
   * (transaction_on_pool): from then on its internal leases read the
   * transaction state they leave, so the next borrower is not blamed for it.
   */
  transactionOpenedOnPool: boolean;
  /**
   * Checkouts that wait on the saturated pool while their task holds none of
   * its leases yet (nested_checkout's noteWaitingCheckout): until each is lent
   * a connection or fails. Undefined while there are none.
   */
  waitingCheckouts: { readonly byTask: Map<string | object, CheckoutRequest[]>; count: number } | undefined;
  /** Pool metrics, when poolMetrics is on. */
  metrics: MeteredPool | undefined;
  /** Connections the pool holds now, for the leak sweep and nested_checkout. */
  connections(): Iterable<ConnectionState>;
  stats(): PoolStats;
  /** The sockets of the pool's open connections, read only when a send() carries a handle. */
  sockets?(): Iterable<unknown>;
  /** True when the pool must wait for a connection (none idle, at max). */
  saturated(): boolean;
  /** True when a checkout now would wait: saturated(), or behind earlier queued ones where the adapter tells (InstalledPool.waitsBehindQueue). */
  wouldWait(): boolean;
  /** True while the pool hands the connection out, before its lease begins (see InstalledPool). */
  handingOut(conn: ConnectionState): boolean;
  /** InstalledPool.lentToNext. */
  lentToNext(conn: ConnectionState): boolean;
  /**
   * A pool whose own config says nothing of its server (generic-pool, a tarn
   * pool inside knex) learns it from its first known connection; its default
   * name changes from the library's to `address:port/namespace` then.
   */
  learnEndpoint(endpoint: PoolEndpoint | undefined): void;
  /** Adapters call this the first time they see one of the pool's connections. */
  connectionSeen?(connection: object): void;
  /** The pool's end() was called (reports a second end as use_after_end). */
  onEnd(): void;
  /**
   * The library made a new core pool behind the same facade (knex.initialize()
   * after destroy()): an ended pool's guard moves to it, with its settings.
   */
  coreReplaced(): void;
  /**
   * guardPool() with options on a pool already guarded (by the instrumentation's
   * hook, at construction): its settings and, if given, its name apply from now.
   */
  reconfigure(settings: Settings, name: string | undefined): void;
  uninstall(): void;
}

export interface ConnectionState {
  readonly pool: PoolState;
  /** The current lease's id while leased; the last one's after release. 0 before the first lease. */
  leaseId: number;
  leased: boolean;
  /** False for a pool-internal lease (pool.query), which the app never sees. */
  explicit: boolean;
  /**
   * True from the start of a lease to its claim by the checkout: the pool's
   * own code (pg's `verify`) may use the connection then, for the lease about
   * to start, not after the last one.
   */
  lending: boolean;
  owner: Task | undefined;
  /** The task token active where the owner checked out (tokenOfOwner), if any. */
  ownerToken: TaskToken | undefined;
  /** Owner of the previous, ended lease: a release from it now is a stale holder's. */
  previousOwner: Task | undefined;
  /** The id of that lease (0: none yet): a stale holder's misuse names it, not the current one. */
  previousLeaseId: number;
  previousOwnerToken: TaskToken | undefined;
  /** Last known task that used the lease, and whether it held a transaction open. */
  lastUser: Task | undefined;
  /** Tasks already reported for cross_task_use on this lease; allocated at the first report. */
  reportedTasks: Task[] | undefined;
  /** performance.now() when the lease began, read only while pool metrics record (wait and use time); else 0. */
  leasedAt: number;
  /** The lease the leak sweep last saw on this connection, and when it first saw it. */
  sweptLeaseId: number;
  sweptAt: number;
  checkoutSite: Error | undefined;
  /** The ended lease's checkout site: where a stale holder or a second release got its lease. */
  previousCheckoutSite: Error | undefined;
  leakReported: boolean;
  /**
   * The lease during which a release was held back as a stale holder's
   * (foreign_release); 0: none. If the lease then leaks, its report says so:
   * that release may have been the lease's own, run in another task's context.
   */
  heldBackDuringLease: number;
  /** The lease whose statement was issued last on the connection (0: none, or before any lease). */
  queryLease: number;
  /** The lease lasts one statement: knex's query runner took it and releases it itself (knex-runner.ts). Not held, never a leak. */
  statementScoped: boolean;
  /**
   * Installs the connection's wrappers that matter only while async context
   * propagates (its socket dispatch, its event listeners): run once, at the
   * first checkout or use after async context is on, then cleared. Until
   * then the current task is always unknown and they would change nothing.
   */
  contextHooks: (() => void) | undefined;
  /** The last lease ended inside an open or aborted transaction (reported then, or as transaction_on_pool). */
  leftInTransaction: boolean;
  /** The last lease ended with destroy(): the pool's own release after it (mysql2's pool.execute) is its second end. */
  destroyed: boolean;
  /**
   * The transaction this lease is in was reported already: an earlier lease
   * left it open, or transaction_on_pool found the statement that opened it
   * on a library's one-statement lease. Its release is not blamed for it.
   */
  transactionReported: boolean;
}

/** What an adapter reads off a connection for the detectors. */
export interface ConnectionProbe<C> {
  inFlight(connection: C): number;
  pipelined(connection: C): boolean;
  transactionState(connection: C): TransactionState;
}
