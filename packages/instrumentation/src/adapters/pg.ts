/*
 * The node-postgres adapter (pg.Pool / pg-pool 3). It wraps each pool and
 * each client once, on the instance, and never a prototype method that
 * @opentelemetry/instrumentation-pg wraps (Pool#connect, Pool#end,
 * Client#query, Client#connect): every wrapper looks the next method up on the
 * prototype at call time, so both instrumentations work in either load order.
 *
 * pg-pool assigns `client.release` afresh at every checkout; an accessor on
 * the client turns that assignment into the start of a lease and hands out a
 * release function bound to that one lease, so a stale holder's release can
 * be told from the current borrower's.
 */
import { performance } from 'node:perf_hooks';
import { diag } from '@opentelemetry/api';
import { PoolGuardError } from '../errors';
import type { ConnectionState, PoolState } from '../internal-types';
import { attachConnection, beginLease, beginLending, captureCheckoutSite, checkPoolQuery, checkRelease, checkUse, claimLease, connectionStateOf, PASS, requestCheckout, type ReleaseVerdict } from '../lease';
import { createLeaseHandle, viaLease } from '../lease-handle';
import { asyncContextActive, bindToCaller, type Task } from '../task';
import type { PoolEndpoint, PoolStats, TransactionState } from '../types';

/** The parts of pg-pool and pg.Client poolguard reads. Internal fields are read defensively. */
export interface PgPoolLike {
  options: { max?: number; min?: number; host?: string; port?: number | string; database?: string; connectionString?: string };
  Client: new (...args: unknown[]) => PgClientLike;
  Promise?: PromiseConstructor;
  _clients: PgClientLike[];
  _idle: unknown[];
  _pendingQueue: unknown[];
  ending?: boolean;
  connect(callback?: PgConnectCallback): unknown;
  query(...args: unknown[]): unknown;
  end(...args: unknown[]): unknown;
  prependListener(event: 'connect' | 'acquire' | 'remove', listener: (client: PgClientLike) => void): unknown;
  removeListener(event: 'connect' | 'acquire' | 'remove', listener: (client: PgClientLike) => void): unknown;
}

export interface PgClientLike {
  query(...args: unknown[]): unknown;
  release?: (err?: unknown) => void;
  pipeline?: boolean;
  _activeQuery?: unknown;
  _queryQueue?: unknown[];
  _txStatus?: string | null;
  getTransactionStatus?: () => string | null;
}

type AnyFunction = (...args: unknown[]) => unknown;
type PgConnectCallback = (err: unknown, client: PgClientLike | undefined, done: unknown) => void;

export function isPgPool(pool: object): pool is PgPoolLike {
  const candidate = pool as Partial<PgPoolLike>;
  return Array.isArray(candidate._clients) && Array.isArray(candidate._idle) && Array.isArray(candidate._pendingQueue) &&
    typeof candidate.connect === 'function' && typeof candidate.Client === 'function';
}

export function pgInFlight(client: PgClientLike): number {
  return (client._activeQuery ? 1 : 0) + (client._queryQueue?.length ?? 0);
}

export function pgTransactionState(client: PgClientLike): TransactionState {
  return transactionStateOf(typeof client.getTransactionStatus === 'function' ? client.getTransactionStatus() : client._txStatus);
}

function transactionStateOf(status: string | null | undefined): TransactionState {
  switch (status) {
    case 'I': return 'idle';
    case 'T': return 'open';
    case 'E': return 'aborted';
    default: return 'unknown';
  }
}

export function pgStats(pool: PgPoolLike): PoolStats {
  const total = pool._clients.length;
  const idle = pool._idle.length;
  return { idle, used: total - idle, pending: pool._pendingQueue.length, max: pool.options.max, min: pool.options.min, idleMax: pool.options.max };
}

export function pgEndpoint(pool: PgPoolLike): PoolEndpoint {
  const { options } = pool;
  let address = options.host;
  let port = options.port === undefined ? undefined : Number(options.port);
  let namespace = options.database;
  if (options.connectionString !== undefined) {
    try {
      const url = new URL(options.connectionString);
      address ??= url.hostname || undefined;
      port ??= url.port === '' ? undefined : Number(url.port);
      namespace ??= decodeURIComponent(url.pathname.slice(1)) || undefined;
    } catch {
      // Not a URL (a key=value string): fall back to the environment below.
    }
  }
  return {
    address: address ?? process.env.PGHOST ?? 'localhost',
    port: port ?? (process.env.PGPORT === undefined ? 5432 : Number(process.env.PGPORT)),
    namespace: namespace ?? process.env.PGDATABASE,
  };
}

/** True when @opentelemetry/instrumentation-pg wrapped the pool's connect (shimmer marks it). */
export function instrumentationPgActive(pool: PgPoolLike): boolean {
  const connect = (Object.getPrototypeOf(pool) as { connect?: { __wrapped?: boolean } }).connect;
  return connect?.__wrapped === true;
}

function defineOwn(target: object, key: PropertyKey, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: false });
}

/** poolguard's own faults go to diag; PoolGuardErrors (throw mode) are rethrown by the caller. */
function internalFault(err: unknown): void {
  if (err instanceof PoolGuardError) throw err;
  diag.error('poolguard: internal error in the pg adapter', err);
}

/** With async context on, binds a trailing callback to the caller's context. */
function bindTrailingCallback(args: IArguments): void {
  const last = args.length - 1;
  if (last >= 0 && typeof args[last] === 'function') args[last] = bindToCaller(args[last] as AnyFunction);
}

/** Installs the per-instance wrappers on `pool` and its clients; returns the uninstaller. */
export function installPg(pool: PgPoolLike, state: PoolState): () => void {
  const guardedClients = new Set<PgClientLike>();

  function guardClient(client: PgClientLike): ConnectionState {
    const conn = attachConnection(state, client);
    if (guardedClients.has(client)) return conn;
    guardedClients.add(client);
    const clientProto = Object.getPrototypeOf(client) as PgClientLike;
    // Newer pg has getTransactionStatus(); older ones keep the ReadyForQuery status in _txStatus.
    const transaction = typeof client.getTransactionStatus === 'function'
      ? () => transactionStateOf(client.getTransactionStatus!())
      : () => transactionStateOf(client._txStatus);

    /** Checks a use; returns true when a trailing callback should be bound to the caller. */
    function beforeQuery(viaLease: number | undefined): boolean {
      const internalCall = state.internalCallbacks > 0;
      try {
        checkUse(conn, viaLease, pgInFlight(client), client.pipeline === true, transaction, internalCall);
        return conn.explicit && conn.leased && !internalCall && asyncContextActive();
      } catch (err) {
        internalFault(err);
        return false;
      }
    }
    // pg's query takes (config, values, callback); fixed parameters spare an arguments object per query.
    defineOwn(client, 'query', function query(this: unknown, config: unknown, values?: unknown, callback?: unknown) {
      if (beforeQuery(viaLease())) {
        if (typeof callback === 'function') callback = bindToCaller(callback as AnyFunction);
        else if (typeof values === 'function') values = bindToCaller(values as AnyFunction);
      }
      return clientProto.query.call(this, config, values, callback);
    });

    let release: PgClientLike['release'] = client.release;
    Object.defineProperty(client, 'release', {
      configurable: true,
      enumerable: true,
      get: () => release,
      set: (raw: (err?: unknown) => void) => {
        const leaseId = beginLease(conn);
        release = function release(this: unknown, err?: unknown) {
          let verdict: ReleaseVerdict = PASS;
          try {
            verdict = checkRelease(conn, viaLease() ?? leaseId, Boolean(err), transaction);
          } catch (fault) {
            internalFault(fault);
          }
          if (verdict.pass) raw.call(this, err);
          if (verdict.error !== undefined) throw verdict.error;
        };
      },
    });
    return conn;
  }

  /** The lease started for `client` belongs to this checkout; returns what the caller gets. */
  function claim(client: PgClientLike, owner: Task | undefined, explicit: boolean, requestedAt: number, site: Error | undefined): PgClientLike {
    const conn = connectionStateOf(client) ?? guardClient(client);
    claimLease(conn, owner, explicit, requestedAt, site);
    if (!explicit || !state.settings.leaseHandles) return client;
    return createLeaseHandle(client, conn.leaseId);
  }

  const onConnect = (client: PgClientLike) => { guardClient(client); };
  const onRemove = (client: PgClientLike) => { guardedClients.delete(client); };
  // pg-pool emits 'acquire' before it assigns the lease's release: the app's
  // 'acquire' listeners and `verify` then use the connection for the lease to come.
  const onAcquire = (client: PgClientLike) => {
    const conn = connectionStateOf(client);
    if (conn !== undefined) beginLending(conn);
  };
  pool.prependListener('connect', onConnect);
  pool.prependListener('acquire', onAcquire);
  pool.prependListener('remove', onRemove);
  for (const client of pool._clients) guardClient(client);

  defineOwn(pool, 'connect', function connect(this: PgPoolLike, callback?: PgConnectCallback) {
    const explicit = state.internalCheckouts === 0;
    let owner: Task | undefined;
    try {
      owner = requestCheckout(state);
    } catch (err) {
      internalFault(err);
    }
    const requestedAt = state.metrics?.recording === true ? performance.now() : 0;
    const site = explicit ? captureCheckoutSite(state) : undefined;
    const next = (Object.getPrototypeOf(this) as PgPoolLike).connect;
    if (typeof callback === 'function') {
      const user = explicit && asyncContextActive() ? bindToCaller(callback) : callback;
      return next.call(this, (err, client, done) => {
        if (err || client === undefined) return user(err, client, done);
        const handed = claim(client, owner, explicit, requestedAt, site);
        if (explicit) return user(err, handed, handed === client ? done : handed.release);
        state.internalCallbacks++;
        try {
          return user(err, client, done);
        } finally {
          state.internalCallbacks--;
        }
      });
    }
    // The promise form, through pg's callback form so no extra promise is chained.
    // Like pg-pool, a rejection's stack is re-captured to lead back to the caller.
    const PromiseImpl = this.Promise ?? Promise;
    return new PromiseImpl<PgClientLike>((resolve, reject) => {
      next.call(this, (err, client) => {
        if (err || client === undefined) {
          if (err instanceof Error) Error.captureStackTrace(err);
          reject(err);
        } else {
          resolve(claim(client, owner, explicit, requestedAt, site));
        }
      });
    });
  });

  defineOwn(pool, 'query', function query(this: PgPoolLike, text: unknown) {
    try {
      checkPoolQuery(state, typeof text === 'string' ? text : (text as { text?: unknown } | null)?.text);
      if (asyncContextActive()) bindTrailingCallback(arguments);
    } catch (err) {
      internalFault(err);
    }
    state.internalCheckouts++;
    try {
      return (Object.getPrototypeOf(this) as PgPoolLike).query.apply(this, arguments as unknown as unknown[]);
    } finally {
      state.internalCheckouts--;
    }
  });

  defineOwn(pool, 'end', function end(this: PgPoolLike) {
    try {
      state.onEnd();
    } catch (err) {
      internalFault(err);
    }
    return (Object.getPrototypeOf(this) as PgPoolLike).end.apply(this, arguments as unknown as unknown[]);
  });

  return () => {
    pool.removeListener('connect', onConnect);
    pool.removeListener('acquire', onAcquire);
    pool.removeListener('remove', onRemove);
    for (const key of ['connect', 'query', 'end'] as const) delete (pool as Partial<PgPoolLike>)[key];
    for (const client of guardedClients) {
      const current = client.release;
      delete client.release;
      delete (client as Partial<PgClientLike>).query;
      if (current !== undefined) client.release = current;
    }
    guardedClients.clear();
  };
}
