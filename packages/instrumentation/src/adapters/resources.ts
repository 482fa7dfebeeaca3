/*
 * Use guards for connections of drivers poolguard knows, wherever they come
 * from: a pg Client or a mysql2 connection lent by generic-pool or tarn (knex)
 * gets its queries checked (in flight, use after release, cross-task use);
 * any other resource gets the lease-level kinds only (DESIGN "Known
 * resources in generic pools").
 */
import { PoolGuardError } from '../errors';
import type { PoolState, TransactionReader } from '../internal-types';
import { checkStatementScoped, connectionStateOf, noteOwnTransaction, shareConnectionState, whenContextActive } from '../lease';
import type { PoolEndpoint, TransactionState } from '../types';
import { bindCallback, bindEmitter, checkAppUse, ConnectionWrappers, internalFault, refuseCall, refusesStatement, sqlOf, type AnyFunction, type WrapMethod } from './kit';
import { dispatchFor } from '../socket-dispatch';
import { bindClientListeners } from './pg-listeners';
import { guardMysql2Use } from './mysql2-use';
import { pgTransaction } from './pg-transaction';

export interface PgClientLike {
  query(...args: unknown[]): unknown;
  connectionParameters?: unknown;
  connection?: unknown;
  pipeline?: boolean;
  _activeQuery?: unknown;
  _queryQueue?: unknown[];
  _txStatus?: string | null;
  _queryable?: boolean;
  _ending?: boolean;
  _ended?: boolean;
  /** False from a statement's start until the server's ReadyForQuery for it. */
  readyForQuery?: boolean;
  getTransactionStatus?: () => string | null;
}

export interface Mysql2ConnectionLike {
  query(...args: unknown[]): unknown;
  execute(...args: unknown[]): unknown;
  _command?: unknown;
  _commands?: { length: number };
}

export function isPgClient(value: object): value is PgClientLike {
  const v = value as Partial<PgClientLike>;
  return typeof v.query === 'function' && v.connectionParameters !== undefined && Array.isArray(v._queryQueue);
}

export function isMysql2Connection(value: object): value is Mysql2ConnectionLike {
  const v = value as Partial<Mysql2ConnectionLike> & { config?: unknown };
  return typeof v.query === 'function' && typeof v.execute === 'function' && v._commands !== undefined && v.config !== undefined;
}

/** A pg Submittable (pg.Query, a cursor, a query stream): client.query returns it, not a promise. */
function isSubmittable(config: unknown): boolean {
  return config !== null && typeof config === 'object' && typeof (config as { submit?: unknown }).submit === 'function';
}

type Submittable = { handleError(err: unknown, connection: unknown): void };

/** Fails a refused Submittable the way pg fails one it cannot run: its handleError, on the next tick (its 'error' event, its read callback). */
function refuseSubmittable(err: PoolGuardError, submittable: Submittable, connection: unknown): Submittable {
  process.nextTick(() => submittable.handleError(err, connection));
  return submittable;
}

/** The callback a query config carries itself (`{ text, callback }`), if any. */
function ownCallback(config: unknown): unknown {
  return config !== null && typeof config === 'object' ? (config as { callback?: unknown }).callback : undefined;
}

/**
 * A query config's own callback (`{ text, callback }`, `new pg.Query(text, cb)`),
 * bound to the caller: a Submittable's on itself, a plain config's on a copy
 * (the app's object may be reused by other callers). Anything else is returned as is.
 */
function withBoundCallback(config: unknown): unknown {
  if (config === null || typeof config !== 'object') return config;
  const own = (config as { callback?: unknown }).callback;
  if (typeof own !== 'function') return config;
  if (isSubmittable(config)) {
    (config as { callback: unknown }).callback = bindCallback(own as AnyFunction, true);
    return config;
  }
  const proto: unknown = Object.getPrototypeOf(config);
  if (proto !== Object.prototype && proto !== null) return config;
  return { ...config, callback: bindCallback(own as AnyFunction, true) };
}

/**
 * pg-cursor's read(rows, cb) and close(cb) write to the connection directly,
 * and call back from the socket, or from a setImmediate scheduled there: each
 * is a use of the lease (checked like a query: a read after release is
 * use_after_release), and its callback is bound to the caller's, like a
 * query's. A stream's read(size) takes no callback and is left alone.
 */
function guardCursor(cursor: object, use: () => void, bindable: boolean): void {
  if (typeof (cursor as { read?: unknown }).read !== 'function' || typeof (cursor as { close?: unknown }).close !== 'function') return;
  for (const name of ['read', 'close']) {
    const method = (cursor as Record<string, AnyFunction>)[name]!;
    Object.defineProperty(cursor, name, {
      value: function cursorUse(this: unknown, ...args: unknown[]) {
        const last = args.length - 1;
        try {
          use();
        } catch (err) {
          if (err instanceof PoolGuardError) return refuseCall(err, args[last], typeof args[last] !== 'function');
          internalFault(err);
        }
        if (typeof args[last] === 'function') args[last] = bindCallback(args[last] as AnyFunction, bindable);
        return method.apply(this, args);
      },
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
}

export function pgInFlight(client: PgClientLike): number {
  const active = client._activeQuery;
  return (active && !cursorDone(active) ? 1 : 0) + (client._queryQueue?.length ?? 0);
}

/**
 * A cursor (pg-cursor, or the one inside pg-query-stream) that has closed its
 * portal or read its last row: only the server's ReadyForQuery is still to
 * come, and a statement sent now runs after it, in order. Breaking out of a
 * `for await` over a stream closes it so, with nothing the app could await.
 */
function cursorDone(active: object): boolean {
  const { state, cursor } = active as { state?: unknown; cursor?: { state?: unknown } | null };
  return state === 'done' || cursor?.state === 'done';
}

/**
 * Wraps a pg client's query on the instance. pg's query takes (config,
 * values, callback); fixed parameters spare an arguments object per query,
 * and the call forwards as many as the caller passed.
 */
export function guardPgQuery(state: PoolState, client: PgClientLike, wrap: WrapMethod): () => TransactionState {
  // The text of the last statement passed to query(): which one failed, once pg has dropped it at its ErrorResponse.
  let submitted: string | undefined;
  const transaction = pgTransaction(client, () => submitted);
  // pg runs callbacks and emits events from its Connection's emit, in the socket's context (socket-dispatch.ts).
  // Both only matter where a task can be known: installed once async context propagates.
  const conn = connectionStateOf(client);
  const socketSide = client.connection as { emit?: unknown } | null | undefined;
  const hooks = () => {
    if (conn !== undefined && socketSide !== null && typeof socketSide === 'object' && typeof socketSide.emit === 'function') wrap('emit', dispatchFor(conn, socketSide, 'emit'), socketSide);
    bindClientListeners(wrap);
  };
  if (conn !== undefined) whenContextActive(conn, hooks);
  else hooks();
  wrap('query', (next) => function query(this: object, config: unknown, values?: unknown, callback?: unknown) {
    const used = connectionStateOf(client);
    let bindable = false;
    if (used !== undefined) {
      try {
        // Bound to the caller's context (asked only when there are some): see checkAppUse.
        bindable = checkAppUse(state, used, pgInFlight(client), client.pipeline === true, transaction);
        // Before the one-statement check, which marks a transaction it finds as reported.
        noteOwnTransaction(used, sqlOf(config), 'postgres');
        if (used.statementScoped) checkStatementScoped(used, sqlOf(config), 'postgres');
        if (typeof callback === 'function') callback = bindCallback(callback as AnyFunction, bindable);
        else if (typeof values === 'function') values = bindCallback(values as AnyFunction, bindable);
        else if (bindable) config = withBoundCallback(config);
      } catch (err) {
        // Throw mode: as pg delivers its own errors; a Submittable (pg.Query, a cursor, a stream) is returned
        // and fails through its handleError on the next tick, as pg fails one on a client it cannot use.
        if (!(err instanceof PoolGuardError)) internalFault(err);
        else if (refusesStatement(err, sqlOf(config), 'postgres')) {
          if (isSubmittable(config) && typeof (config as Submittable).handleError === 'function') return refuseSubmittable(err, config as Submittable, client.connection);
          return refuseCall(err, typeof callback === 'function' ? callback : typeof values === 'function' ? values : ownCallback(config), !isSubmittable(config));
        }
      }
    }
    // Its text only: a config's values stay the app's.
    submitted = sqlOf(config);
    // As many arguments as the caller passed: another instrumentation (instrumentation-pg) takes the last one for the callback.
    const argc = arguments.length;
    const nextQuery = next(this);
    const result = argc <= 1 ? nextQuery.call(this, config)
      : argc === 2 ? nextQuery.call(this, config, values)
      : argc === 3 ? nextQuery.call(this, config, values, callback)
      : nextQuery.apply(this, [config, values, callback, ...Array.prototype.slice.call(arguments, 3)]);
    if (result === config && isSubmittable(config)) {
      if (bindable) bindEmitter(result, true);
      guardCursor(result as object, () => {
        const now = connectionStateOf(client);
        if (now !== undefined) checkAppUse(state, now, 0, false, transaction);
      }, bindable);
    }
    return result;
  });
  return transaction;
}

/** The callback-API connection inside a mysql2/promise connection (`.connection`), which runs its statements. */
export function mysql2PromiseCore(value: object): Mysql2ConnectionLike | undefined {
  const core = (value as { connection?: unknown }).connection;
  if (core === null || typeof core !== 'object' || !isMysql2Connection(core)) return undefined;
  return typeof (value as { query?: unknown }).query === 'function' ? core : undefined;
}

/** Guards the use of a resource of a known driver; returns its transaction state reader, or undefined. */
export function guardKnownResource<C extends object>(state: PoolState, resource: C, wrappers: ConnectionWrappers<C>): TransactionReader | undefined {
  const wrap = wrappers.wrapperOf(resource);
  if (isPgClient(resource)) return guardPgQuery(state, resource, wrap);
  if (isMysql2Connection(resource)) return guardMysql2Use(state, resource, wrap);
  const core = mysql2PromiseCore(resource);
  if (core !== undefined) {
    // The pool lends the promise wrapper; its statements run on the core, which shares the wrapper's lease.
    shareConnectionState(resource, core);
    return guardMysql2Use(state, core, (name, make, target) => wrappers.methodOn(resource, target ?? core, name, make));
  }
  return undefined;
}

/** The socket of a pg Client (`connection.stream`) or a mysql2 connection (`stream`). */
export function socketOf(resource: unknown): unknown {
  if (resource === null || typeof resource !== 'object') return undefined;
  const r = resource as { connection?: { stream?: unknown }; stream?: unknown };
  return r.connection?.stream ?? r.stream;
}

/** Where a known driver's connection points, without credentials. */
export function endpointOfResource(resource: object): PoolEndpoint | undefined {
  const mysql2 = isMysql2Connection(resource) ? resource : mysql2PromiseCore(resource);
  const params = (resource as { connectionParameters?: { host?: string; port?: number; database?: string } }).connectionParameters
    ?? (mysql2 as { config?: { host?: string; port?: number; database?: string } } | undefined)?.config;
  if (params?.host === undefined) return undefined;
  return { address: params.host, port: params.port, namespace: params.database };
}

/** The reader of a resource whose transactions poolguard cannot see. */
export const UNKNOWN_TRANSACTION: TransactionReader = () => 'unknown';

/**
 * Guards for the resources a generic pool lends (generic-pool, tarn): the
 * first time one is seen, the pool learns its server from it (and, with
 * checkServerLimit, reads the server's limit through it) and, for a known
 * driver, its queries are guarded; `transaction` reads its state at release.
 */
export function knownResources(state: PoolState): {
  firstSight(resource: object): () => void;
  transaction(resource: object): TransactionReader;
  uninstall(resources: Iterable<object>): void;
} {
  const wrappers = new ConnectionWrappers<object>();
  const transactions = new WeakMap<object, TransactionReader>();
  return {
    firstSight: (resource) => () => {
      if (!wrappers.adopt(resource)) return;
      state.learnEndpoint(endpointOfResource(resource));
      state.connectionSeen?.(resource);
      const reader = guardKnownResource(state, resource, wrappers);
      if (reader !== undefined) transactions.set(resource, reader);
    },
    transaction: (resource) => transactions.get(resource) ?? UNKNOWN_TRANSACTION,
    uninstall: (resources) => wrappers.uninstall(resources),
  };
}
