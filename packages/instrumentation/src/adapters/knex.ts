/*
 * What poolguard reads of knex itself, beside the tarn pool it guards.
 *
 * The pool's name: knex builds its tarn pool (Client#initializePool) from a
 * config that names the server, which the pool itself does not carry; the
 * guarded pool learns it there, before the first connection.
 *
 * knex's query runner checks a connection out for one statement and releases
 * it itself (Runner#ensureConnection), like pool.query's internal lease. Such
 * a lease is not one the app holds: a task whose own queries fill the pool
 * while it starts another waits for knex, not for itself (no nested_checkout),
 * and a long query is no leak. A transaction's or the app's own
 * acquireConnection() still holds its lease. The runner's checkout is marked
 * while ensureConnection runs synchronously, up to and including its acquire.
 */
import { diag } from '@opentelemetry/api';
import { PoolGuardError } from '../errors';
import { poolStateOf } from '../guard';
import { requestCheckout } from '../lease';
import type { PoolState } from '../internal-types';
import type { PoolEndpoint } from '../types';
import { mysqlEndpoint } from './mysql2';
import { patchOnce } from './patch-once';
import { pgEndpoint, portOption } from './pg-endpoint';


let runnerCheckouts = 0;

/** True while knex's query runner is checking a connection out. */
export function inKnexRunnerCheckout(): boolean {
  return runnerCheckouts > 0;
}

/** Marks the checkouts of knex's Runner class (its prototype). */
export function markRunnerCheckouts(proto: object | null | undefined): void {
  patchOnce('knex', proto, 'ensureConnection', (ensure) => function ensureConnection(this: unknown) {
    runnerCheckouts++;
    try {
      return ensure.apply(this, arguments as unknown as unknown[]);
    } finally {
      runnerCheckouts--;
    }
  });
}

/** The Runner class of a knex instance's client, found by making one runner (its constructor only stores fields). */
export function markKnexInstance(client: { runner?: (builder: unknown) => unknown; pool?: unknown }): void {
  noteKnexPool(client);
  nameKnexPools(Object.getPrototypeOf(client) as object | null);
  if (typeof client.runner !== 'function') return;
  markRunnerCheckouts(Object.getPrototypeOf(client.runner.call(client, {})) as object | null);
}

type KnexClient = { pool?: unknown };

/** The pool each knex client held when knex.destroy() dropped it (knex sets `client.pool` to undefined). */
const destroyedPools = new WeakMap<object, object>();

/**
 * knex.destroy() ends its pool and forgets it: a later query finds no pool at
 * all, and knex answers "Unable to acquire a connection". A query after the
 * destroy is use_after_end on the pool that was destroyed (thrown, in throw
 * mode, through the query's promise); knex's own error follows otherwise.
 */
function watchKnexEnd(proto: object | null | undefined): void {
  patchOnce('knex', proto, 'destroy', (destroy) => function destroyClient(this: KnexClient) {
    if (this.pool !== null && typeof this.pool === 'object') destroyedPools.set(this, this.pool);
    else {
      // knex.destroy() again: knex finds no pool and returns; it is the destroyed pool's second end.
      const refused = checkDestroyedPool(this, (state) => state.onEnd());
      if (refused !== undefined) return Promise.reject(refused);
    }
    return destroy.apply(this, arguments as unknown as unknown[]);
  });
  patchOnce('knex', proto, 'acquireConnection', (acquire) => function acquireConnection(this: KnexClient) {
    const refused = this.pool == null ? checkDestroyedPool(this, requestCheckout) : undefined;
    if (refused !== undefined) return Promise.reject(refused);
    return acquire.apply(this, arguments as unknown as unknown[]);
  });
}

/**
 * Runs `check` (it reports use_after_end) on the pool `client` held before
 * knex.destroy() dropped it, when that pool ended; returns throw mode's
 * refusal, which the caller rejects with.
 */
function checkDestroyedPool(client: KnexClient, check: (state: PoolState) => unknown): PoolGuardError | undefined {
  const destroyed = destroyedPools.get(client);
  const state = destroyed === undefined ? undefined : poolStateOf(destroyed);
  try {
    if (state?.ended === true) check(state);
  } catch (err) {
    if (err instanceof PoolGuardError) return err;
    diag.error('poolguard: the use_after_end check of a destroyed knex failed', err);
  }
  return undefined;
}

/**
 * knex's `client.releaseConnection(conn)` answers with a promise around
 * tarn's synchronous release: a throw-mode refusal from poolguard's tarn
 * wrapper rejects that promise, as knex's own failures would, instead of
 * throwing past the app's `.catch()`.
 */
function refuseReleasesAsRejections(proto: object | null | undefined): void {
  patchOnce('knex', proto, 'releaseConnection', (release) => function releaseConnection(this: unknown) {
    try {
      return release.apply(this, arguments as unknown as unknown[]);
    } catch (err) {
      if (err instanceof PoolGuardError) return Promise.reject(err);
      throw err;
    }
  });
}

/** The knex drivers that speak MySQL's protocol, whose default port is 3306. */
const MYSQL_DRIVERS = new Set(['mysql', 'mysql2', 'mariadb']);

type KnexConnectionConfig = { host?: string; port?: number | string | null; database?: string; socketPath?: string; connectionString?: string };

/**
 * The endpoint of a knex connection config, without credentials, as its
 * driver reads it: pg's defaults and connection string for pg, port 3306
 * for the MySQL drivers, as their own pools are named.
 */
export function knexEndpoint(client: { driverName?: unknown; config?: { connection?: unknown } }): PoolEndpoint | undefined {
  const connection = client.config?.connection;
  if (connection === null || typeof connection !== 'object') return undefined;
  const config = connection as KnexConnectionConfig;
  if (client.driverName === 'pg') return pgEndpoint({ options: config });
  const { host, database, socketPath } = config;
  const port = portOption(config.port);
  if (MYSQL_DRIVERS.has(client.driverName as string)) return mysqlEndpoint({ host, port, database, socketPath });
  return host === undefined ? undefined : { address: host, port, namespace: database };
}

/** The tarn pools knex built: knex keys its own state on the raw connection, so they lend no lease handles. */
const knexPools = new WeakSet<object>();

export function isKnexPool(pool: object): boolean {
  return knexPools.has(pool);
}

/**
 * The pool of the knex client whose config object this is: a transaction's
 * client is a copy that shares the config and holds no pool of its own.
 */
const poolsByConfig = new WeakMap<object, object>();

/** Notes the pool a knex client holds, if any. */
export function noteKnexPool(client: { pool?: unknown; config?: unknown }): void {
  if (client.pool === null || typeof client.pool !== 'object') return;
  knexPools.add(client.pool);
  if (client.config !== null && typeof client.config === 'object') poolsByConfig.set(client.config, client.pool);
}

/** The pool behind a knex transaction's client (`trx.client`), by the config it shares with the knex that began it. */
export function poolOfKnexTransaction(client: { transacting?: unknown; config?: unknown }): object | undefined {
  return client.transacting === true && client.config !== null && typeof client.config === 'object' ? poolsByConfig.get(client.config) : undefined;
}

/**
 * Patches knex's Client: its end and release (above), and its pool's making:
 * the guarded pool knex's Client builds learns its server from knex's config,
 * and knex.initialize() after knex.destroy() (as test suites do between
 * files), which makes a new tarn pool behind the same knex, moves the
 * destroyed pool's guard to it (PoolState.coreReplaced).
 */
export function nameKnexPools(proto: object | null | undefined): void {
  watchKnexEnd(proto);
  refuseReleasesAsRejections(proto);
  patchOnce('knex', proto, 'initializePool', (initialize) => function initializePool(this: KnexClient & { config?: { connection?: unknown } }) {
    const result = initialize.apply(this, arguments as unknown as unknown[]);
    try {
      const destroyed = destroyedPools.get(this);
      if (destroyed !== undefined) poolStateOf(destroyed)?.coreReplaced();
      noteKnexPool(this);
      const state = this.pool !== null && typeof this.pool === 'object' ? poolStateOf(this.pool) : undefined;
      state?.learnEndpoint(knexEndpoint(this));
    } catch (err) {
      diag.error('poolguard: could not name a knex pool', err);
    }
    return result;
  });
}
