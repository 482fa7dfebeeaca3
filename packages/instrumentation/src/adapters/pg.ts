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
import { attachConnection, beginLease, checkPoolQuery, checkRelease, checkUse, claimLease, connectionStateOf, requestCheckout } from '../lease';
import { createLeaseHandle } from '../lease-handle';
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
  connect(callback?: (err: unknown, client: PgClientLike | undefined, done: unknown) => void): unknown;
  query(...args: unknown[]): unknown;
  end(...args: unknown[]): unknown;
  prependListener(event: 'connect' | 'remove', listener: (client: PgClientLike) => void): unknown;
  removeListener(event: 'connect' | 'remove', listener: (client: PgClientLike) => void): unknown;
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

export function isPgPool(pool: object): pool is PgPoolLike {
  const candidate = pool as Partial<PgPoolLike>;
  return Array.isArray(candidate._clients) && Array.isArray(candidate._idle) && Array.isArray(candidate._pendingQueue) &&
    typeof candidate.connect === 'function' && typeof candidate.Client === 'function';
}

export function pgInFlight(client: PgClientLike): number {
  return (client._activeQuery ? 1 : 0) + (client._queryQueue?.length ?? 0);
}

export function pgTransactionState(client: PgClientLike): TransactionState {
  const status = typeof client.getTransactionStatus === 'function' ? client.getTransactionStatus() : client._txStatus;
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

/** Runs a detector call; PoolGuardErrors (throw mode) pass, poolguard's own faults go to diag. */
function guarded(run: () => void): void {
  try {
    run();
  } catch (err) {
    if (err instanceof PoolGuardError) throw err;
    diag.error('poolguard: internal error in the pg adapter', err);
  }
}

function bindLastCallback(args: IArguments): void {
  const last = args.length - 1;
  if (last >= 0 && typeof args[last] === 'function') args[last] = bindToCaller(args[last] as AnyFunction);
}

/** Installs the per-instance wrappers on `pool` and its clients; returns the uninstaller. */
export function installPg(pool: PgPoolLike, state: PoolState): () => void {
  const poolProto = () => Object.getPrototypeOf(pool) as PgPoolLike;
  const guardedClients = new Set<PgClientLike>();

  function guardClient(client: PgClientLike): ConnectionState {
    const conn = attachConnection(state, client);
    if (guardedClients.has(client)) return conn;
    guardedClients.add(client);
    const clientProto = Object.getPrototypeOf(client) as PgClientLike;
    const transaction = () => pgTransactionState(client);

    const runQuery = (self: unknown, viaLease: number | undefined, args: IArguments): unknown => {
      guarded(() => checkUse(conn, viaLease, pgInFlight(client), client.pipeline === true, transaction, state.internalCallbacks > 0));
      if (conn.leased && conn.explicit && state.internalCallbacks === 0 && asyncContextActive()) bindLastCallback(args);
      return clientProto.query.apply(self, args as unknown as unknown[]);
    };
    defineOwn(client, 'query', function query(this: unknown) {
      return runQuery(this, undefined, arguments);
    });

    let release: PgClientLike['release'] = client.release;
    Object.defineProperty(client, 'release', {
      configurable: true,
      enumerable: true,
      get: () => release,
      set: (raw: (err?: unknown) => void) => {
        const leaseId = beginLease(conn);
        release = function release(this: unknown, err?: unknown) {
          let verdict: ReturnType<typeof checkRelease> = { pass: true };
          guarded(() => { verdict = checkRelease(conn, leaseId, Boolean(err), transaction); });
          if (!verdict.pass) {
            if (verdict.error !== undefined) throw verdict.error;
            return;
          }
          raw.call(this, err);
          if (verdict.error !== undefined) throw verdict.error;
        };
      },
    });
    handles.set(client, (leaseId) => createLeaseHandle(client, (self, args) => runQuery(self, leaseId, args)));
    return conn;
  }

  const handles = new WeakMap<PgClientLike, (leaseId: number) => PgClientLike>();

  /** The lease started for `client` belongs to this checkout; returns what the caller gets. */
  function claim(client: PgClientLike, owner: Task | undefined, explicit: boolean, requestedAt: number): PgClientLike {
    const conn = connectionStateOf(client) ?? guardClient(client);
    claimLease(conn, owner, explicit, requestedAt);
    if (!explicit || !state.settings.leaseHandles) return client;
    return handles.get(client)?.(conn.leaseId) ?? client;
  }

  const onConnect = (client: PgClientLike) => { guardClient(client); };
  const onRemove = (client: PgClientLike) => { guardedClients.delete(client); };
  pool.prependListener('connect', onConnect);
  pool.prependListener('remove', onRemove);
  for (const client of pool._clients) guardClient(client);

  defineOwn(pool, 'connect', function connect(this: PgPoolLike, callback?: AnyFunction) {
    const explicit = state.internalCheckouts === 0;
    let owner: Task | undefined;
    guarded(() => { owner = requestCheckout(state); });
    const requestedAt = state.metrics === undefined ? 0 : performance.now();
    const next = poolProto().connect;
    if (typeof callback === 'function') {
      const user = explicit && asyncContextActive() ? bindToCaller(callback) : callback;
      return next.call(this, (err: unknown, client: PgClientLike | undefined, done: unknown) => {
        if (err || client === undefined) return user(err, client, done);
        const handed = claim(client, owner, explicit, requestedAt);
        if (explicit) return user(err, handed, handed === client ? done : handed.release);
        state.internalCallbacks++;
        try {
          return user(err, client, done);
        } finally {
          state.internalCallbacks--;
        }
      });
    }
    return (next.call(this) as Promise<PgClientLike>).then((client) => claim(client, owner, explicit, requestedAt));
  });

  defineOwn(pool, 'query', function query(this: PgPoolLike, text: unknown) {
    guarded(() => checkPoolQuery(state, typeof text === 'string' ? text : (text as { text?: unknown } | null)?.text));
    if (asyncContextActive()) bindLastCallback(arguments);
    state.internalCheckouts++;
    try {
      return poolProto().query.apply(this, arguments as unknown as unknown[]);
    } finally {
      state.internalCheckouts--;
    }
  });

  defineOwn(pool, 'end', function end(this: PgPoolLike) {
    guarded(() => state.onEnd());
    return poolProto().end.apply(this, arguments as unknown as unknown[]);
  });

  return () => {
    pool.removeListener('connect', onConnect);
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
