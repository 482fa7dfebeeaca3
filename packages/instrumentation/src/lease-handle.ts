/*
 * Lease handles (`leaseHandles: true`): the caller gets a proxy bound to one
 * lease instead of the shared connection object. A call through the handle
 * runs with that lease id in scope (`viaLease()`), so the connection's own
 * wrappers can tell a stale handle from the current borrower whatever the
 * async context: once the lease ends, a query through the handle is
 * use_after_release and a release through it is a stale holder's. Methods are
 * bound to the real connection, so the driver never runs through proxy traps,
 * and a pool that takes connections back by identity gets the raw one
 * (`rawOfHandle`).
 */

import { connectionStateOf } from './lease';

const RAW = Symbol('poolguard.handle.raw');
const LEASE = Symbol('poolguard.handle.lease');

type Handle = { [RAW]?: object; [LEASE]?: number };

let activeLease: number | undefined;

/** The lease id of the handle whose method is running now, if any. */
export function viaLease(): number | undefined {
  return activeLease;
}

/**
 * Runs `fn` as lease `leaseId`'s, as a handle's method runs (a per-checkout
 * wrapper the driver hands out: mysql2/promise), or with no handle's method
 * in scope when undefined (an app callback a pool calls from inside another
 * lease's release).
 */
export function asLease<T>(leaseId: number | undefined, fn: () => T): T {
  const outer = activeLease;
  activeLease = leaseId;
  try {
    return fn();
  } finally {
    activeLease = outer;
  }
}

/** True when lease `leaseId` of `connection` has ended. */
function ended(connection: object, leaseId: number): boolean {
  const conn = connectionStateOf(connection);
  return conn !== undefined && (conn.leaseId !== leaseId || !conn.leased);
}

export function rawOfHandle(value: object): object | undefined {
  return (value as Handle)[RAW];
}

export function leaseOfHandle(value: object): number | undefined {
  return (value as Handle)[LEASE];
}

/**
 * The proxy's handler, one per handle: the traps live on the class, the
 * instance holds the lease id and the methods bound so far (the two hot ones
 * in their own slots, others in a Map made when first needed). A lease costs a
 * Proxy, this small record, and one closure per method the app calls.
 */
class HandleState implements ProxyHandler<object> {
  query: unknown = undefined;
  release: unknown = undefined;
  others: Map<PropertyKey, unknown> | undefined = undefined;
  constructor(readonly leaseId: number) {}

  get(target: object, key: PropertyKey): unknown {
    // The two hot methods first, read by name: a named load on the connection is cheaper than a keyed one.
    if (key === 'query') {
      if (this.query !== undefined) return this.query;
      const value = (target as Methods).query;
      return typeof value === 'function' ? (this.query = throughLease(target, value, this.leaseId)) : value;
    }
    if (key === 'release') {
      if (this.release !== undefined) return this.release;
      const value = (target as Methods).release;
      return typeof value === 'function' ? (this.release = throughLease(target, value, this.leaseId)) : value;
    }
    if (key === RAW) return target;
    if (key === LEASE) return this.leaseId;
    const value = Reflect.get(target, key, target) as unknown;
    // The class is read, not called on the connection: `handle.constructor.name` stays the driver's.
    if (typeof value !== 'function' || key === 'constructor') return value;
    const others = (this.others ??= new Map());
    let bound = others.get(key);
    if (bound === undefined) others.set(key, (bound = throughLease(target, value, this.leaseId)));
    return bound;
  }

  /**
   * An app may patch a method through the handle and restore it later (the
   * node-postgres docs' getClient() wraps query and release to time a
   * checkout). The patch replaces the method the handle hands out, and a
   * method read through any handle is put back on the connection as the
   * method it stands for, never as one lease's closure.
   */
  set(target: object, key: PropertyKey, value: unknown): boolean {
    if (key === 'query') this.query = undefined;
    else if (key === 'release') this.release = undefined;
    else this.others?.delete(key);
    const original = typeof value === 'function' ? (value as Bound)[ORIGINAL] : undefined;
    return Reflect.set(target, key, original ?? value, target);
  }
}

type Methods = { query?: unknown; release?: unknown };

const ORIGINAL = Symbol('poolguard.handle.original');

type Bound = ((...args: unknown[]) => unknown) & { [ORIGINAL]?: unknown };

/** `method` called on the real connection with `leaseId` in scope. */
function throughLease(target: object, method: unknown, leaseId: number): (...args: unknown[]) => unknown {
  const fn = method as (...args: unknown[]) => unknown;
  // One declared parameter: `length` 1, as pg-pool's `release(err)` (the `done` a connect callback gets) has.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const bound: Bound = function throughLease(this: unknown, _first?: unknown) {
    const outer = activeLease;
    // A stale handle's method that calls the current borrower's (a patch the next borrower installed
    // on the connection, as node-postgres' getClient() does) still runs as the stale lease.
    activeLease = outer !== undefined && outer !== leaseId && ended(target, outer) ? outer : leaseId;
    try {
      return fn.apply(target, arguments as unknown as unknown[]);
    } finally {
      activeLease = outer;
    }
  };
  bound[ORIGINAL] = method;
  return bound;
}

/** A handle to `connection` bound to lease `leaseId`. */
export function createLeaseHandle<C extends object>(connection: C, leaseId: number): C {
  return new Proxy(connection, new HandleState(leaseId) as ProxyHandler<C>);
}
