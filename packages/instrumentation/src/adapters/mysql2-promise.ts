/*
 * mysql2/promise hands out a new PromisePoolConnection per checkout, over the
 * core connection that leases are keyed by. Its statements, release() and
 * destroy() run as the lease the wrapper stands for, as a lease handle's
 * methods do: a stale wrapper's statement or release, after the core
 * connection was lent again, is told from the holder's without any task
 * identity, and the holder's own is never taken for a stale one's, whatever
 * async context it runs in. A wrapper's lease is the one current when it is
 * first used (a wrapper is used during its lease before it can be released),
 * and it keeps that one.
 */
import { connectionStateOf } from '../lease';
import { asLease } from '../lease-handle';
import { patchOnce } from './patch-once';

/** The lease each wrapper stood for when first used. */
const leases = new WeakMap<object, number>();

/**
 * Patches `PromisePoolConnection.prototype` (mysql2/lib/promise/pool_connection.js):
 * its own query(), execute(), release() and destroy(), each calling the one
 * it had (the inherited PromiseConnection method, or its own destroy()).
 */
export function markPromisePoolConnections(PromisePoolConnection: unknown): void {
  const proto = (PromisePoolConnection as { prototype?: object } | null | undefined)?.prototype;
  for (const name of ['query', 'execute', 'release', 'destroy']) {
    patchOnce('mysql2.promise', proto, name, (method) => function asItsLease(this: { connection?: unknown }) {
      const core = this.connection;
      const conn = core !== null && typeof core === 'object' ? connectionStateOf(core) : undefined;
      const args = arguments as unknown as unknown[];
      if (conn === undefined || conn.leaseId === 0) return method.apply(this, args);
      let lease = leases.get(this);
      if (lease === undefined) leases.set(this, (lease = conn.leaseId));
      return asLease(lease, () => method.apply(this, args));
    });
  }
}

type Checkout = (...args: unknown[]) => PromiseLike<unknown>;

/**
 * For a mysql2/promise pool guarded by hand, with no module hook: the
 * wrapper class is patched at the pool's first checkout, before the app gets
 * its wrapper. Returns the undo of the pool's own wrapper (the class stays
 * patched; its methods act as before on unguarded connections).
 */
export function markWrappersAtFirstCheckout(promisePool: { getConnection(): PromiseLike<unknown> }): () => void {
  const target = promisePool as unknown as { getConnection: Checkout };
  const original = target.getConnection;
  const hadOwn = Object.prototype.hasOwnProperty.call(target, 'getConnection');
  let marked = false;
  const getConnection: Checkout = function getConnection(this: unknown) {
    const checkout = original.apply(this, arguments as unknown as unknown[]);
    if (marked) return checkout;
    return checkout.then((wrapper) => {
      marked = true;
      if (wrapper !== null && typeof wrapper === 'object') markPromisePoolConnections(wrapper.constructor);
      return wrapper;
    });
  };
  Object.defineProperty(target, 'getConnection', { value: getConnection, writable: true, configurable: true, enumerable: false });
  return () => {
    if (target.getConnection !== getConnection) return;
    if (hadOwn) target.getConnection = original;
    else delete (target as Partial<typeof target>).getConnection;
  };
}
