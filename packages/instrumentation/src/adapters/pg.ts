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
import { PoolGuardError } from '../errors';
import type { ConnectionState, PoolState } from '../internal-types';
import { attachConnection, beginLease, checkRelease, claimLease, connectionStateOf, PASS, type ReleaseVerdict } from '../lease';
import { asLease, createLeaseHandle, viaLease } from '../lease-handle';
import { metricsClock, recordCreateTime } from '../pool-metrics';
import type { PoolStats, TransactionState } from '../types';
import type { Adapter, InstalledPool } from './adapter';
import { addOwnListener, bindCallback, checkoutFailure, checkoutRequested, deliverWhenLent, ConnectionWrappers, internalFault, keepCause, refuseCall, wrapPoolEnd, wrapPoolStatements, Wrappers, type AnyFunction, type CheckoutRequest } from './kit';
import { pgEndpoint } from './pg-endpoint';
import { guardPgQuery, pgInFlight, type PgClientLike } from './resources';

/** The parts of pg-pool poolguard reads. Internal fields are read defensively. */
export interface PgPoolLike {
  options: { max?: number; min?: number; host?: string; port?: number | string | null; database?: string; user?: string; connectionString?: string };
  Client: new (...args: unknown[]) => PgPoolClient;
  Promise?: PromiseConstructor;
  _clients: PgPoolClient[];
  _idle: unknown[];
  _pendingQueue: unknown[];
  connect(callback?: PgConnectCallback): unknown;
  query(...args: unknown[]): unknown;
  end(...args: unknown[]): unknown;
  prependListener(event: 'connect' | 'acquire' | 'remove', listener: (client: PgPoolClient) => void): unknown;
  removeListener(event: 'connect' | 'acquire' | 'remove', listener: (client: PgPoolClient) => void): unknown;
}

interface PgPoolClient extends PgClientLike {
  release?: (err?: unknown) => void;
}

type PgConnectCallback = (err: unknown, client: PgPoolClient | undefined, done: unknown) => void;

export function isPgPool(pool: object): pool is PgPoolLike {
  const candidate = pool as Partial<PgPoolLike>;
  return Array.isArray(candidate._clients) && Array.isArray(candidate._idle) && Array.isArray(candidate._pendingQueue) &&
    typeof candidate.connect === 'function' && typeof candidate.Client === 'function';
}

export function pgStats(pool: PgPoolLike): PoolStats {
  const total = pool._clients.length;
  const idle = pool._idle.length;
  return { idle, used: total - idle, pending: pool._pendingQueue.length, max: pool.options.max, min: pool.options.min, idleMax: pool.options.max };
}

/** True when @opentelemetry/instrumentation-pg wrapped the pool's connect (shimmer marks it). */
export function instrumentationPgActive(pool: PgPoolLike): boolean {
  const connect = (Object.getPrototypeOf(pool) as { connect?: { __wrapped?: boolean } }).connect;
  return connect?.__wrapped === true;
}

/** Per-client state behind the shared `release` accessor. */
interface ReleaseSlot {
  readonly conn: ConnectionState;
  readonly transaction: () => TransactionState;
  /** A statement is in flight: pg-pool releases its own pool.query lease only after it (checkRelease's `early`). */
  readonly busy: () => boolean;
  /** The current lease's release, as the app and pg-pool read it. */
  release: ((err?: unknown) => void) | undefined;
}

const RELEASE_SLOT = Symbol('poolguard.pg.release');

/** connectAsPromise could not swap the pool's Promise; the callback form is used. */
const NOT_SWAPPED = Symbol('poolguard.pg.notSwapped');

type SlottedClient = PgPoolClient & { [RELEASE_SLOT]?: ReleaseSlot };

/**
 * Marks the releases poolguard hands out: an app that saved one and assigns it
 * back (a wrapper's restore) is not pg-pool lending. A property set on each
 * new release (all of one shape), not a WeakSet: a WeakSet insert per lease
 * cost about 0.2 µs a cycle.
 */
const LEASE_RELEASE = Symbol('poolguard.pg.leaseRelease');

type MarkedRelease = ((err?: unknown) => void) & { [LEASE_RELEASE]?: true };

/**
 * Throw mode refuses a second release with a PoolGuardError; pg's own error
 * for it is kept as its `cause`. pg-pool refuses a second release itself,
 * changing nothing, so asking it is safe.
 */
function keepDriverError(error: PoolGuardError, secondRelease: () => void): void {
  try {
    secondRelease();
  } catch (driverError) {
    keepCause(error, driverError);
  }
}

/** A release bound to one lease, so a stale holder's release can be told from the current borrower's. */
function leaseRelease(slot: ReleaseSlot, leaseId: number, raw: (err?: unknown) => void): (err?: unknown) => void {
  const release = function release(this: unknown, err?: unknown) {
    let verdict: ReleaseVerdict = PASS;
    try {
      const viaHandle = viaLease();
      verdict = checkRelease(slot.conn, viaHandle ?? leaseId, Boolean(err), slot.transaction, viaHandle !== undefined, slot.busy);
    } catch (fault) {
      internalFault(fault);
    }
    if (verdict.pass) raw.call(this, err);
    else if (verdict.double && verdict.error !== undefined) keepDriverError(verdict.error, () => raw.call(this, err));
    if (verdict.error !== undefined) throw verdict.error;
  };
  (release as MarkedRelease)[LEASE_RELEASE] = true;
  return release;
}

/**
 * One accessor for every client: pg-pool's `client.release = …` at each
 * checkout starts a lease. The getter and setter are shared functions, not
 * per-client closures: V8 keys an object's hidden class on its accessor pairs,
 * and per-client ones would give every client its own class and make pg's own
 * property accesses on clients megamorphic (measured: +20 % client CPU).
 */
const RELEASE_ACCESSOR: PropertyDescriptor = {
  configurable: true,
  enumerable: true,
  get(this: SlottedClient) {
    return this[RELEASE_SLOT]?.release;
  },
  set(this: SlottedClient, raw: (err?: unknown) => void) {
    const slot = this[RELEASE_SLOT];
    if (slot === undefined) {
      Object.defineProperty(this, 'release', { value: raw, writable: true, configurable: true, enumerable: true });
      return;
    }
    // pg-pool assigns only when it lends a client that is not leased, and never one of poolguard's
    // releases. An assignment during a lease, or of a release the app saved (a wrapper restoring it,
    // before or after calling it), is the app's own (node-postgres' docs wrap release to time
    // checkouts): kept as is; the wrapper it installs still calls its lease's release.
    if (slot.conn.leased || (raw as MarkedRelease)[LEASE_RELEASE] === true) {
      slot.release = raw;
      return;
    }
    slot.release = leaseRelease(slot, beginLease(slot.conn), raw);
  },
};

/**
 * pg-pool emits 'acquire' before it assigns the lease's release (which starts
 * the lease): the app's 'acquire' listeners use the connection for the lease
 * to come. Then the client has left the idle list but is still the pool's.
 * Read only for a use of a connection not leased that would otherwise be
 * use_after_release, so a checkout pays for no 'acquire' listener.
 */
function handingOut(pool: PgPoolLike, conn: ConnectionState): boolean {
  const client = pool._clients.find((candidate) => connectionStateOf(candidate) === conn);
  // pg-pool 2.x and 3.x keep IdleItems ({ client, ... }) in _idle; a bare client is accepted too.
  return client !== undefined && !pool._idle.some((item) => item === client || (item as { client?: unknown } | null)?.client === client);
}

/** Replaces a socket-side stack (`TCP.onStreamRead`) with one that leads to the app, as pg-pool does. */
function recaptureStack(err: unknown): never {
  if (err instanceof Error) Error.captureStackTrace(err, recaptureStack);
  throw err;
}

/** pg-pool's own prototype (the one that defines `_acquireClient`), beneath pg's and the app's subclasses. */
function pgPoolPrototype(pool: PgPoolLike): { connect?: unknown } | undefined {
  for (let proto = Object.getPrototypeOf(pool) as object | null; proto !== null; proto = Object.getPrototypeOf(proto) as object | null) {
    if (Object.prototype.hasOwnProperty.call(proto, '_acquireClient')) return proto as { connect?: unknown };
  }
  return undefined;
}

function* connectionsOf(pool: PgPoolLike): Iterable<ConnectionState> {
  for (const client of pool._clients) {
    const conn = connectionStateOf(client);
    if (conn !== undefined) yield conn;
  }
}

function install(pool: PgPoolLike, state: PoolState): InstalledPool {
  const wrappers = new Wrappers();
  const clients = new ConnectionWrappers<PgPoolClient>();

  function guardClient(client: PgPoolClient): ConnectionState {
    const conn = attachConnection(state, client);
    if (!clients.adopt(client)) return conn;
    const transaction = guardPgQuery(state, client, clients.wrapperOf(client));

    const slot: ReleaseSlot = { conn, transaction, busy: () => pgInFlight(client) > 0, release: client.release };
    Object.defineProperty(client, RELEASE_SLOT, { value: slot, writable: true, configurable: true, enumerable: false });
    Object.defineProperty(client, 'release', RELEASE_ACCESSOR);
    return conn;
  }

  /** The lease started for `client` (the release setter) belongs to this checkout; returns what the caller gets. */
  function claim(client: PgPoolClient, request: CheckoutRequest): PgPoolClient {
    const conn = connectionStateOf(client) ?? guardClient(client);
    claimLease(conn, request);
    if (!request.explicit || !state.settings.leaseHandles) return client;
    return createLeaseHandle(client, conn.leaseId);
  }

  // create_time: pg-pool builds clients with `new pool.Client(options)`; a constructor that
  // returns the real client (prototype and hidden class unchanged) notes when it began. A class
  // the app derives from it later (`pool.Client = class extends pool.Client`) keeps its prototype.
  const OriginalClient = pool.Client;
  const createdAt = new WeakMap<object, number>();
  const GuardedClient = function Client(...args: unknown[]): PgPoolClient {
    const derived: unknown = new.target;
    const client: PgPoolClient = derived === undefined || derived === GuardedClient
      ? new OriginalClient(...args)
      : Reflect.construct(OriginalClient, args, derived as typeof OriginalClient) as PgPoolClient;
    const began = metricsClock(state.metrics);
    if (began > 0) createdAt.set(client, began);
    return client;
  } as unknown as PgPoolLike['Client'];
  GuardedClient.prototype = OriginalClient.prototype;
  Object.defineProperty(pool, 'Client', { value: GuardedClient, writable: true, configurable: true, enumerable: true });
  wrappers.onUndo(() => {
    if (pool.Client === GuardedClient) pool.Client = OriginalClient;
  });

  const onConnect = (client: PgPoolClient) => {
    guardClient(client);
    recordCreateTime(state.metrics, createdAt.get(client) ?? 0);
  };
  addOwnListener(pool, 'connect', onConnect, true);
  wrappers.onUndo(() => pool.removeListener('connect', onConnect));
  for (const client of pool._clients) guardClient(client);

  const pgPoolProto = pgPoolPrototype(pool);
  wrappers.method(pool, 'connect', (next) => function connect(this: PgPoolLike, callback?: PgConnectCallback) {
    const request = checkoutRequested(state);
    if (request instanceof PoolGuardError) return refuseCall(request, callback, true);
    const connectNext = next(this);
    if (typeof callback === 'function') {
      const user = bindCallback(callback, request.explicit);
      return connectNext.call(this, (err: unknown, client: PgPoolClient | undefined, done: unknown) => {
        if (checkoutFailed(request, err, client)) return user(err, client, done);
        const handed = claimSafely(client!, request);
        // pg-pool may call this from inside the previous holder's release, through its handle: the waiter's code is its own.
        if (request.explicit) return asLease(undefined, () => user(err, handed, handed === client ? done : handed.release));
        state.internalCallbacks++;
        try {
          return user(err, client, done);
        } finally {
          state.internalCallbacks--;
        }
      });
    }
    // pg-pool's own connect, unwrapped, is called in its callback form below. Anything else (another
    // instrumentation's wrapper, shimmer-marked; a subclass's override, which may need the promise form)
    // is called as the app called it, and the lease is claimed through the pool's Promise.
    if (connectNext !== pgPoolProto?.connect || (connectNext as { __wrapped?: boolean }).__wrapped === true) {
      const result = connectAsPromise(this, connectNext, request);
      if (result !== NOT_SWAPPED) return result;
    }
    // The promise form, through pg's callback form: the lease is claimed in the same
    // synchronous run in which pg-pool starts it, so no release can slip in between
    // (a stale holder's second release while a waiter is handed the connection).
    // Like pg-pool, a rejection's stack is re-captured in a reaction to the promise, where V8's async
    // stack trace leads back to the app's awaiting callers.
    return new (this.Promise ?? Promise)<PgPoolClient>((resolve, reject) => {
      connectNext.call(this, (err: unknown, client: PgPoolClient | undefined) => {
        settle(request, err, client, resolve, reject);
      });
    }).catch(recaptureStack);
  });

  /*
   * Another instrumentation wrapped pg-pool's connect (shimmer marks it; so does
   * @opentelemetry/instrumentation-pg). Its callback form binds the callback to
   * the active OTel context, which costs more than its promise form, so the
   * promise form goes through as a promise. pg-pool builds that promise with
   * `new pool.Promise(...)` inside the call; for that one call the pool's
   * Promise is a constructor whose resolve claims the lease, in the same
   * synchronous run in which pg-pool starts it, as in the callback form.
   */
  let claimFor: CheckoutRequest | undefined;
  let PromiseForClaim: PromiseConstructor = Promise;
  const ClaimingPromise = function ClaimingPromise(executor: (resolve: (value: unknown) => void, reject: (reason: unknown) => void) => void) {
    const request = claimFor;
    claimFor = undefined;
    if (request === undefined) return new PromiseForClaim(executor);
    return new PromiseForClaim((resolve, reject) => {
      executor((client) => settle(request, undefined, client as PgPoolClient | undefined, resolve, reject), (err) => settle(request, err, undefined, resolve, reject));
    });
  } as unknown as PromiseConstructor;
  Object.assign(ClaimingPromise, {
    resolve: (value: unknown) => PromiseForClaim.resolve(value),
    reject: (reason: unknown) => PromiseForClaim.reject(reason),
  });

  /** True when pg-pool answered `request` with no client; a timeout is counted. */
  function checkoutFailed(request: CheckoutRequest, err: unknown, client: PgPoolClient | null | undefined): boolean {
    if (!err && client != null) return false;
    checkoutFailure(state, request, err);
    return true;
  }

  /** Ends a promise-form checkout: rejected on failure, else resolved with the claimed client. */
  function settle(request: CheckoutRequest, err: unknown, client: PgPoolClient | undefined, resolve: (value: PgPoolClient) => void, reject: (reason: unknown) => void): void {
    if (checkoutFailed(request, err, client)) reject(err);
    else resolve(claimSafely(client!, request));
  }

  function claimSafely(client: PgPoolClient, request: CheckoutRequest): PgPoolClient {
    try {
      return claim(client, request);
    } catch (fault) {
      internalFault(fault);
      return client;
    }
  }

  /** Returns NOT_SWAPPED, having called nothing, when the pool's Promise cannot be swapped. */
  function connectAsPromise(self: PgPoolLike, connectNext: AnyFunction, request: CheckoutRequest): unknown {
    const saved = self.Promise;
    try {
      self.Promise = ClaimingPromise;
    } catch {
      // A frozen or read-only Promise: the callback form below.
    }
    if (self.Promise !== ClaimingPromise) return NOT_SWAPPED;
    claimFor = request;
    PromiseForClaim = saved ?? Promise;
    let result: unknown;
    let unclaimed: CheckoutRequest | undefined;
    try {
      result = connectNext.call(self);
    } finally {
      self.Promise = saved;
      PromiseForClaim = Promise;
      unclaimed = claimFor;
      claimFor = undefined;
    }
    if (unclaimed === undefined || typeof (result as { then?: unknown } | undefined)?.then !== 'function') return result;
    // The wrapper did not let pg-pool build the promise (it passed its own callback): claim when the
    // client arrives. Until then the lease is still being lent, and uses of it are not judged.
    return deliverWhenLent(state, request, result as Promise<PgPoolClient | undefined>, (client) => claimSafely(client, request));
  }

  wrapPoolStatements(wrappers, pool, state, ['query'], true);
  wrapPoolEnd(wrappers, pool, state, ['end'], true);

  return {
    connections: () => connectionsOf(pool),
    stats: () => pgStats(pool),
    sockets: () => pool._clients.map((client) => (client as { connection?: { stream?: unknown } }).connection?.stream),
    saturated: () => pool._idle.length === 0 && pool._clients.length >= (pool.options.max ?? 10),
    waitsBehindQueue: () => pool._pendingQueue.length >= pool._idle.length && pool._clients.length >= (pool.options.max ?? 10),
    handingOut: (conn) => handingOut(pool, conn),
    uninstall: () => {
      wrappers.uninstall();
      for (const client of pool._clients as SlottedClient[]) {
        const current = client.release;
        delete client.release;
        delete client[RELEASE_SLOT];
        if (current !== undefined) client.release = current;
      }
      clients.uninstall(pool._clients);
    },
  };
}

export const pgAdapter: Adapter<PgPoolLike> = {
  library: 'pg',
  matches: isPgPool,
  endpoint: pgEndpoint,
  occupancyReportedElsewhere: instrumentationPgActive,
  install,
};
