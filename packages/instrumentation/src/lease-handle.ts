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

const RAW = Symbol('poolguard.handle.raw');
const LEASE = Symbol('poolguard.handle.lease');

type Handle = { [RAW]?: object; [LEASE]?: number };

let activeLease: number | undefined;

/** The lease id of the handle whose method is running now, if any. */
export function viaLease(): number | undefined {
  return activeLease;
}

export function rawOfHandle(value: object): object | undefined {
  return (value as Handle)[RAW];
}

export function leaseOfHandle(value: object): number | undefined {
  return (value as Handle)[LEASE];
}

/**
 * The traps, shared by every handle (one handler object per handle only holds
 * its lease and the methods it has bound so far), so a lease costs a Proxy,
 * that small record, and one closure per method the app actually calls.
 */
interface HandleState {
  readonly leaseId: number;
  bound: Record<PropertyKey, unknown> | undefined;
}

const TRAPS: ProxyHandler<object> & ThisType<HandleState> = {
  get(this: HandleState, target, key) {
    if (key === RAW) return target;
    if (key === LEASE) return this.leaseId;
    const value = Reflect.get(target, key, target) as unknown;
    if (typeof value !== 'function') return value;
    const bound = (this.bound ??= Object.create(null) as Record<PropertyKey, unknown>);
    const cached = bound[key];
    if (cached !== undefined) return cached;
    const method = value as (...args: unknown[]) => unknown;
    const leaseId = this.leaseId;
    const fn = function throughLease(this: unknown) {
      const outer = activeLease;
      activeLease = leaseId;
      try {
        return method.apply(target, arguments as unknown as unknown[]);
      } finally {
        activeLease = outer;
      }
    };
    bound[key] = fn;
    return fn;
  },
  set(target, key, value) {
    return Reflect.set(target, key, value, target);
  },
};

/** A handle for lease `leaseId` of `connection`. */
export function createLeaseHandle<C extends object>(connection: C, leaseId: number): C {
  const handler: HandleState & ProxyHandler<C> = Object.create(TRAPS) as HandleState & ProxyHandler<C>;
  (handler as { leaseId: number }).leaseId = leaseId;
  handler.bound = undefined;
  return new Proxy(connection, handler);
}
