/*
 * The public surface of @poolguard/instrumentation: configuration, violations
 * and the adapter contract. Everything a user can pass in or get back is here;
 * internals live in internal-types.ts and are never exported.
 */
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

/** Every violation kind. The string values are a public contract. */
export const VIOLATION_KINDS = [
  'cross_task_use',
  'use_after_release',
  'double_release',
  'foreign_release',
  'concurrent_query',
  'leak',
  'dirty_release',
  'use_after_end',
  'transaction_on_pool',
  'nested_checkout',
  'pool_before_fork',
  'pool_across_boundary',
  'handle_sent_to_process',
] as const;

export type Kind = (typeof VIOLATION_KINDS)[number];

/** What poolguard does when a detector fires. */
export type DetectorLevel = 'report' | 'throw' | 'off';

export interface PoolGuardConfig extends InstrumentationConfig {
  /** 'report' (default) never throws into the application; 'throw' throws a PoolGuardError at the misuse. */
  mode?: 'report' | 'throw';
  /** Per-kind level, overriding `mode`. */
  detectors?: Partial<Record<Kind, DetectorLevel>>;
  /** A lease held longer than this is a `leak`. Default 30000. */
  leakThresholdMs?: number;
  /** Capture checkout and pool creation stacks. Default false. */
  captureStacks?: boolean;
  /** Share of checkouts that capture a stack when `captureStacks` is on, 0..1. Default 1. */
  stackSampleRate?: number;
  /** Hand out a per-lease proxy that is invalidated at release. Default false in report mode, true in throw mode. */
  leaseHandles?: boolean;
  /** Task identity beyond the OTel trace id. Default 'auto': on where an OTel context manager is registered, or on Node >= 24. */
  taskTracking?: boolean | 'auto';
  /** Semantic-convention pool metrics. 'auto' (default) leaves count and pending requests of pg pools to instrumentation-pg when it is active. */
  poolMetrics?: boolean | 'auto';
  /** Read the server's max_connections once per pool and export poolguard.server.connection_limit. Default false. */
  checkServerLimit?: boolean;
  /** 'pretty' prints each violation once per site to stderr. Default 'none'. */
  reporter?: 'pretty' | 'none';
  /** Called for every reported violation. A hook that throws, or an async one that rejects, is logged to OTel diag and ignored. */
  onViolation?: (violation: Violation) => void;
}

export interface Violation {
  kind: Kind;
  message: string;
  poolName: string;
  leaseId?: number;
  ownerTraceId?: string;
  ownerSpanId?: string;
  currentTraceId?: string;
  checkoutStack?: string;
  stack?: string;
  pid: number;
  threadId: number;
}

/** Options of `guardPool`: the instrumentation's options plus a pool name and an adapter. */
export interface GuardPoolOptions extends PoolGuardConfig {
  /** The pool's name in telemetry. Default `server.address:server.port/db.namespace`, or the library name. */
  name?: string;
  /** How to guard a pool library poolguard does not know. */
  adapter?: PoolAdapter;
}

/** Transaction state of a connection, as far as the adapter can tell. */
export type TransactionState = 'idle' | 'open' | 'aborted' | 'unknown';

/** Pool occupancy, read at metric collection time. Unknown values are undefined. */
export interface PoolStats {
  idle?: number;
  used?: number;
  pending?: number;
  max?: number;
  min?: number;
  idleMax?: number;
}

/** Where a SQL pool connects, for the default pool name. Never credentials. */
export interface PoolEndpoint {
  address?: string;
  port?: number;
  namespace?: string;
}

/**
 * How poolguard guards a pool library it does not know, described by method
 * names. Built-in adapters cover pg, mysql2, generic-pool and tarn.
 *
 *   guardPool(myPool, { adapter: { library: 'my-pool', acquire: ['get'], release: ['put'] } })
 */
export interface PoolAdapter<P extends object = any, C extends object = any> {
  /** Library name, the default pool name. */
  readonly library: string;
  /** Pool methods that lend a connection, by promise or node-style callback. */
  readonly acquire: readonly string[];
  /** Pool methods that take a connection back as their first argument: `pool.release(conn)`. */
  readonly release?: readonly string[];
  /** Pool methods that discard a connection: `pool.destroy(conn)`. */
  readonly destroy?: readonly string[];
  /** Connection methods that release the connection itself: `conn.release()`. */
  readonly connectionRelease?: readonly string[];
  /** Connection methods that discard the connection itself, ending its lease (never dirty): `conn.destroy()`. */
  readonly connectionDestroy?: readonly string[];
  /** Connection methods that run work on it (`query`, `execute`). */
  readonly connectionUse?: readonly string[];
  /** Pool methods that run one statement on an internal lease (`pool.query`). */
  readonly poolQuery?: readonly string[];
  /** Pool methods that end the pool. */
  readonly end?: readonly string[];
  /** Occupancy, read at metric collection time. */
  stats?(pool: P): PoolStats;
  /** Where the pool connects, for its default name. Never credentials. */
  endpoint?(pool: P): PoolEndpoint | undefined;
  /** Operations in flight on a connection. */
  inFlight?(connection: C): number;
  /** Transaction state of a connection at release. */
  transactionState?(connection: C): TransactionState;
  /**
   * Whether the pool has the connection out on loan now. For a pool that
   * hands a released connection straight to a waiter: a second release of
   * the lease that ended is then a stale holder's `foreign_release`, held
   * back, not a `double_release` passed on to a pool that cannot tell.
   */
  isLent?(pool: P, connection: C): boolean;
  /**
   * For a pool that lends a new wrapper object per checkout over one
   * connection (mariadb's `conn.info`-bearing wrappers): the object that
   * stands for the connection itself. Leases are kept on it, and each
   * wrapper stays with the lease it was lent for, so a stale wrapper's
   * release is `foreign_release` or `double_release`, not the current holder's.
   */
  connection?(lent: C): object;
}
