/*
 * The mysql2 adapter: the callback Pool and, through its inner core pool,
 * mysql2/promise's PromisePool. Leases are keyed by the core connection, since
 * the promise API hands out a new wrapper per checkout.
 *
 * mysql2 emits no acquire event when a released connection goes straight to a
 * waiter, so leases start where the pool calls the getConnection callback,
 * which poolguard wraps per call. A second release is silent in mysql2, so
 * poolguard is the only signal; and since mysql2 would put a connection that
 * went back through pool.releaseConnection() into its free list twice,
 * poolguard does not pass a second release on.
 *
 * Transaction state: MySQL reports SERVER_STATUS_IN_TRANS only in OK packets,
 * which mysql2 does not keep on the connection, so the adapter follows the
 * statements seen on the connection (resources.ts).
 */
import { PoolGuardError } from '../errors';
import type { ConnectionState, PoolState, TransactionReader } from '../internal-types';
import { connectionStateOf } from '../lease';
import { recordCreateTime } from '../pool-metrics';
import type { PoolEndpoint, PoolStats } from '../types';
import type { Adapter, InstalledPool } from './adapter';
import { bindCallback, callerFrames, checkoutFailure, checkoutRequested, ConnectionWrappers, internalFault, leaseDelivered, leaseReturned, refuseCall, wrapPoolEnd, wrapPoolStatements, Wrappers, type AnyFunction } from './kit';
import { refusalCallback } from './mysql2-cluster';
import { markWrappersAtFirstCheckout } from './mysql2-promise';
import { guardMysql2Use } from './mysql2-use';
import { UNKNOWN_TRANSACTION } from './resources';

const RESET_ON_RELEASE: TransactionReader = () => 'idle';

interface Queue<T> {
  readonly length: number;
  get(index: number): T;
}

export interface Mysql2Connection {
  _pool?: unknown;
  _command?: unknown;
  _commands?: { length: number };
  query(...args: unknown[]): unknown;
  execute(...args: unknown[]): unknown;
  release(): void;
  destroy(): void;
}

export interface Mysql2CorePool {
  config: { connectionLimit?: number; maxIdle?: number; waitForConnections?: boolean; resetOnRelease?: boolean; connectionConfig?: { host?: string; port?: number; database?: string; socketPath?: string } };
  _allConnections: Queue<Mysql2Connection>;
  _freeConnections: Queue<Mysql2Connection>;
  _connectionQueue: Queue<unknown>;
  _closed: boolean;
  getConnection(cb: (err: unknown, connection?: Mysql2Connection) => void): void;
  releaseConnection(connection: Mysql2Connection): void;
  query(...args: unknown[]): unknown;
  execute(...args: unknown[]): unknown;
  end(...args: unknown[]): unknown;
  emit(event: string | symbol, ...args: unknown[]): boolean;
}

/** mysql2/promise's PromisePool: a facade over `.pool`. */
interface Mysql2PromisePool {
  pool: Mysql2CorePool;
  getConnection(): Promise<unknown>;
}

function isCorePool(pool: object): pool is Mysql2CorePool {
  const p = pool as Partial<Mysql2CorePool>;
  return typeof p.getConnection === 'function' && typeof p.releaseConnection === 'function' &&
    p._allConnections !== undefined && p._freeConnections !== undefined && p._connectionQueue !== undefined;
}

function isPromisePool(pool: object): pool is Mysql2PromisePool {
  const inner = (pool as Partial<Mysql2PromisePool>).pool;
  return inner !== null && typeof inner === 'object' && isCorePool(inner) && typeof (pool as Mysql2PromisePool).getConnection === 'function';
}

/** True when the code that called poolguard's wrapper is mysql2's pool itself (its idle reaper), not the app. */
function calledByMysql2Pool(): boolean {
  return /[\\/]mysql2[\\/]lib[\\/]base[\\/]pool\.js:/.test(callerFrames(1)[0] ?? '');
}

/** Marks the callback the getConnection wrapper hands mysql2, which mysql2 may hand back to getConnection. */
const OWN_CALLBACK = Symbol('poolguard.mysql2.ownCallback');
type OwnCallback = ((err: unknown, connection?: Mysql2Connection) => unknown) & { [OWN_CALLBACK]?: true };

/** True when `connection` waits in the pool's free list (asked only at a destroy). */
function isIdle(pool: Mysql2CorePool, connection: Mysql2Connection): boolean {
  const free = pool._freeConnections;
  for (let i = 0; i < free.length; i++) if (free.get(i) === connection) return true;
  return false;
}

function* connectionsOf(pool: Mysql2CorePool): Iterable<ConnectionState> {
  // mysql2's end() closes every connection, lent ones too: an ended pool holds none open (unlike pg-pool,
  // whose end() waits for its leases), so none counts as held, and its name is free at once.
  if (pool._closed) return;
  const all = pool._allConnections;
  for (let i = 0; i < all.length; i++) {
    const conn = connectionStateOf(all.get(i));
    if (conn !== undefined) yield conn;
  }
}

function stats(pool: Mysql2CorePool): PoolStats {
  const total = pool._allConnections.length;
  const idle = pool._freeConnections.length;
  return {
    idle,
    used: total - idle,
    pending: pool._connectionQueue.length,
    // connectionLimit 0 is no limit in mysql2: no max to export.
    max: pool.config.connectionLimit === 0 ? undefined : pool.config.connectionLimit,
    idleMax: pool.config.maxIdle ?? pool.config.connectionLimit,
    min: 0,
  };
}

function install(pool: Mysql2CorePool, state: PoolState): InstalledPool {
  const wrappers = new Wrappers();
  const connectionWrappers = new ConnectionWrappers<Mysql2Connection>();
  const transactions = new WeakMap<Mysql2Connection, TransactionReader>();
  const transaction = (connection: Mysql2Connection): TransactionReader => transactions.get(connection) ?? UNKNOWN_TRANSACTION;
  // With resetOnRelease the pool resets the session as it takes a connection back (COM_RESET_CONNECTION
  // rolls an open transaction back): the next borrower inherits none, so a release is never dirty.
  const atRelease = (connection: Mysql2Connection): TransactionReader =>
    pool.config.resetOnRelease === true && typeof (connection as { reset?: unknown }).reset === 'function' ? RESET_ON_RELEASE : transaction(connection);
  let releasing = 0;

  function guardConnection(connection: Mysql2Connection): void {
    if (!connectionWrappers.adopt(connection)) return;
    state.connectionSeen?.(connection);
    transactions.set(connection, guardMysql2Use(state, connection, connectionWrappers.wrapperOf(connection)));
    for (const [name, destroy] of [['release', false], ['destroy', true]] as const) {
      connectionWrappers.method(connection, name, (next) => function give(this: Mysql2Connection) {
        // The pool's own: its idle reaper destroys connections in its free list.
        if (destroy && isIdle(pool, connection) && calledByMysql2Pool()) return next(connection).apply(connection, arguments as unknown as unknown[]) as unknown;
        const { verdict, raw } = leaseReturned(state, connection, destroy, atRelease);
        // mysql2 accepts a second release silently and may put the connection in its free list twice.
        if (verdict.pass && !(verdict.double && !destroy)) {
          const conn = connectionStateOf(raw);
          releasing++;
          // With resetOnRelease the pool resets the session inside the release: its own use.
          if (conn !== undefined && !conn.leased) conn.lending = true;
          try {
            next(raw).apply(raw, arguments as unknown as unknown[]);
          } finally {
            releasing--;
            if (conn !== undefined && !conn.leased) conn.lending = false;
          }
        }
        if (verdict.error !== undefined) throw verdict.error;
      });
    }
  }

  // create_time: a checkout that makes the pool open a connection adds it to _allConnections at
  // once; the pool emits 'connection' when it is open.
  const createdAt = new WeakMap<Mysql2Connection, number>();
  const onConnection = (connection: Mysql2Connection) => {
    guardConnection(connection);
    recordCreateTime(state.metrics, createdAt.get(connection) ?? 0);
    createdAt.delete(connection);
  };
  // Seen at the pool's emit, before the app's own 'connection' listeners (so their queries are
  // counted), rather than as a listener: a listener is a function in the pool's enumerable
  // `_events`, and a pool that structured clone could copy (a new one, sent by mistake) would then
  // fail to, changing what the app gets in report mode.
  wrappers.method(pool, 'emit', (next) => function emit(this: Mysql2CorePool, event: unknown, connection?: unknown) {
    if (event === 'connection' && connection !== null && typeof connection === 'object') {
      try {
        onConnection(connection as Mysql2Connection);
      } catch (err) {
        internalFault(err);
      }
    }
    // mysql2 emits 'acquire' as it hands a connection out, before the lease starts: a statement an
    // 'acquire' listener sends (a per-checkout SET) is the pool's hand-out, not a use after the last lease.
    const handing = event === 'acquire' && connection !== null && typeof connection === 'object' ? connectionStateOf(connection) : undefined;
    if (handing === undefined || handing.leased) return next(this).apply(this, arguments as unknown as unknown[]);
    handing.lending = true;
    try {
      return next(this).apply(this, arguments as unknown as unknown[]);
    } finally {
      handing.lending = false;
    }
  });

  wrappers.method(pool, 'getConnection', (next) => function getConnection(this: Mysql2CorePool, cb: (err: unknown, connection?: unknown) => void) {
    // mysql2 asks again for a waiter whose connection was destroyed meanwhile (`_removeConnection` →
    // `getConnection(cb)` on the next tick), with the callback this wrapper gave it: the same checkout.
    if ((cb as Partial<OwnCallback> | undefined)?.[OWN_CALLBACK] === true) return next(this).call(this, cb);
    const request = checkoutRequested(state);
    if (request instanceof PoolGuardError) return refuseCall(request, refusalCallback(cb), false);
    const user = bindCallback(cb as AnyFunction, request.explicit);
    // The checkout's own clock reading (taken only while the pool metrics record) starts a creation.
    const known = request.requestedAt > 0 ? this._allConnections.length : -1;
    const delivered: OwnCallback = (err: unknown, connection?: Mysql2Connection) => {
      if (err || connection === undefined) {
        checkoutFailure(state, request, err);
        return user(err, connection);
      }
      guardConnection(connection);
      const handed = leaseDelivered(state, connection, request);
      if (request.explicit) return user(err, handed);
      state.internalCallbacks++;
      try {
        return user(err, connection);
      } finally {
        state.internalCallbacks--;
      }
    };
    delivered[OWN_CALLBACK] = true;
    const result: unknown = next(this).call(this, delivered);
    if (known >= 0 && this._allConnections.length > known) createdAt.set(this._allConnections.get(this._allConnections.length - 1), request.requestedAt);
    return result;
  });

  // conn.release() ends in pool.releaseConnection(conn); an app may also call the latter directly.
  wrappers.method(pool, 'releaseConnection', (next) => function releaseConnection(this: Mysql2CorePool, connection: Mysql2Connection) {
    if (releasing > 0 || connection === null || typeof connection !== 'object' || !connection._pool) {
      return next(this).call(this, connection);
    }
    const { verdict, raw } = leaseReturned(state, connection, false, atRelease);
    if (verdict.pass && !verdict.double) next(this).call(this, raw);
    if (verdict.error !== undefined) throw verdict.error;
  });

  wrapPoolStatements(wrappers, pool, state, ['query', 'execute'], false);
  wrapPoolEnd(wrappers, pool, state, ['end'], false);

  const allConnections = function* (): Iterable<Mysql2Connection> {
    for (let i = 0; i < pool._allConnections.length; i++) yield pool._allConnections.get(i);
  };
  for (const connection of allConnections()) guardConnection(connection);

  return {
    connections: () => connectionsOf(pool),
    stats: () => stats(pool),
    sockets: () => [...allConnections()].map((connection) => (connection as { stream?: unknown }).stream),
    // With waitForConnections false a full pool fails a checkout at once: nobody waits, nothing can deadlock.
    saturated: () => pool.config.waitForConnections !== false && pool._freeConnections.length === 0 &&
      pool._allConnections.length >= (pool.config.connectionLimit || Infinity),
    uninstall: () => {
      wrappers.uninstall();
      connectionWrappers.uninstall(allConnections());
    },
  };
}

/** Where a MySQL or MariaDB connection config points, as the drivers read it: a socket path, else the host (localhost) and port (3306). */
export function mysqlEndpoint(config: { host?: string; port?: number; database?: string; socketPath?: string }): PoolEndpoint {
  const { socketPath } = config;
  return { address: socketPath ?? config.host ?? 'localhost', port: socketPath ? undefined : config.port ?? 3306, namespace: config.database };
}

export const mysql2Adapter: Adapter<Mysql2CorePool | Mysql2PromisePool> = {
  library: 'mysql2',
  matches: (pool): pool is Mysql2CorePool | Mysql2PromisePool => isCorePool(pool) || isPromisePool(pool),
  core: (pool) => (isPromisePool(pool) ? pool.pool : pool),
  endpoint(pool): PoolEndpoint | undefined {
    const core = isPromisePool(pool) ? pool.pool : pool;
    const config = core.config.connectionConfig;
    return config === undefined ? undefined : mysqlEndpoint(config);
  },
  install: (pool, state) => {
    if (!isPromisePool(pool)) return install(pool, state);
    const installed = install(pool.pool, state);
    const unmark = markWrappersAtFirstCheckout(pool);
    return {
      ...installed,
      uninstall: () => {
        unmark();
        installed.uninstall();
      },
    };
  },
};
