/*
 * Recognises pools, clients and connections of the supported libraries (pg,
 * mysql2 callback and promise, its PoolCluster, generic-pool, tarn, knex) by duck typing, so a
 * boundary check can tell one in a message whether poolguard guards it or not,
 * connected or not. Only own data fields are tested first (hasOwn never runs a
 * getter of an app object), and each shape needs several library-private
 * fields at once, so a plain app object is not mistaken for a pool.
 *
 * `findPoolValue` walks a message: plain objects, arrays, Maps and Sets to a
 * depth of 3 (DESIGN "Boundary payloads"), with a bounded breadth so that a
 * large message costs a bounded, small amount.
 */
import { poolOfKnexTransaction } from './adapters/knex';
import { poolStateOf } from './guard';
import type { ConnectionState, PoolState } from './internal-types';
import { connectionStateOf } from './lease';
import { livePools } from './pool-registry';

export type RecognisedLibrary = 'pg' | 'mysql2' | 'generic-pool' | 'tarn' | 'knex';

export interface Recognised {
  readonly library: RecognisedLibrary;
  readonly role: 'pool' | 'client' | 'connection';
  /** What it is, for messages: "pg Pool", "mysql2 PromisePoolConnection". */
  readonly label: string;
  /** The guarded pool it belongs to, when poolguard guards it. */
  readonly state: PoolState | undefined;
  /** For a connection of a guarded pool: its state (its lease, while lent). */
  readonly connection?: ConnectionState | undefined;
}

/** How deep `findPoolValue` looks: the message is depth 0. */
export const MAX_DEPTH = 3;
/** How many objects among one container's values it looks at; primitives are skipped free. */
export const MAX_BREADTH = 64;
/** How many objects of one message it looks at in all; primitives cost nothing. */
export const MAX_VISITS = 1024;
/** How many entries of one container it steps over, primitives and holes included (a sparse array's length is no bound). */
export const MAX_SCAN = 4096;

type Bag = Record<string, unknown>;

const hasOwn = (value: object, key: string) => Object.prototype.hasOwnProperty.call(value, key);
const isFn = (value: unknown): boolean => typeof value === 'function';

function own(value: object, ...keys: string[]): boolean {
  for (const key of keys) if (!hasOwn(value, key)) return false;
  return true;
}

function found(library: RecognisedLibrary, role: Recognised['role'], label: string, state: PoolState | undefined, connection?: ConnectionState): Recognised {
  return { library, role, label: `${library} ${label}`, state, ...(connection === undefined ? {} : { connection }) };
}

/**
 * The guarded pool one of whose connections has `socket` (a pg Client's
 * `connection`, which has no way back to its client): looked up among the
 * live pools, only when such an object is found in a message.
 */
function poolOfSocket(socket: unknown): PoolState | undefined {
  if (socket === null || typeof socket !== 'object') return undefined;
  return livePools().find((pool) => {
    for (const own of pool.sockets?.() ?? []) if (own === socket) return true;
    return false;
  });
}

function pg(value: Bag): Recognised | undefined {
  if (own(value, '_clients', '_idle', '_pendingQueue', 'options') && Array.isArray(value._clients) && isFn(value.connect)) {
    return found('pg', 'pool', 'Pool', poolStateOf(value));
  }
  if (own(value, 'connectionParameters', '_queryQueue', 'connection') && isFn(value.query)) {
    // A PoolClient is a Client that pg-pool gave a `release`; a lease handle forwards both.
    const conn = connectionStateOf(value);
    return found('pg', conn === undefined ? 'client' : 'connection', isFn(value.release) ? 'PoolClient' : 'Client', conn?.pool, conn);
  }
  if (own(value, 'stream', 'parsedStatements', 'submittedNamedStatements')) {
    return found('pg', 'connection', 'Connection', poolOfSocket(value.stream));
  }
  return undefined;
}

function mysql2Core(value: Bag): Recognised | undefined {
  if (own(value, 'config', '_allConnections', '_freeConnections', '_connectionQueue') && isFn(value.getConnection)) {
    return found('mysql2', 'pool', 'Pool', poolStateOf(value));
  }
  if (own(value, 'config', 'stream', '_commands', '_statements') && isFn(value.query)) {
    const pooled = hasOwn(value, '_pool');
    const conn = connectionStateOf(value);
    return found('mysql2', pooled ? 'connection' : 'client', pooled ? 'PoolConnection' : 'Connection', conn?.pool, conn);
  }
  return undefined;
}

/** The guarded state of the first of a PoolCluster's pools poolguard guards, to report on (its `_nodes`: id → { pool }). */
function clusterState(cluster: Bag): PoolState | undefined {
  const nodes = cluster._nodes;
  if (nodes === null || typeof nodes !== 'object') return undefined;
  for (const node of Object.values(nodes as Bag)) {
    const pool = node !== null && typeof node === 'object' && hasOwn(node, 'pool') ? (node as Bag).pool : undefined;
    const state = pool !== null && typeof pool === 'object' ? poolStateOf(pool) : undefined;
    if (state !== undefined) return state;
  }
  return undefined;
}

/** A PoolCluster (createPoolCluster()) or one of its namespaces (cluster.of(pattern)). */
function mysql2Cluster(value: Bag): Recognised | undefined {
  if (own(value, '_nodes', '_serviceableNodeIds', '_namespaces') && isFn(value.of) && isFn(value.getConnection)) {
    return found('mysql2', 'pool', 'PoolCluster', clusterState(value));
  }
  if (own(value, '_cluster', '_pattern', '_selector') && isFn(value.getConnection)) {
    const cluster = value._cluster;
    return found('mysql2', 'pool', 'PoolNamespace', cluster !== null && typeof cluster === 'object' ? clusterState(cluster as Bag) : undefined);
  }
  return undefined;
}

function mysql2(value: Bag): Recognised | undefined {
  const core = mysql2Core(value) ?? mysql2Cluster(value);
  if (core !== undefined) return core;
  // mysql2/promise wraps the core object in `pool`, `connection`, `poolCluster` or `poolNamespace`,
  // next to a `Promise` constructor.
  if (!hasOwn(value, 'Promise')) return undefined;
  const field = ['pool', 'connection', 'poolCluster', 'poolNamespace'].find((key) => hasOwn(value, key));
  const inner = field === undefined ? undefined : value[field];
  if (inner === null || typeof inner !== 'object') return undefined;
  const wrapped = mysql2Core(inner as Bag) ?? mysql2Cluster(inner as Bag);
  if (wrapped === undefined) return undefined;
  const label = field === 'poolCluster' ? 'PromisePoolCluster'
    : field === 'poolNamespace' ? 'PromisePoolNamespace'
      : wrapped.role === 'pool' ? 'PromisePool' : wrapped.role === 'connection' ? 'PromisePoolConnection' : 'PromiseConnection';
  return found('mysql2', wrapped.role, label, wrapped.state ?? poolStateOf(value), wrapped.connection);
}

function genericPool(value: Bag): Recognised | undefined {
  if (own(value, '_factory', '_config', '_availableObjects', '_resourceLoans') && isFn(value.acquire)) {
    return found('generic-pool', 'pool', 'Pool', poolStateOf(value));
  }
  return undefined;
}

function tarn(value: Bag): Recognised | undefined {
  if (own(value, 'creator', 'destroyer', 'used', 'free', 'pendingAcquires') && Array.isArray(value.used) && isFn(value.acquire)) {
    return found('tarn', 'pool', 'Pool', poolStateOf(value));
  }
  return undefined;
}

/**
 * The guarded tarn pool behind a knex client (or a transaction's client, which
 * holds none of its own), so a report names the pool; read as fields, never
 * getters.
 */
function knexPoolState(client: unknown): PoolState | undefined {
  if (client === null || typeof client !== 'object') return undefined;
  const bag = client as Bag;
  const pool = hasOwn(bag, 'pool') ? bag.pool : hasOwn(bag, 'transacting') && hasOwn(bag, 'config') ? poolOfKnexTransaction(bag) : undefined;
  return pool !== null && typeof pool === 'object' ? poolStateOf(pool) : undefined;
}

function knex(value: Bag): Recognised | undefined {
  // A knex instance (and a transaction) is a function carrying `client`; its `client` getter only returns a field.
  if (typeof (value as unknown) === 'function') {
    if (hasOwn(value, 'client') && isFn(value.raw) && isFn(value.transaction) && isFn(value.destroy)) {
      return found('knex', 'pool', 'instance', knexPoolState(value.client));
    }
    return undefined;
  }
  if (own(value, 'config', 'connectionSettings', 'driver') && isFn(value.acquireConnection)) {
    return found('knex', 'client', 'Client', knexPoolState(value));
  }
  return undefined;
}

/** The pool, client or connection `value` is, or undefined. Never throws. */
export function recognise(value: unknown): Recognised | undefined {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return undefined;
  const bag = value as Bag;
  try {
    if (typeof value === 'function') return knex(bag);
    return pg(bag) ?? mysql2(bag) ?? genericPool(bag) ?? tarn(bag) ?? knex(bag);
  } catch {
    // A revoked proxy or a throwing trap: not something poolguard can recognise.
    return undefined;
  }
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === Object.prototype || proto === null;
}

/** Values left to look at in the current message; reset per message (searches never nest). */
let visitsLeft = 0;
/** The current message is sent as JSON text (IPC's default 'json' serialization), where an object's own toJSON() decides what crosses. */
let asJsonText = false;

/**
 * The first pool, client or connection in `message`, looking into plain
 * objects, arrays, Maps and Sets to MAX_DEPTH. Primitives return at once, and
 * primitive values in a container count against no bound: a pool after many
 * scalar fields, or beside a result set of a few hundred small rows, is found.
 * Plain data costs a few hundred nanoseconds per kilobyte: no allocation,
 * one typeof per field, recognise() only for class instances. `jsonText`:
 * the message is sent as JSON, so a plain object with a toJSON() method sends
 * what that returns (`{ name, pool, toJSON() { return { name }; } }` sends no
 * pool); it is not looked into, and poolguard does not call it.
 */
export function findPoolValue(message: unknown, jsonText = false): Recognised | undefined {
  if (message === null || (typeof message !== 'object' && typeof message !== 'function')) return undefined;
  visitsLeft = MAX_VISITS;
  asJsonText = jsonText;
  try {
    return search(message as object, 0);
  } catch {
    return undefined;
  }
}

/** One more value looked into, if the message's budget allows. Leaves (dates, buffers) spend none. */
function spend(): boolean {
  return --visitsLeft >= 0;
}

function search(value: object, depth: number): Recognised | undefined {
  if (typeof value === 'function') return spend() ? recognise(value) : undefined;
  if (Array.isArray(value)) {
    if (!spend() || depth >= MAX_DEPTH) return undefined;
    let seen = 0;
    const length = Math.min(value.length, MAX_SCAN);
    for (let i = 0; i < length; i++) {
      const child: unknown = value[i];
      if (child !== null && (typeof child === 'object' || typeof child === 'function')) {
        if (++seen > MAX_BREADTH) break;
        const hit = search(child, depth + 1);
        if (hit !== undefined) return hit;
      }
    }
    return undefined;
  }
  if (isPlainObject(value)) {
    if (!spend() || depth >= MAX_DEPTH || (asJsonText && typeof (value as Bag).toJSON === 'function')) return undefined;
    let seen = 0;
    let scanned = 0;
    for (const key in value) {
      if (++scanned > MAX_SCAN) break;
      const child = (value as Bag)[key];
      if (child !== null && (typeof child === 'object' || typeof child === 'function')) {
        if (++seen > MAX_BREADTH) break;
        const hit = search(child, depth + 1);
        if (hit !== undefined) return hit;
      }
    }
    return undefined;
  }
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof Date || value instanceof RegExp) return undefined;
  if (!spend()) return undefined;
  if (value instanceof Map) return depth < MAX_DEPTH ? searchIterable(value.values(), depth) ?? searchIterable(value.keys(), depth) : undefined;
  if (value instanceof Set) return depth < MAX_DEPTH ? searchIterable(value.values(), depth) : undefined;
  return recognise(value);
}

function searchIterable(values: Iterable<unknown>, depth: number): Recognised | undefined {
  let seen = 0;
  let scanned = 0;
  for (const child of values) {
    if (++scanned > MAX_SCAN) break;
    if (child !== null && (typeof child === 'object' || typeof child === 'function')) {
      if (++seen > MAX_BREADTH) break;
      const hit = search(child, depth + 1);
      if (hit !== undefined) return hit;
    }
  }
  return undefined;
}
