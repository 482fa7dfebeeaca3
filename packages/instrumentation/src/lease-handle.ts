/*
 * Lease handles (`leaseHandles: true`): the caller gets a proxy bound to one
 * lease instead of the shared connection object. Once that lease ends, every
 * query through the proxy is use_after_release and its release is a stale
 * holder's, whatever the async context. Methods are bound to the real
 * connection, so the driver never runs its internals through proxy traps.
 */
type QueryThroughHandle = (self: unknown, args: IArguments) => unknown;

/** A handle for the lease that `connection` carries now; `query` runs a query through that lease. */
export function createLeaseHandle<C extends object>(connection: C, query: QueryThroughHandle): C {
  const release = (connection as { release?: unknown }).release;
  const bound = new Map<PropertyKey, unknown>();
  function guardedQuery(this: unknown) {
    return query(connection, arguments);
  }
  return new Proxy(connection, {
    get(target, key) {
      if (key === 'query') return guardedQuery;
      if (key === 'release') return release;
      const value = Reflect.get(target, key, target) as unknown;
      if (typeof value !== 'function') return value;
      let fn = bound.get(key);
      if (fn === undefined) {
        fn = (value as (...args: unknown[]) => unknown).bind(target);
        bound.set(key, fn);
      }
      return fn;
    },
    set(target, key, value) {
      return Reflect.set(target, key, value, target);
    },
  });
}
