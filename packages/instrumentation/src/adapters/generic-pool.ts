/*
 * The generic-pool 3 adapter: acquire() resolves a resource, release(resource)
 * and destroy(resource) take it back. generic-pool looks resources up by
 * identity, so a lease handle is turned back into the raw resource before the
 * pool sees it. Resources of known drivers (pg Client, mysql2 connection) get
 * their queries guarded too (resources.ts).
 */
import { PoolGuardError } from '../errors';
import type { ConnectionState, PoolState } from '../internal-types';
import { connectionStateOf } from '../lease';
import { rawOfHandle } from '../lease-handle';
import type { PoolStats } from '../types';
import type { Adapter, InstalledPool } from './adapter';
import { metricsClock, recordCreateTime } from '../pool-metrics';
import { checkoutRequested, deliverWhenLent, leaseDelivered, leaseReturned, refuseCall, rejectAfter, wrapPoolEnd, Wrappers, type AnyFunction } from './kit';
import { poolsOwnUse } from './pools-own-use';
import { endpointOfResource, knownResources, socketOf } from './resources';

interface PooledResource {
  obj: object;
}

export interface GenericPool {
  acquire(priority?: number): PromiseLike<object>;
  use?(fn: (resource: object) => PromiseLike<unknown>, priority?: number): PromiseLike<unknown>;
  release(resource: object): PromiseLike<void>;
  destroy(resource: object): PromiseLike<void>;
  drain(): PromiseLike<void>;
  _factory: unknown;
  /** The pool's `Promise` option (default the global Promise): its promises are of this class. */
  _Promise?: PromiseConstructor;
  /** The factory's create() calls under way. */
  _factoryCreateOperations?: unknown;
  _allObjects: Set<PooledResource>;
  isBorrowedResource?(resource: object): boolean;
  _availableObjects: { length: number };
  _waitingClientsQueue: { length: number };
  size: number;
  available: number;
  borrowed: number;
  pending: number;
  max: number;
  min: number;
}

function isGenericPool(pool: object): pool is GenericPool {
  const p = pool as Partial<GenericPool>;
  return typeof p.acquire === 'function' && typeof p.release === 'function' && typeof p.drain === 'function' &&
    p._factory !== undefined && p._allObjects instanceof Set && p._availableObjects !== undefined;
}

function* connectionsOf(pool: GenericPool): Iterable<ConnectionState> {
  for (const pooled of pool._allObjects) {
    const conn = pooled.obj !== null && typeof pooled.obj === 'object' ? connectionStateOf(pooled.obj) : undefined;
    if (conn !== undefined) yield conn;
  }
}

type Factory = { create?: unknown; validate?: unknown; destroy?: unknown };

/**
 * generic-pool asks its factory for every new resource (create_time: create()
 * is timed while the pool metrics record), with testOnBorrow or testOnReturn
 * to validate a resource it holds, and to destroy one it evicts or clears
 * (validate() and destroy(): the pool's own use of a connection no one holds,
 * not a use after release; pools-own-use.ts). The pool gets a Proxy
 * of the app's factory; everything else, and each method's own `this`, is the
 * factory's.
 */
function watchedFactory(factory: Factory, state: PoolState): Factory {
  return new Proxy(factory, {
    get(target, key) {
      const value = Reflect.get(target, key, target) as unknown;
      if (typeof value !== 'function') return value;
      if (key === 'create') return timedCreate(target, value as AnyFunction, state);
      if (key === 'validate' || key === 'destroy') return poolsOwnUse(target, value as AnyFunction);
      return value;
    },
  });
}

function timedCreate(factory: Factory, create: AnyFunction, state: PoolState): AnyFunction {
  return function timed(this: unknown): unknown {
    const began = metricsClock(state.metrics);
    const created: unknown = create.apply(factory, arguments as unknown as unknown[]);
    recordCreationWhenDone(state, created, began);
    return created;
  };
}

/**
 * A creation that began at `began` (metricsClock; 0 when not timed) is timed
 * when it succeeds, under the name of the server the new resource connects to
 * (a pool named after its library learns it then).
 */
function recordCreationWhenDone(state: PoolState, creation: unknown, began: number): void {
  if (began > 0) Promise.resolve(creation).then((resource) => recordCreation(state, resource, began), () => undefined);
}

function recordCreation(state: PoolState, resource: unknown, began: number): void {
  if (resource !== null && typeof resource === 'object') state.learnEndpoint(endpointOfResource(resource));
  recordCreateTime(state.metrics, began);
}

/**
 * The creations a pool started before poolguard took it over: generic-pool's
 * constructor asks the factory for `min` resources at once, before the
 * instrumentation's hook (or a guardPool() in the same tick) sees the pool.
 * They are timed from now, which is within microseconds of their start then.
 */
function timeCreationsUnderWay(pool: GenericPool, state: PoolState): void {
  if (!(pool._factoryCreateOperations instanceof Set)) return;
  const began = metricsClock(state.metrics);
  // Those operations settle with no resource: the pool's resources name its server then.
  for (const operation of pool._factoryCreateOperations as Set<unknown>) {
    if (began > 0) Promise.resolve(operation).then(() => recordCreation(state, [...pool._allObjects][0]?.obj, began), () => undefined);
  }
}

function install(pool: GenericPool, state: PoolState): InstalledPool {
  const wrappers = new Wrappers();
  const resources = knownResources(state);
  const { firstSight, transaction } = resources;

  const factory = pool._factory;
  if (factory !== null && typeof factory === 'object') {
    const timed = watchedFactory(factory as Factory, state);
    pool._factory = timed;
    wrappers.onUndo(() => {
      if (pool._factory === timed) pool._factory = factory;
    });
  }
  timeCreationsUnderWay(pool, state);

  wrappers.method(pool, 'acquire', (next) => function acquire(this: GenericPool) {
    const request = checkoutRequested(state);
    if (request instanceof PoolGuardError) return refuseCall(request, undefined, true);
    const acquired = next(this).apply(this, arguments as unknown as unknown[]) as PromiseLike<object>;
    return deliverWhenLent(state, request, acquired, (resource) => leaseDelivered(state, resource, request, firstSight(resource)));
  });

  // use(fn) releases the resource fn got once fn's promise settles, and drops the promise release()
  // returns: in throw mode, the error of that release is thrown from it instead, so that use()'s own
  // promise rejects with it (a release fn made itself is fn's, and answers as any other).
  const lentByUse = new WeakSet<object>();
  if (typeof pool.use === 'function') {
    wrappers.method(pool, 'use', (next) => function use(this: GenericPool, fn: unknown, ...rest: unknown[]) {
      if (typeof fn !== 'function') return next(this).call(this, fn, ...rest);
      const lent = (resource: unknown) => {
        const used: unknown = (fn as AnyFunction)(resource);
        if (resource === null || typeof resource !== 'object' || typeof (used as PromiseLike<unknown> | null)?.then !== 'function') return used;
        const giveBackNext = () => lentByUse.add(resource);
        return (used as PromiseLike<unknown>).then((value) => {
          giveBackNext();
          return value;
        }, (err: unknown) => {
          giveBackNext();
          throw err;
        });
      };
      return next(this).call(this, lent, ...rest);
    });
  }

  for (const [name, destroy] of [['release', false], ['destroy', true]] as const) {
    wrappers.method(pool, name, (next) => function giveBack(this: GenericPool, resource: unknown) {
      if (resource === null || typeof resource !== 'object') return next(this).call(this, resource);
      const byUse = lentByUse.delete(resource);
      const { verdict, raw } = leaseReturned(state, resource, destroy, transaction);
      const { error } = verdict;
      if (byUse && error !== undefined) {
        if (verdict.pass) next(this).call(this, raw);
        // use()'s destroy after fn rejected: fn's own error is what use() rejects with (this one is reported).
        if (destroy) return (this._Promise ?? Promise).resolve();
        throw error;
      }
      // Throw mode: generic-pool's release returns a promise, so the error rejects it, after the release
      // went through; a second release goes to generic-pool too, whose own refusal becomes the cause.
      // Each is a promise of the pool's own class (its `Promise` option: Bluebird's asCallback stays).
      const PoolPromise = this._Promise ?? Promise;
      if (!verdict.pass && (error === undefined || !verdict.double)) return error === undefined ? PoolPromise.resolve() : PoolPromise.reject(error);
      const result = next(this).call(this, raw) as unknown;
      return error === undefined ? result : rejectAfter(result, error, PoolPromise);
    });
  }

  // Asked about a lease handle, generic-pool (which keys loans by identity) must see the raw resource.
  if (typeof pool.isBorrowedResource === 'function') {
    wrappers.method(pool, 'isBorrowedResource', (next) => function isBorrowedResource(this: GenericPool, resource: unknown) {
      const raw = resource !== null && typeof resource === 'object' ? rawOfHandle(resource) ?? resource : resource;
      return next(this).call(this, raw) as boolean;
    });
  }

  wrapPoolEnd(wrappers, pool, state, ['drain'], true);

  const allResources = () => [...pool._allObjects].map((pooled) => pooled.obj);
  return {
    connections: () => connectionsOf(pool),
    stats: (): PoolStats => ({ idle: pool.available, used: pool.borrowed, pending: pool.pending, max: pool.max, min: pool.min, idleMax: pool.max }),
    sockets: () => allResources().map(socketOf),
    // As for tarn: a resource being created serves a waiter; the loans and the waiters ahead decide.
    saturated: () => pool.available === 0 && pool.borrowed + pool.pending >= pool.max,
    lentToNext: (conn) => {
      for (const pooled of pool._allObjects) {
        if (pooled.obj !== null && typeof pooled.obj === 'object' && connectionStateOf(pooled.obj) === conn) return pool.isBorrowedResource?.(pooled.obj) ?? false;
      }
      return false;
    },
    uninstall: () => {
      wrappers.uninstall();
      resources.uninstall(allResources());
    },
  };
}

export const genericPoolAdapter: Adapter<GenericPool> = {
  library: 'generic-pool',
  matches: isGenericPool,
  endpoint: () => undefined,
  install,
};
