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

/** A handle for lease `leaseId` of `connection`. */
export function createLeaseHandle<C extends object>(connection: C, leaseId: number): C {
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(connection, {
    get(target, key) {
      if (key === RAW) return target;
      if (key === LEASE) return leaseId;
      const value = Reflect.get(target, key, target) as unknown;
      if (typeof value !== 'function') return value;
      let fn = bound.get(key);
      if (fn === undefined) {
        const method = value as (...args: unknown[]) => unknown;
        fn = function throughLease(this: unknown, ...args: unknown[]) {
          const outer = activeLease;
          activeLease = leaseId;
          try {
            return method.apply(target, args);
          } finally {
            activeLease = outer;
          }
        };
        bound.set(key, fn);
      }
      return fn;
    },
    set(target, key, value) {
      return Reflect.set(target, key, value, target);
    },
  });
}
