/*
 * The tarn adapter (tarn 3, the pool inside knex). acquire() returns a pending
 * operation whose `.promise` resolves the resource; release(resource) finds it
 * by identity and returns false, silently, when it is not in use (so a double
 * release has no other signal); destroy() ends the whole pool. Its `destroy`
 * and `validate` options are the pool's own use of a connection. For knex the
 * resource is the raw driver connection (a pg Client or a mysql2 connection),
 * whose queries are guarded too (resources.ts).
 */
import { PoolGuardError } from '../errors';
import type { ConnectionState, PoolState } from '../internal-types';
import { connectionStateOf, fromCurrentHolder } from '../lease';
import type { PoolStats } from '../types';
import type { Adapter, InstalledPool } from './adapter';
import { metricsClock, recordCreateTime } from '../pool-metrics';
import { addOwnListener, callerFrames, checkoutRequested, deliverWhenLent, leaseDelivered, leaseReturned, wrapPoolEnd, Wrappers, type AnyFunction, type CheckoutRequest } from './kit';
import { inKnexRunnerCheckout, isKnexPool, knexEndpoint, markKnexInstance } from './knex';
import { poolsOwnUse } from './pools-own-use';
import { endpointOfResource, knownResources, socketOf } from './resources';

interface Slot {
  resource: object;
}

export interface TarnPool {
  acquire(): { promise: PromiseLike<object> };
  release(resource: object): boolean;
  destroy(): PromiseLike<unknown>;
  used: Slot[];
  free: Slot[];
  pendingAcquires: unknown[];
  pendingCreates: unknown[];
  max: number;
  min: number;
  /** The pool's `destroy` and `validate` options. */
  destroyer?: unknown;
  validate?: unknown;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  removeListener(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** A knex instance: a function with `client.pool` (tarn) once the pool is initialised. */
interface KnexLike {
  client: { pool?: TarnPool; config?: { connection?: unknown; client?: unknown } };
}

function isTarnPool(pool: object): pool is TarnPool {
  const p = pool as Partial<TarnPool>;
  return typeof p.acquire === 'function' && typeof p.release === 'function' && Array.isArray(p.used) && Array.isArray(p.free) &&
    Array.isArray(p.pendingAcquires) && Array.isArray(p.pendingCreates);
}

function isKnex(value: object): value is KnexLike {
  const client = (value as Partial<KnexLike>).client;
  return typeof value === 'function' && client !== null && typeof client === 'object' && client.pool !== undefined && isTarnPool(client.pool);
}

/**
 * knex's query runner releases a streamed query's connection twice by design,
 * on the stream's 'close' and in its own `finally`, and takes tarn's refusal
 * of the second as expected: that is no misuse of the app's. Read only for a
 * release of a connection that is not leased, so other releases pay nothing.
 */
function releasedByKnexRunner(): boolean {
  return callerFrames().some((frame) => /[\\/]knex[\\/]lib[\\/]execution[\\/]runner\.js:/.test(frame));
}

/** tarn moved the connection to `used` for a borrower whose lease has not begun (InstalledPool.lentToNext). */
function lentToNext(pool: TarnPool, conn: ConnectionState): boolean {
  return pool.used.some((slot) => connectionStateOf(slot.resource) === conn);
}

function* connectionsOf(pool: TarnPool): Iterable<ConnectionState> {
  for (const list of [pool.used, pool.free]) {
    for (const slot of list) {
      const conn = connectionStateOf(slot.resource);
      if (conn !== undefined) yield conn;
    }
  }
}

/**
 * tarn fails an acquire through the pending operation it returns, never by
 * throwing: a throw-mode refusal is an operation that has failed already.
 */
function refusedOperation(error: PoolGuardError): object {
  return { promise: Promise.reject(error), isPending: false, isFulfilled: false, isRejected: true, possibleTimeoutCause: null, abort: () => undefined };
}

function install(pool: TarnPool, state: PoolState): InstalledPool {
  const wrappers = new Wrappers();
  const resources = knownResources(state);
  const { firstSight, transaction } = resources;

  wrappers.method(pool, 'acquire', (next) => function acquire(this: TarnPool) {
    const request = checkoutRequested(state);
    if (request instanceof PoolGuardError) return refusedOperation(request);
    const byRunner = inKnexRunnerCheckout();
    const pending = next(this).call(this) as { promise: PromiseLike<object> };
    pending.promise = deliverWhenLent(state, request, pending.promise, (resource) => delivered(resource, request, byRunner)) as PromiseLike<object>;
    return pending;
  });

  /** Whether leases get handles (leaseHandles): never knex's, which keys its own state on the raw connection; read at the first checkout, once knex has noted its pool. */
  let handles: boolean | undefined;

  /** The lease starts. */
  function delivered(resource: object, request: CheckoutRequest, byRunner: boolean): object {
    handles ??= !isKnexPool(pool);
    return leaseDelivered(state, resource, request, firstSight(resource), handles, byRunner);
  }

  wrappers.method(pool, 'release', (next) => function release(this: TarnPool, resource: unknown) {
    if (resource === null || typeof resource !== 'object') return next(this).call(this, resource);
    const conn = connectionStateOf(resource);
    // knex's own second release (its runner's, not the app's): passed on while nobody holds the connection,
    // where tarn refuses it as knex expects; refused in silence once tarn lent it again (it would free that lease).
    if (conn !== undefined && !fromCurrentHolder(conn) && releasedByKnexRunner()) {
      return conn.leased || lentToNext(this, conn) ? false : next(this).call(this, resource);
    }
    const { verdict, raw } = leaseReturned(state, resource, false, transaction);
    if (!verdict.pass) {
      if (verdict.error !== undefined) throw verdict.error;
      return false;
    }
    const released = next(this).call(this, raw) as boolean;
    if (verdict.error !== undefined) throw verdict.error;
    return released;
  });

  wrapPoolEnd(wrappers, pool, state, ['destroy'], true);

  // tarn destroys the connections it reaps, evicts or clears, and validates idle ones before it lends
  // them, through its options: statements those run are the pool's own (pools-own-use.ts).
  for (const name of ['destroyer', 'validate'] as const) {
    const option = pool[name];
    if (typeof option !== 'function') continue;
    const own = poolsOwnUse(pool, option as AnyFunction);
    pool[name] = own;
    wrappers.onUndo(() => {
      if (pool[name] === own) pool[name] = option;
    });
  }

  // create_time: tarn announces every creation, its success and its failure by event id.
  const creating = new Map<unknown, number>();
  const listeners: [string, (eventId: unknown, resource?: unknown) => void][] = [
    ['createRequest', (eventId) => {
      const began = metricsClock(state.metrics);
      if (began > 0) creating.set(eventId, began);
    }],
    ['createSuccess', (eventId, resource) => {
      // Named after the new connection's server first, when the pool's config did not say (a plain tarn pool).
      if (resource !== null && typeof resource === 'object') state.learnEndpoint(endpointOfResource(resource));
      recordCreateTime(state.metrics, creating.get(eventId) ?? 0);
      creating.delete(eventId);
    }],
    ['createFail', (eventId) => creating.delete(eventId)],
  ];
  if (typeof pool.on === 'function') {
    for (const [event, listener] of listeners) addOwnListener(pool, event, listener as AnyFunction, false);
    wrappers.onUndo(() => {
      for (const [event, listener] of listeners) pool.removeListener(event, listener as (...args: unknown[]) => void);
    });
  }

  const allResources = () => [...pool.used, ...pool.free].map((slot) => slot.resource);
  for (const resource of allResources()) firstSight(resource)();

  return {
    connections: () => connectionsOf(pool),
    stats: (): PoolStats => ({ idle: pool.free.length, used: pool.used.length, pending: pool.pendingAcquires.length, max: pool.max, min: pool.min, idleMax: pool.max }),
    sockets: () => allResources().map(socketOf),
    // A connection being created serves the first waiter: this checkout waits for a release only when the
    // leases and the waiters ahead of it fill the pool (a creation one of them no longer needs serves it).
    saturated: () => pool.free.length === 0 && pool.used.length + pool.pendingAcquires.length >= pool.max,
    lentToNext: (conn) => lentToNext(pool, conn),
    uninstall: () => {
      wrappers.uninstall();
      resources.uninstall(allResources());
    },
  };
}

export const tarnAdapter: Adapter<TarnPool | KnexLike> = {
  library: 'tarn',
  matches: (pool): pool is TarnPool | KnexLike => isTarnPool(pool) || isKnex(pool),
  core: (pool) => (isKnex(pool) ? pool.client.pool! : pool),
  endpoint: (pool) => (isKnex(pool) ? knexEndpoint(pool.client) : undefined),
  install: (pool, state) => {
    if (!isKnex(pool)) return install(pool, state);
    markKnexInstance(pool.client as Parameters<typeof markKnexInstance>[0]);
    return install(pool.client.pool!, state);
  },
};
