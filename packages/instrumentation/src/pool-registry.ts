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
/** Names of live pools; a name is free again once its pool ends. */
const namesInUse = new Set<string>();

/** `server.address:server.port/db.namespace`, without credentials. */
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
  const holder = { name: pool.name };
  nameHolders.set(pool, holder);
  freeNameWhenCollected.register(pool, holder, pool);
}

/** The pool took a new name (learnt from its first connection, or given by guardPool()). */
export function poolRenamed(pool: PoolState): void {
  const holder = nameHolders.get(pool);
  if (holder !== undefined) holder.name = pool.name;
}

/** The pool ended or was unguarded: it leaves the census and its name is free again. */
export function unregisterPool(pool: PoolState): void {
  live.delete(pool);
  freeNameWhenCollected.unregister(pool);
  releasePoolName(pool.name);
}

/** The pools alive in this process and thread. */
export function livePools(): PoolState[] {
  return live.values();
}

export const identity = { pid: process.pid, threadId };
