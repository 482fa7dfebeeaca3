/*
 * The contract between poolguard's core and one pool library. An adapter
 * knows how its library lends, uses and takes back connections; the core
 * (lease.ts and the detectors) knows nothing library-specific. Adding a
 * library means one file here and one line in index.ts.
 */
import type { PoolState } from '../internal-types';
import type { ConnectionState } from '../internal-types';
import type { PoolEndpoint, PoolStats } from '../types';

export interface Adapter<P extends object = object> {
  /** Library name: the default pool name and the `library` of its PoolState. */
  readonly library: string;
  /** True when `pool` is a pool of this library (duck-typed: libraries may be bundled twice). */
  matches(pool: object): pool is P;
  /** A user's adapter: throws, naming the option, when the pool lacks a method it names. */
  checkFits?(pool: object): void;
  /** The object poolguard wraps (a promise facade may lend through an inner core pool). */
  core?(pool: P): object;
  /** Where the pool connects, for its default name. Never credentials. */
  endpoint(pool: P): PoolEndpoint | undefined;
  /** True when another instrumentation already reports this pool's count and pending requests (poolMetrics 'auto'). */
  occupancyReportedElsewhere?(pool: P): boolean;
  /** Installs the per-instance wrappers, once per pool. */
  install(pool: P, state: PoolState): InstalledPool;
}

export interface InstalledPool {
  /** The connections the pool holds now (leased or idle), for the leak sweep and nested_checkout. */
  connections(): Iterable<ConnectionState>;
  /** Occupancy, read at metric collection time. */
  stats(): PoolStats;
  /** The sockets of the pool's connections, for handle_sent_to_process. */
  sockets?(): Iterable<unknown>;
  /** True when a checkout now would wait: nothing idle and the pool at its maximum. */
  saturated(): boolean;
  /**
   * True when a checkout now would wait: the pool at its maximum, and no idle
   * connection left that earlier queued checkouts do not take (pg-pool lends
   * even an idle connection on the next tick, so two checkouts in one tick
   * both queue). True whenever saturated() is. Absent: saturated() says it.
   */
  waitsBehindQueue?(): boolean;
  /**
   * True while the pool hands the connection out before its lease begins (a
   * library that runs its own listeners then): a use there belongs to the
   * lease to come. Asked only about a connection not leased, for a use that
   * would otherwise be use_after_release.
   */
  handingOut?(conn: ConnectionState): boolean;
  /**
   * True when the pool has lent the connection to its next borrower already,
   * whose lease begins a moment later (generic-pool and tarn settle the
   * borrower's promise after they lend it): a release then is a stale
   * holder's, which would free the next borrower's lease. Asked only at a
   * release of a connection not leased.
   */
  lentToNext?(conn: ConnectionState): boolean;
  /** Removes every wrapper this adapter installed. */
  uninstall(): void;
}
