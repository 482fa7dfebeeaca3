/*
 * guardPool(pool, { adapter }) for a pool library poolguard does not know. The
 * user's PoolAdapter names the methods that lend, take back and use
 * connections; this turns it into an Adapter with the same wrappers the
 * built-in ones use. Acquire methods may return a promise or take a
 * node-style callback as their last argument.
 */
import { diag } from '@opentelemetry/api';
import { checkKnownKeys, PoolGuardConfigError } from '../config';
import { PoolGuardError } from '../errors';
import type { ConnectionState, PoolState, TransactionReader } from '../internal-types';
import { checkUse, connectionStateOf, releaseRefused, shareConnectionState, type ReleaseVerdict } from '../lease';
import { createLeaseHandle, rawOfHandle, viaLease } from '../lease-handle';
import type { PoolAdapter, PoolStats, TransactionState } from '../types';
import { WeakRefs } from '../weak-refs';
import type { Adapter, InstalledPool } from './adapter';
import { bindCallback, checkoutAnswered, checkoutFailure, checkoutRequested, ConnectionWrappers, internalFault, leaseDelivered, leaseReturned, refuseCall, rejectAfter, wrapPoolEnd, wrapPoolStatements, Wrappers, type AnyFunction, type CheckoutRequest } from './kit';

function names(option: string, value: unknown, required: boolean): readonly string[] {
  if (value === undefined && !required) return [];
  if (!Array.isArray(value) || (required && value.length === 0) || !value.every((n) => typeof n === 'string' && n !== '')) {
    throw new PoolGuardConfigError(option, 'expected an array of method names');
  }
  return value as string[];
}

function isAsyncFunction(method: unknown): boolean {
  return typeof method === 'function' && method.constructor?.name === 'AsyncFunction';
}

/** A connection the pool lends: an object, or a callable one (postgres' `sql.reserve()` lends a tagged-template function). */
function isConnection(value: unknown): value is object {
  return value !== null && (typeof value === 'object' || typeof value === 'function');
}

function isThenable(value: unknown): boolean {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function';
}

/** Every field a PoolAdapter has. */
const ADAPTER_KEYS: ReadonlySet<string> = new Set([
  'library', 'acquire', 'release', 'destroy', 'connectionRelease', 'connectionDestroy', 'connectionUse', 'poolQuery', 'end', 'stats', 'endpoint', 'inFlight',
  'transactionState', 'isLent', 'connection',
]);

/** Throws, naming the option, when one method name is given two roles among `roles` (one object's methods). */
function oneRoleEach(roles: readonly (readonly [string, readonly string[]])[]): void {
  const roleOf = new Map<string, string>();
  for (const [option, methods] of roles) {
    for (const method of methods) {
      const other = roleOf.get(method);
      if (other !== undefined) throw new PoolGuardConfigError(option, `"${method}" is named in ${other} too; a method has one role`);
      roleOf.set(method, option);
    }
  }
}

/** Validates a user adapter, failing fast with the option's name. */
export function declarativeAdapter(spec: PoolAdapter): Adapter {
  if (spec === null || typeof spec !== 'object') throw new PoolGuardConfigError('adapter', 'expected an object');
  checkKnownKeys(spec, ADAPTER_KEYS, 'adapter.');
  if (typeof spec.library !== 'string' || spec.library === '') throw new PoolGuardConfigError('adapter.library', 'expected a non-empty string');
  const acquire = names('adapter.acquire', spec.acquire, true);
  const release = names('adapter.release', spec.release, false);
  const destroy = names('adapter.destroy', spec.destroy, false);
  const connectionRelease = names('adapter.connectionRelease', spec.connectionRelease, false);
  const connectionDestroy = names('adapter.connectionDestroy', spec.connectionDestroy, false);
  const connectionUse = names('adapter.connectionUse', spec.connectionUse, false);
  const poolQuery = names('adapter.poolQuery', spec.poolQuery, false);
  const end = names('adapter.end', spec.end, false);
  if (release.length === 0 && connectionRelease.length === 0) {
    throw new PoolGuardConfigError('adapter.release', 'name at least one release method (adapter.release or adapter.connectionRelease)');
  }
  // A method is one thing: lending, taking back, discarding, using or ending.
  oneRoleEach([['adapter.acquire', acquire], ['adapter.release', release], ['adapter.destroy', destroy], ['adapter.poolQuery', poolQuery], ['adapter.end', end]]);
  oneRoleEach([['adapter.connectionRelease', connectionRelease], ['adapter.connectionDestroy', connectionDestroy], ['adapter.connectionUse', connectionUse]]);
  for (const key of ['stats', 'endpoint', 'inFlight', 'transactionState', 'isLent', 'connection'] as const) {
    if (spec[key] !== undefined && typeof spec[key] !== 'function') throw new PoolGuardConfigError(`adapter.${key}`, 'expected a function');
  }

  /**
   * Throw mode: a refusal reaches the caller as the method's own errors do:
   * through a trailing callback, as a rejected promise from an async method,
   * else thrown (whether a plain function returns a promise is unknown).
   */
  function refuse(err: PoolGuardError, method: unknown, args: ArrayLike<unknown>): unknown {
    return refuseCall(err, args[args.length - 1], isAsyncFunction(method));
  }

  /**
   * What a release method answers once poolguard has judged it: the method's
   * own result when it was passed on; a refusal or a throw-mode error as the
   * method delivers its own, as a promise from an async method (or from one
   * seen to return promises: `returnsPromises`, by name), else synchronously.
   * A refused release of an async method resolves with nothing.
   */
  function answerRelease(method: unknown, name: string, returnsPromises: Set<string>, verdict: ReleaseVerdict, passOn: () => unknown): unknown {
    const result = verdict.pass ? passOn() : undefined;
    if (isThenable(result)) returnsPromises.add(name);
    const { error } = verdict;
    if (!isAsyncFunction(method) && !returnsPromises.has(name)) {
      if (error !== undefined) throw error;
      return result;
    }
    if (!verdict.pass) return error === undefined ? Promise.resolve() : Promise.reject(error);
    return error === undefined ? result : rejectAfter(result, error);
  }

  function install(pool: object, state: PoolState): InstalledPool {
    const wrappers = new Wrappers();
    const connectionWrappers = new ConnectionWrappers<object>();
    /** The connections it has lent, held weakly: a pool that retires them, or lends a new wrapper per checkout, frees them. */
    const live = new WeakRefs<object>();
    /** The adapter's own readers; one that throws reads as unknown, and says so on diag, naming itself and the pool. */
    const transaction = (connection: object): TransactionState => {
      try {
        return spec.transactionState?.(connection) ?? 'unknown';
      } catch (err) {
        diag.error(`poolguard: the adapter's transactionState() of pool "${state.name}" failed; the transaction state is taken as unknown`, err);
        return 'unknown';
      }
    };
    const readerOf = (connection: object): TransactionReader => () => transaction(connection);
    const inFlight = (connection: object): number => {
      try {
        return spec.inFlight?.(connection) ?? 0;
      } catch (err) {
        diag.error(`poolguard: the adapter's inFlight() of pool "${state.name}" failed; no statement is taken as in flight`, err);
        return 0;
      }
    };
    /**
     * The connection whose release is being passed on: a connection's release
     * that calls the pool's (`conn.release()` → `pool.checkin(this)`, as mysql2
     * does), with both named in the adapter, is one release, not two.
     */
    let releasing: object | undefined;
    /** The release methods, by name, seen to return a promise: their refusals are promises too. */
    const returnsPromises = new Set<string>();
    /** The adapter's isLent() of a connection; without one, or one that throws (said on diag), not lent. */
    const lentNow = (connection: object): boolean => {
      if (spec.isLent === undefined) return false;
      try {
        return spec.isLent(pool, connection) === true;
      } catch (err) {
        diag.error(`poolguard: the adapter's isLent() of pool "${state.name}" failed; the connection is taken as not lent`, err);
        return false;
      }
    };

    /**
     * Calls the pool's own release or destroy of `connection`. A release that
     * throws while the adapter's isLent() says the pool still lends the
     * connection was refused: its lease goes on (releaseRefused). One that
     * throws after the pool took it back (a listener of its own) ended it.
     */
    const passOn = (connection: object, release: () => unknown): unknown => {
      const outer = releasing;
      releasing = connection;
      const core = coreOf(connection);
      const conn = connectionStateOf(core);
      const leaseId = conn?.leaseId ?? 0;
      try {
        return release();
      } catch (err) {
        if (conn !== undefined && !conn.destroyed && lentNow(core)) releaseRefused(conn, leaseId);
        throw err;
      } finally {
        releasing = outer;
      }
    };

    /**
     * The connection a lent object works on: itself, or, for a pool that lends
     * a new wrapper per checkout over one connection (mariadb), what the
     * adapter's `connection` reads off it. Leases are kept on that connection.
     */
    const coreOf = (lent: object): object => {
      if (spec.connection === undefined) return lent;
      try {
        const core: unknown = spec.connection(lent);
        return isConnection(core) ? core : lent;
      } catch (err) {
        diag.error(`poolguard: the adapter's connection() of pool "${state.name}" failed; the lent object is taken as the connection`, err);
        return lent;
      }
    };
    /** Each per-checkout wrapper's own lease, exact as a lease handle's: a stale wrapper is told from the current one. */
    const wrapperLeases = new WeakMap<object, number>();
    const leaseOfWrapper = (raw: object): number | undefined => wrapperLeases.get(raw);

    const firstSight = (connection: object, core = connection) => (): void => {
      if (!connectionWrappers.adopt(connection)) return;
      live.add(core);
      state.connectionSeen?.(connection);
      for (const name of connectionUse) {
        connectionWrappers.method(connection, name, (next) => function use(this: object) {
          const conn = connectionStateOf(connection);
          if (conn !== undefined) {
            // A pool's own statement method (poolQuery) may use its internal lease after an await, where
            // no synchronous mark can say so: a use of an internal lease counts as the pool's own.
            // Through a lease handle, the use is the handle holder's: judged as any other.
            const internalCall = state.internalCallbacks > 0 || (conn.leased && !conn.explicit && !conn.lending && viaLease() === undefined);
            try {
              checkUse(conn, viaLease() ?? leaseOfWrapper(connection), inFlight(connection), false, () => transaction(connection), internalCall);
            } catch (err) {
              if (err instanceof PoolGuardError) return refuse(err, next(this), arguments);
              internalFault(err);
            }
          }
          return next(this).apply(this, arguments as unknown as unknown[]);
        });
      }
      for (const [list, isDestroy] of [[connectionRelease, false], [connectionDestroy, true]] as const) {
        for (const name of list) connectionWrappers.method(connection, name, (next) => function give(this: object) {
          if (releasing === connection) return next(this).apply(this, arguments as unknown as unknown[]);
          const { verdict, raw } = leaseReturned(state, connection, isDestroy, readerOf, leaseOfWrapper);
          if (isDestroy) live.delete(coreOf(raw));
          // What the connection's release returns (a promise, for an async one) stays the app's.
          const args = arguments;
          return answerRelease(next(raw), name, returnsPromises, verdict, () => passOn(raw, () => next(raw).apply(raw, args as unknown as unknown[])));
        });
      }
    };

    const deliver = (connection: unknown, request: CheckoutRequest): unknown => {
      // A lending method that calls another one the adapter names (checkoutFor(ms) → checkout()): the inner
      // call delivered the lease and its handle already, for its own request.
      if (!isConnection(connection) || rawOfHandle(connection) !== undefined) {
        checkoutAnswered(state, request);
        return connection;
      }
      const core = coreOf(connection);
      if (core === connection) return leaseDelivered(state, connection, request, firstSight(connection));
      // The lease is the connection's; the wrapper shares its state and keeps the lease it was lent for.
      leaseDelivered(state, core, request, undefined, false);
      shareConnectionState(core, connection);
      const conn = connectionStateOf(core)!;
      wrapperLeases.set(connection, conn.leaseId);
      firstSight(connection, core)();
      if (!request.explicit || !state.settings.leaseHandles || !Object.isExtensible(connection)) return connection;
      return createLeaseHandle(connection, conn.leaseId);
    };

    for (const name of acquire) {
      wrappers.method(pool, name, (next) => function acquireConnection(this: object, ...args: unknown[]) {
        const last = args.length - 1;
        const request = checkoutRequested(state);
        if (request instanceof PoolGuardError) return refuse(request, next(this), args);
        if (last >= 0 && typeof args[last] === 'function') {
          const user = bindCallback(args[last] as AnyFunction, request.explicit);
          args[last] = (err: unknown, connection: unknown, ...rest: unknown[]) => {
            if (!err) return user(err, deliver(connection, request), ...rest);
            checkoutFailure(state, request, err);
            return user(err, connection, ...rest);
          };
          return next(this).apply(this, args);
        }
        const result = next(this).apply(this, args) as unknown;
        if (result !== null && typeof (result as PromiseLike<unknown>).then === 'function') {
          return (result as PromiseLike<unknown>).then((connection) => deliver(connection, request), (err: unknown) => {
            checkoutFailure(state, request, err);
            throw err;
          });
        }
        return deliver(result, request);
      });
    }
    for (const [list, isDestroy] of [[release, false], [destroy, true]] as const) {
      for (const name of list) {
        wrappers.method(pool, name, (next) => function giveBack(this: object, connection: unknown, ...rest: unknown[]) {
          if (!isConnection(connection) || releasing === connection) return next(this).call(this, connection, ...rest);
          const { verdict, raw } = leaseReturned(state, connection, isDestroy, readerOf, leaseOfWrapper);
          if (isDestroy) live.delete(coreOf(raw));
          return answerRelease(next(this), name, returnsPromises, verdict, () => passOn(raw, () => next(this).call(this, raw, ...rest)));
        });
      }
    }
    wrapPoolStatements(wrappers, pool, state, poolQuery, false);
    wrapPoolEnd(wrappers, pool, state, end, false);

    /** The adapter's stats; one that throws reads as unknown (its metrics are left out), and says so on diag. */
    function stats(): PoolStats {
      try {
        return spec.stats?.(pool) ?? {};
      } catch (err) {
        diag.error(`poolguard: the adapter's stats() of pool "${state.name}" failed; its occupancy is left out`, err);
        return {};
      }
    }

    function* connections(): Iterable<ConnectionState> {
      for (const connection of live.values()) {
        const conn = connectionStateOf(connection);
        if (conn !== undefined) yield conn;
      }
    }
    /** The adapter's isLent() of the connection behind `conn`. */
    const lentToNext = spec.isLent === undefined ? undefined : (conn: ConnectionState): boolean => {
      for (const connection of live.values()) {
        if (connectionStateOf(connection) === conn) return lentNow(connection);
      }
      return false;
    };
    return {
      connections,
      stats,
      ...(lentToNext === undefined ? {} : { lentToNext }),
      // No idle connection and all of max in use; an adapter that reads no idle count says enough with used >= max.
      saturated: () => {
        const { idle, max, used } = stats();
        return (idle === undefined || idle === 0) && max !== undefined && used !== undefined && used >= max;
      },
      uninstall: () => {
        wrappers.uninstall();
        connectionWrappers.uninstall(live.values());
      },
    };
  }

  const poolMethods = { 'adapter.acquire': acquire, 'adapter.release': release, 'adapter.destroy': destroy, 'adapter.poolQuery': poolQuery, 'adapter.end': end };
  return {
    library: spec.library,
    matches: (pool): pool is object => acquire.every((name) => typeof (pool as Record<string, unknown>)[name] === 'function'),
    checkFits: (pool) => {
      for (const [option, list] of Object.entries(poolMethods)) {
        const missing = list.find((name) => typeof (pool as Record<string, unknown>)[name] !== 'function');
        if (missing !== undefined) throw new PoolGuardConfigError(option, `the pool has no method ${JSON.stringify(missing)}`);
      }
    },
    // An endpoint() that throws costs the pool its default name, never the app its guardPool() call.
    endpoint: (pool) => {
      try {
        return spec.endpoint?.(pool);
      } catch (err) {
        diag.error(`poolguard: the adapter's endpoint() of a "${spec.library}" pool failed; it is named after the library`, err);
        return undefined;
      }
    },
    install,
  };
}
