/*
 * Building blocks shared by the adapters: per-instance method wrapping that
 * looks the next method up at call time (so another instrumentation that
 * patches the prototype later still runs), lease delivery and return for
 * pools that lend through a callback or a promise and take connections back
 * through a release call, and lease handles that hand the raw connection back
 * to the pool.
 */
import { join } from 'node:path';
import { diag } from '@opentelemetry/api';
import { forgetWaitingCheckout, noteWaitingCheckout } from '../detectors/nested_checkout';
import { PoolGuardError } from '../errors';
import type { ConnectionState, PoolState, TransactionReader } from '../internal-types';
import {
  attachConnection,
  beginLease,
  captureCheckoutSite,
  checkPoolQuery,
  checkRelease,
  checkUse,
  claimLease,
  connectionStateOf,
  ownerTokenFor,
  type CheckoutRequest,
  PASS,
  requestCheckout,
  type ReleaseVerdict,
} from '../lease';
import { followGlobalMeterProvider, metricsClock, recordTimeout } from '../pool-metrics';
import { createLeaseHandle, leaseOfHandle, rawOfHandle, viaLease } from '../lease-handle';
import { asyncContextActive, bindToCaller, noticeOtelApi, type Task } from '../task';
import { endsTransaction, type Dialect } from '../sql-statements';
import type { TransactionState } from '../types';

export type { CheckoutRequest } from '../lease';

// Wrapped methods keep their own parameter types; the wrappers only forward them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFunction = (...args: any[]) => any;

/** poolguard's own faults go to diag; a PoolGuardError (throw mode) is the app's to get. */
export function internalFault(err: unknown): void {
  if (err instanceof PoolGuardError) throw err;
  diag.error('poolguard: internal error in a pool adapter', err);
}

/**
 * The app is about to use `conn` (a statement, a cursor read, a session
 * command): checked (checkUse, through a lease handle if one is in scope).
 * Returns whether the use's callbacks and events are to be bound to the
 * caller: a driver runs them from its socket, in the context of whichever task
 * opened the connection, and a stale holder's are its own too. Throws the
 * PoolGuardError that refuses the use in throw mode.
 */
export function checkAppUse(state: PoolState, conn: ConnectionState, inFlight: number, pipelined: boolean, transaction: () => TransactionState): boolean {
  const internalCall = state.internalCallbacks > 0;
  try {
    checkUse(conn, viaLease(), inFlight, pipelined, transaction, internalCall);
  } catch (err) {
    internalFault(err);
  }
  return conn.explicit && !internalCall;
}

/** poolguard's own build (or source) directory: its frames sit between a library and the frame that called it. */
const OWN_DIRECTORY = join(__dirname, '..');

/**
 * The stack frames of the code that called into poolguard now, innermost
 * first, poolguard's own left out. Costs a stack capture: read only on rare
 * paths (telling a library's own release from the app's).
 */
export function callerFrames(depth = 10): string[] {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = depth + 6;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  return stack.split('\n').slice(1).filter((frame) => !frame.includes(OWN_DIRECTORY)).slice(0, depth);
}

/**
 * Defines `target[name]` as an own, non-enumerable property built by
 * `make(next)`, where `next(self)` returns the method the instance would have
 * had: its own earlier value, or its prototype's, looked up at call time.
 * Returns the function that undoes it.
 */
type Proto = Record<string, AnyFunction>;

/**
 * Prototype lookups for the methods on the hot path, each with its own
 * property name in the source: a shared `proto[name]` would be one
 * megamorphic load site for every wrapped method of every library.
 */
const HOT_LOOKUPS: ReadonlyMap<string, (self: object) => AnyFunction> = new Map(Object.entries({
  connect: (self: object) => (Object.getPrototypeOf(self) as Proto).connect!,
  query: (self: object) => (Object.getPrototypeOf(self) as Proto).query!,
  execute: (self: object) => (Object.getPrototypeOf(self) as Proto).execute!,
  release: (self: object) => (Object.getPrototypeOf(self) as Proto).release!,
  getConnection: (self: object) => (Object.getPrototypeOf(self) as Proto).getConnection!,
  releaseConnection: (self: object) => (Object.getPrototypeOf(self) as Proto).releaseConnection!,
  acquire: (self: object) => (Object.getPrototypeOf(self) as Proto).acquire!,
}));

export function wrapMethod<T extends object>(target: T, name: string, make: (next: (self: object) => AnyFunction) => AnyFunction): () => void {
  const own = Object.getOwnPropertyDescriptor(target, name);
  const next = own !== undefined
    ? () => own.value as AnyFunction
    : HOT_LOOKUPS.get(name) ?? ((self: object) => (Object.getPrototypeOf(self) as Proto)[name]!);
  Object.defineProperty(target, name, { value: make(next), writable: true, configurable: true, enumerable: false });
  return () => {
    if (own === undefined) delete (target as Record<string, unknown>)[name];
    else Object.defineProperty(target, name, own);
  };
}

/** Wraps a method of a connection (or, given `target`, of an object inside it), undone with the connection's wrappers. */
export type WrapMethod = (name: string, make: (next: (self: object) => AnyFunction) => AnyFunction, target?: object) => void;

/** Undo list for one pool's own wrappers (connections keep theirs, see ConnectionWrappers). */
export class Wrappers {
  private readonly undo: (() => void)[] = [];

  method<T extends object>(target: T, name: string, make: (next: (self: object) => AnyFunction) => AnyFunction): void {
    this.undo.push(wrapMethod(target, name, make));
  }

  onUndo(fn: () => void): void {
    this.undo.push(fn);
  }

  uninstall(): void {
    for (const fn of this.undo.splice(0).reverse()) fn();
  }
}

/**
 * Wrappers on connections, kept per connection so that connections the pool
 * drops take their undo lists with them; uninstall undoes those still alive.
 */
export class ConnectionWrappers<C extends object> {
  private readonly undo = new WeakMap<C, (() => void)[]>();

  /** True the first time `connection` is seen. */
  adopt(connection: C): boolean {
    if (this.undo.has(connection)) return false;
    this.undo.set(connection, []);
    return true;
  }

  method(connection: C, name: string, make: (next: (self: object) => AnyFunction) => AnyFunction): void {
    // A frozen or sealed resource keeps its methods: its lease is still tracked, its uses are not.
    if (!Object.isExtensible(connection)) {
      diag.debug(`poolguard: cannot wrap ${name}() of a frozen or sealed connection; its uses are not checked`);
      return;
    }
    this.methodOn(connection, connection, name, make);
  }

  /**
   * Wraps a method of an object inside `connection` (a driver's core), undone
   * with the connection's own; nothing once the connection's wrappers were
   * undone (a wrapper installed late, ConnectionState.contextHooks).
   */
  methodOn(connection: C, target: object, name: string, make: (next: (self: object) => AnyFunction) => AnyFunction): void {
    this.undo.get(connection)?.push(wrapMethod(target, name, make));
  }

  /** The WrapMethod for `connection`'s own methods and those of objects inside it. */
  wrapperOf(connection: C): WrapMethod {
    return (name, make, target) => (target === undefined ? this.method(connection, name, make) : this.methodOn(connection, target, name, make));
  }

  uninstall(connections: Iterable<C>): void {
    for (const connection of connections) {
      for (const fn of this.undo.get(connection)?.splice(0).reverse() ?? []) fn();
      this.undo.delete(connection);
    }
  }
}

/** The requests that carry no task, time or site, shared: the common checkout allocates none. */
const EXPLICIT_REQUEST: CheckoutRequest = Object.freeze({ owner: undefined, ownerToken: undefined, explicit: true, requestedAt: 0, site: undefined });
const INTERNAL_REQUEST: CheckoutRequest = Object.freeze({ owner: undefined, ownerToken: undefined, explicit: false, requestedAt: 0, site: undefined });

/**
 * A statement a library runs through its own checkout of a guarded pool
 * (mysql2's PoolNamespace#query): set while that call runs synchronously and
 * taken by the first checkout it requests, which is then the pool's own, like
 * pool.query's (internal: not held; transaction_on_pool checked).
 */
let poolStatement: { readonly sql: string | undefined } | undefined;

/** Runs `run` (a library's one-statement call on a pool it picks) with its checkout marked as the pool's own. */
export function asPoolStatement<T>(sql: unknown, run: () => T): T {
  const outer = poolStatement;
  poolStatement = { sql: sqlOf(sql) };
  try {
    return run();
  } finally {
    poolStatement = outer;
  }
}

/**
 * A checkout was requested (use_after_end, nested_checkout); returns what its
 * lease will need, or, in throw mode, the error that refuses it, for the
 * adapter to deliver as its library delivers errors (refuseCall).
 */
export function checkoutRequested(state: PoolState): CheckoutRequest | PoolGuardError {
  // The one look at the OTel API's globals per checkout: the metrics and task lookups below read what it found.
  noticeOtelApi();
  const statement = poolStatement;
  if (statement !== undefined) {
    poolStatement = undefined;
    try {
      checkPoolQuery(state, statement.sql);
    } catch (err) {
      if (err instanceof PoolGuardError) return err;
      internalFault(err);
    }
  }
  const explicit = state.internalCheckouts === 0 && statement === undefined;
  if (state.metrics !== undefined) followGlobalMeterProvider(state.metrics);
  let owner: Task | undefined;
  try {
    owner = requestCheckout(state);
  } catch (err) {
    if (err instanceof PoolGuardError) return err;
    internalFault(err);
  }
  const requestedAt = metricsClock(state.metrics);
  const site = explicit ? captureCheckoutSite(state) : undefined;
  if (owner === undefined && requestedAt === 0 && site === undefined) return explicit ? EXPLICIT_REQUEST : INTERNAL_REQUEST;
  const request: CheckoutRequest = { owner, ownerToken: ownerTokenFor(state, owner), explicit, requestedAt, site };
  if (owner !== undefined) noteWaitingCheckout(state, request);
  return request;
}

/**
 * The pool lent `connection` for `request`: the lease starts and, for an
 * explicit checkout with lease handles on, the caller gets a handle.
 * `statementScoped`: a library's own one-statement lease (knex's query runner).
 */
export function leaseDelivered<C extends object>(
  state: PoolState,
  connection: C,
  request: CheckoutRequest,
  onFirstSight?: (conn: ConnectionState) => void,
  handles = true,
  statementScoped = false,
): C {
  let conn = connectionStateOf(connection);
  if (conn === undefined || conn.pool !== state) {
    conn = attachConnection(state, connection);
    onFirstSight?.(conn);
  }
  beginLease(conn);
  claimLease(conn, request, statementScoped);
  // A Proxy of a frozen object must return its own methods unchanged: no handle for one.
  if (!handles || !request.explicit || !state.settings.leaseHandles || !Object.isExtensible(connection)) return connection;
  return createLeaseHandle(connection, conn.leaseId);
}

/**
 * `connection` (raw or a handle) is being returned to the pool of `state`. Returns the
 * verdict and the raw connection to pass on. `readerOf` gives the raw
 * connection's transaction reader (with its whenSettled, where the driver's
 * state can lag the server).
 */
export function leaseReturned<C extends object>(
  state: PoolState,
  connection: C,
  destroy: boolean,
  readerOf: (raw: C) => TransactionReader,
  leaseOfRaw?: (raw: C) => number | undefined,
): { verdict: ReleaseVerdict; raw: C } {
  const raw = (rawOfHandle(connection) ?? connection) as C;
  const conn = connectionStateOf(raw);
  // Another pool's connection given to this one (two pools, one mix-up): this pool's library refuses
  // it as its own, and the lease goes on in the pool that lent it, for its holder's own release.
  if (conn === undefined || conn.pool !== state) return { verdict: PASS, raw };
  let verdict = PASS;
  try {
    // A handle passed in, else a handle's own method running now (conn.release() through a handle
    // reaches the connection's wrapper with the raw connection), else the lease a per-checkout
    // wrapper was lent for (`leaseOfRaw`); else the connection's current lease.
    const lease = leaseOfHandle(connection) ?? viaLease() ?? leaseOfRaw?.(raw);
    verdict = checkRelease(conn, lease ?? conn.leaseId, destroy, readerOf(raw), lease !== undefined);
  } catch (err) {
    internalFault(err);
  }
  return { verdict, raw };
}

/**
 * Throw mode: a violation found before the driver ran reaches the caller the
 * way the driver's own errors do: through a node-style callback (on the next
 * tick, as pg and mysql2 call back their own errors), as a rejected promise
 * from a call that returns one, else thrown. So `.catch()`, `Promise.all` and
 * callbacks see it, and the call's other settled work is not left unobserved.
 */
export function refuseCall(err: unknown, callback: unknown, returnsPromise: boolean): unknown {
  if (!(err instanceof PoolGuardError)) throw err;
  if (typeof callback === 'function') {
    process.nextTick(callback as AnyFunction, err);
    return undefined;
  }
  if (returnsPromise) return Promise.reject(err);
  throw err;
}

/** Keeps the driver's own error for the same call as `error`'s `cause` (not enumerable, as Error's own). */
export function keepCause(error: PoolGuardError, cause: unknown): void {
  Object.defineProperty(error, 'cause', { value: cause, writable: true, configurable: true, enumerable: false });
}

/**
 * Throw mode, after a promise-returning release went through: a promise (of
 * `PromiseClass`, the pool's own) that rejects with `error` once `result`
 * settles, the method's own failure kept as its cause.
 */
export function rejectAfter(result: unknown, error: PoolGuardError, PromiseClass: PromiseConstructor = Promise): Promise<never> {
  return PromiseClass.resolve(result).then(
    () => PromiseClass.reject(error),
    (cause: unknown) => {
      keepCause(error, cause);
      return PromiseClass.reject(error);
    },
  );
}

/**
 * Whether throw mode refuses a statement found misused, before it runs. Not
 * one that ends the lease's transaction when the misuse is only its timing
 * or its task (concurrent_query, cross_task_use): refused, an app's ROLLBACK
 * (in the catch of a Promise.all that rejected while a sibling statement
 * still ran), or a COMMIT a library sends from another callback, would leave
 * the transaction open for the next borrower. That one is reported and runs.
 */
export function refusesStatement(err: PoolGuardError, sql: string | undefined, dialect: Dialect): boolean {
  const { kind } = err.violation;
  if (kind !== 'concurrent_query' && kind !== 'cross_task_use') return true;
  return sql === undefined || !endsTransaction(sql, dialect);
}

/**
 * Runs an emitter's listeners in its caller's async context when one
 * propagates: a driver emits a statement's events ('row', 'end', a stream's
 * 'data') from its socket's handler, in the context of whichever task opened
 * the connection, and a release in such a listener must count as the caller's.
 */
export function bindEmitter(emitter: unknown, bind: boolean): void {
  if (!bind || emitter === null || typeof emitter !== 'object' || !asyncContextActive()) return;
  const emit = (emitter as { emit?: unknown }).emit;
  if (typeof emit !== 'function') return;
  Object.defineProperty(emitter, 'emit', { value: bindToCaller(emit as AnyFunction), writable: true, configurable: true, enumerable: false });
}

type Listening = {
  _events?: unknown;
  /** tarn keeps its EventEmitter in a field and forwards on() to it. */
  emitter?: { _events?: unknown };
  prependListener(event: string, listener: AnyFunction): unknown;
  on(event: string, listener: AnyFunction): unknown;
};

/**
 * Adds a listener of poolguard's own to a pool, as a non-enumerable entry of
 * its EventEmitter's table: structured clone (postMessage, workerData) walks
 * enumerable properties only, so a pool sent across a thread boundary fails
 * with the same DataCloneError text as without poolguard, not one that
 * quotes poolguard's listener. The emitter reads the table by key, as before.
 */
export function addOwnListener(pool: object, event: string, listener: AnyFunction, first: boolean): void {
  const emitter = pool as Listening;
  if (first) emitter.prependListener(event, listener);
  else emitter.on(event, listener);
  for (const events of [emitter._events, emitter.emitter?._events]) {
    if (events !== null && typeof events === 'object' && Object.prototype.hasOwnProperty.call(events, event)) {
      Object.defineProperty(events, event, { enumerable: false });
    }
  }
}

/** Binds a node-style callback to its caller's async context when one propagates. */
export function bindCallback<F extends AnyFunction>(callback: F, explicit: boolean): F {
  return explicit && asyncContextActive() ? bindToCaller(callback) : callback;
}

/** The SQL text of a query argument (a string or `{ sql }` / `{ text }`), for classification only. */
export function sqlOf(query: unknown): string | undefined {
  if (typeof query === 'string') return query;
  if (query !== null && typeof query === 'object') {
    const { sql, text } = query as { sql?: unknown; text?: unknown };
    if (typeof sql === 'string') return sql;
    if (typeof text === 'string') return text;
  }
  return undefined;
}

/**
 * Wraps pool methods that run one statement on an internal lease
 * (`pool.query`, `pool.execute`): transaction_on_pool and use_after_end are
 * checked, and the pool's own checkout inside is marked internal. With async
 * context on, a trailing node-style callback is bound to the caller's
 * context. `arguments` is only read and forwarded, never passed to a helper,
 * so V8 does not build an arguments object per statement.
 */
export function wrapPoolStatements(wrappers: Wrappers, pool: object, state: PoolState, names: readonly string[], returnsPromise: boolean): void {
  for (const name of names) {
    wrappers.method(pool, name, (next) => function poolStatement(this: object, sql: unknown) {
      const count = arguments.length;
      let bindLast = false;
      try {
        checkPoolQuery(state, sqlOf(sql));
        bindLast = count > 0 && typeof arguments[count - 1] === 'function' && asyncContextActive();
      } catch (err) {
        if (err instanceof PoolGuardError) return refuseCall(err, count > 0 ? arguments[count - 1] : undefined, returnsPromise);
        internalFault(err);
      }
      state.internalCheckouts++;
      try {
        if (!bindLast) return next(this).apply(this, arguments as unknown as unknown[]);
        const args: unknown[] = [];
        for (let i = 0; i < count - 1; i++) args.push(arguments[i]);
        args.push(bindToCaller(arguments[count - 1] as AnyFunction));
        return next(this).apply(this, args);
      } finally {
        state.internalCheckouts--;
      }
    });
  }
}

/**
 * Wraps the methods that end the pool: a second end is use_after_end, and the
 * pool leaves the census. Throw mode refuses a second end as the method fails:
 * through a trailing callback, as a rejected promise when it returns one
 * (`returnsPromise`), else thrown. A shutdown that runs twice
 * (`pool.end().catch(log)` on two signals) must not crash on it.
 */
export function wrapPoolEnd(wrappers: Wrappers, pool: object, state: PoolState, names: readonly string[], returnsPromise: boolean): void {
  for (const name of names) {
    wrappers.method(pool, name, (next) => function endPool(this: object) {
      try {
        state.onEnd();
      } catch (err) {
        if (err instanceof PoolGuardError) return refuseCall(err, arguments.length > 0 ? arguments[arguments.length - 1] : undefined, returnsPromise);
        internalFault(err);
      }
      return next(this).apply(this, arguments as unknown as unknown[]);
    });
  }
}

/**
 * A pool's own "gave up obtaining a connection" error (pg-pool, generic-pool,
 * tarn): waiting for one to be released, or for a new one to open (pg-pool's
 * "Connection terminated due to connection timeout").
 */
function isCheckoutTimeout(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return err.name === 'TimeoutError' || /timeout exceeded when trying to connect|due to connection timeout|timed out/i.test(err.message);
}

/** Counts `err` in db.client.connection.timeouts when it is the pool's own timeout (isCheckoutTimeout). */
export function countCheckoutTimeout(state: PoolState, err: unknown): void {
  if (isCheckoutTimeout(err)) recordTimeout(state.metrics);
}

/** `request` failed with `err`: a timeout is counted, and the request no longer waits (noteWaitingCheckout). */
export function checkoutFailure(state: PoolState, request: CheckoutRequest, err: unknown): void {
  countCheckoutTimeout(state, err);
  checkoutAnswered(state, request);
}

/** The pool answered `request` with no lease poolguard starts (a value that is no connection, a failure): it no longer waits. */
export function checkoutAnswered(state: PoolState, request: CheckoutRequest): void {
  if (state.waitingCheckouts !== undefined) forgetWaitingCheckout(state, request);
}

/**
 * A promise of `request`'s connection, settled: an object the pool lends goes
 * to `deliver` (the lease starts); anything else is answered as it is, and a
 * failure is counted (checkoutFailure) and passed on.
 */
export function deliverWhenLent<T>(state: PoolState, request: CheckoutRequest, lending: PromiseLike<T>, deliver: (connection: T & object) => unknown): PromiseLike<unknown> {
  return lending.then(
    (connection) => {
      if (connection !== null && typeof connection === 'object') return deliver(connection);
      checkoutAnswered(state, request);
      return connection;
    },
    (err: unknown) => {
      checkoutFailure(state, request, err);
      throw err;
    },
  );
}
