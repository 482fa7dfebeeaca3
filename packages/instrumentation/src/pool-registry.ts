/*
 * Every guarded pool of this process and thread: unique names, the leak
 * sweep, and the census that fork and boundary detectors read. Pools are held
 * weakly, so an abandoned pool is collected with its state.
 */
import { threadId } from 'node:worker_threads';
import type { PoolState } from './internal-types';
import type { PoolEndpoint } from './types';
import { WeakRefs } from './weak-refs';

const live = new WeakRefs<PoolState>();
/** Names of live pools, and of ended pools whose leases are still held; a name is free again once its pool is done. */
const namesInUse = new Set<string>();
/** The pools that hold their name now: a name is given back once, never one another pool has taken since. */
const named = new WeakSet<PoolState>();

export function endpointName(endpoint: PoolEndpoint | undefined): string | undefined {
  if (endpoint?.address === undefined) return undefined;
  const port = endpoint.port === undefined ? '' : `:${endpoint.port}`;
  const namespace = endpoint.namespace === undefined ? '' : `/${endpoint.namespace}`;
  return `${endpoint.address}${port}${namespace}`;
}

/**
 * `endpoint` without a part that can hold credentials: an address or a
 * database name with an `@` in it comes from a connection string that URL
 * parsing split in the wrong place (a password with an unescaped `/`:
 * `postgres://u:12/secret@host/db` reads as host `u`, port 12, database
 * `secret@host/db`).
 */
export function withoutCredentials(endpoint: PoolEndpoint | undefined): PoolEndpoint | undefined {
  if (endpoint === undefined) return undefined;
  const { address, namespace } = endpoint;
  if (!address?.includes('@') && !namespace?.includes('@')) return endpoint;
  return {
    ...endpoint,
    address: address?.includes('@') ? undefined : address,
    namespace: namespace?.includes('@') ? undefined : namespace,
  };
}

/** A name unique among this process's live pools: the second pool of one name gets `#2`, and so on. */
export function uniquePoolName(base: string): string {
  let name = base;
  for (let n = 2; namesInUse.has(name); n++) name = `${base}#${n}`;
  namesInUse.add(name);
  return name;
}

/** The pool ended: its name may be given to a new pool. */
export function releasePoolName(name: string): void {
  namesInUse.delete(name);
}

/** The current name of each registered pool, for the finalizer: a pool dropped without end() frees its name when collected. */
const nameHolders = new WeakMap<PoolState, { name: string }>();
const freeNameWhenCollected = new FinalizationRegistry<{ name: string }>((holder) => releasePoolName(holder.name));

export function registerPool(pool: PoolState): void {
  live.add(pool);
  named.add(pool);
  const holder = { name: pool.name };
  nameHolders.set(pool, holder);
  freeNameWhenCollected.register(pool, holder, pool);
}

/** The pool took a new name (learnt from its first connection, or given by guardPool()). */
export function poolRenamed(pool: PoolState): void {
  const holder = nameHolders.get(pool);
  if (holder !== undefined) holder.name = pool.name;
}

/** How many of the pool's connections a lease holds now (the app's or the pool's own). */
export function leasedConnections(pool: PoolState): number {
  let leased = 0;
  for (const conn of pool.connections()) if (conn.leased) leased++;
  return leased;
}

function giveBackName(pool: PoolState): void {
  if (!named.delete(pool)) return;
  freeNameWhenCollected.unregister(pool);
  releasePoolName(pool.name);
}

/**
 * The pool ended: it leaves the census. Its name is free again once no lease
 * holds a connection of it (see leaseEndedAfterEnd): until then it still
 * reports, under that name, what those leases do and hold.
 */
export function poolEnded(pool: PoolState): void {
  live.delete(pool);
  if (leasedConnections(pool) === 0) giveBackName(pool);
  // Asked again once the library's own end() has run on: mysql2's closes the lent connections too.
  else queueMicrotask(() => leaseEndedAfterEnd(pool));
}

/** A lease of an ended pool ended: the last one gives the pool's name back. */
export function leaseEndedAfterEnd(pool: PoolState): void {
  if (leasedConnections(pool) === 0) giveBackName(pool);
}

/** The pool was unguarded: it leaves the census and its name is free again. */
export function unregisterPool(pool: PoolState): void {
  live.delete(pool);
  giveBackName(pool);
}

/** The pools alive in this process and thread. */
export function livePools(): PoolState[] {
  return live.values();
}

export const identity = { pid: process.pid, threadId };
