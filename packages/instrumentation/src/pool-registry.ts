/*
 * Every guarded pool of this process and thread: unique names, the leak
 * sweep, and the census that fork and boundary detectors read. Pools are held
 * weakly, so an abandoned pool is collected with its state.
 */
import { threadId } from 'node:worker_threads';
import type { PoolState } from './internal-types';
import type { PoolEndpoint } from './types';

const live = new Set<WeakRef<PoolState>>();
const nameCounts = new Map<string, number>();

/** `server.address:server.port/db.namespace`, without credentials. */
export function endpointName(endpoint: PoolEndpoint | undefined): string | undefined {
  if (endpoint?.address === undefined) return undefined;
  const port = endpoint.port === undefined ? '' : `:${endpoint.port}`;
  const namespace = endpoint.namespace === undefined ? '' : `/${endpoint.namespace}`;
  return `${endpoint.address}${port}${namespace}`;
}

/** A name unique within this process: the second pool of one name gets `#2`. */
export function uniquePoolName(base: string): string {
  const count = (nameCounts.get(base) ?? 0) + 1;
  nameCounts.set(base, count);
  return count === 1 ? base : `${base}#${count}`;
}

export function registerPool(pool: PoolState): void {
  live.add(new WeakRef(pool));
}

export function unregisterPool(pool: PoolState): void {
  for (const ref of live) if (ref.deref() === pool) live.delete(ref);
}

/** The pools alive in this process and thread. */
export function livePools(): PoolState[] {
  const pools: PoolState[] = [];
  for (const ref of live) {
    const pool = ref.deref();
    if (pool === undefined) live.delete(ref);
    else pools.push(pool);
  }
  return pools;
}

export const identity = { pid: process.pid, threadId };
