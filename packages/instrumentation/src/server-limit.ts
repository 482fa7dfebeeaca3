/*
 * checkServerLimit: reads the database server's max_connections once per
 * pool and hands it to the pool's metrics (poolguard.server.connection_limit),
 * so a Prometheus rule can compare it with db.client.connection.max summed
 * over every process and host. The read goes over a separate one-off
 * connection, never over one of the app's leases, and never keeps the
 * process alive: its socket is unref'd. It runs outside the app's traces, with
 * tracing suppressed. Failures go to diag; the gauge is
 * then simply absent.
 *
 * A pg pool is read at once, with its own settings. A mysql2 pool, and a
 * generic pool (generic-pool, tarn, knex) lending pg Clients or mysql2
 * connections, is read when the first connection is seen: its class and
 * settings open the one-off connection.
 */
import { diag } from '@opentelemetry/api';
import { isMysql2Connection, isPgClient, mysql2PromiseCore } from './adapters/resources';
import type { MeteredPool } from './pool-metrics';
import { untraced } from './task';

interface PgPoolWithClient {
  Client: new (options: object) => PgOneOffClient;
  options: { connectionTimeoutMillis?: number; password?: unknown };
}

interface PgOneOffClient {
  connection?: { stream?: { unref?: () => void } };
  on(event: 'error', listener: (err: unknown) => void): unknown;
  connect(): Promise<unknown>;
  query(sql: string): Promise<{ rows: { max_connections?: string }[] }>;
  end(): Promise<unknown>;
}

const CONNECT_TIMEOUT_MS = 10_000;

function isPgPoolWithClient(pool: object): pool is PgPoolWithClient {
  const candidate = pool as Partial<PgPoolWithClient>;
  return typeof candidate.Client === 'function' && typeof candidate.options === 'object' && candidate.options !== null;
}

type PgClientClass = new (options: object) => PgOneOffClient;

/** One pg client of `Client` with `options` (host, credentials, TLS), which no pool lends. */
async function readPg(Client: PgClientClass, options: object): Promise<number | undefined> {
  const client = new Client(options);
  client.on('error', (err) => diag.debug('poolguard: the max_connections connection failed', err));
  client.connection?.stream?.unref?.();
  try {
    await client.connect();
    const { rows } = await client.query('SHOW max_connections');
    const limit = Number(rows[0]?.max_connections);
    return Number.isInteger(limit) && limit > 0 ? limit : undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The parts of a mysql2 connection and its class the one-off read uses. */
interface Mysql2OneOff {
  stream?: { unref?: () => void };
  on(event: 'error', listener: (err: unknown) => void): unknown;
  query(sql: string, callback: (err: unknown, rows?: { max_connections?: unknown }[]) => void): unknown;
  end(callback?: () => void): unknown;
}

interface Mysql2CorePoolConfig {
  config?: { connectionConfig?: object };
  _createConnectionConfig?: () => object;
}

/**
 * mysql2 exposes no connection class on the pool, so the read waits for the
 * pool's first connection and opens a plain one of its base class (a
 * PoolConnection's parent) with the pool's own connection config.
 */
function readMysql2Pool(pool: Mysql2CorePoolConfig, connection: object): Promise<number | undefined> {
  const PoolConnection = (connection as { constructor?: unknown }).constructor;
  const Connection = typeof PoolConnection === 'function' ? Object.getPrototypeOf(PoolConnection) as Mysql2ConnectionClass : undefined;
  return readMysql2(Connection, pool._createConnectionConfig?.() ?? pool.config?.connectionConfig);
}

type Mysql2ConnectionClass = new (opts: object) => Mysql2OneOff;

/** One plain mysql2 connection of `Connection` with `config`. */
function readMysql2(Connection: Mysql2ConnectionClass | undefined, config: object | undefined): Promise<number | undefined> {
  if (typeof Connection !== 'function' || config === undefined) return Promise.resolve(undefined);
  const oneOff = new Connection({ config });
  oneOff.stream?.unref?.();
  return new Promise((resolve, reject) => {
    oneOff.on('error', reject);
    oneOff.query('SELECT @@max_connections AS max_connections', (err, rows) => {
      oneOff.end();
      if (err) return reject(err);
      const limit = Number(rows?.[0]?.max_connections);
      resolve(Number.isInteger(limit) && limit > 0 ? limit : undefined);
    });
  });
}

/** Hands the read's result to the pool's metrics. Each read starts untraced: outside the app's traces. */
function settle(read: Promise<number | undefined>, metered: MeteredPool): void {
  read.then(
    (limit) => { metered.serverLimit = limit; },
    (err) => diag.warn(`poolguard: could not read max_connections for pool "${metered.pool.name}"; poolguard.server.connection_limit stays unset`, err),
  );
}

/**
 * Starts the one read for `pool` (of `library`); the result lands in
 * `metered.serverLimit`. Returns a hook for the pool's first connection when
 * the library needs one to read it (mysql2).
 */
export function readServerLimit(library: string, pool: object, metered: MeteredPool): ((connection: object) => void) | undefined {
  if (library === 'pg' && isPgPoolWithClient(pool)) {
    // The pool's own settings, with a connect timeout so that a dead server ends the read. pg-pool
    // keeps `password` (a string, or a function for rotating tokens) non-enumerable: the spread misses it.
    const { options } = pool;
    settle(untraced(() => readPg(pool.Client, { ...options, password: options.password, connectionTimeoutMillis: options.connectionTimeoutMillis || CONNECT_TIMEOUT_MS })), metered);
    return undefined;
  }
  if (library === 'mysql2') return once((connection) => settle(untraced(() => readMysql2Pool(pool as Mysql2CorePoolConfig, connection)), metered));
  // A generic pool: read through the first lent connection of a driver poolguard knows.
  return once((resource) => {
    const read = untraced(() => readThroughResource(resource));
    if (read === undefined) diag.debug(`poolguard: checkServerLimit: the ${library} pool "${metered.pool.name}" lends no pg or mysql2 connection`);
    else settle(read, metered);
  });
}

/** `fn` for the first connection seen only. */
function once(fn: (connection: object) => void): (connection: object) => void {
  let started = false;
  return (connection) => {
    if (started) return;
    started = true;
    fn(connection);
  };
}

/**
 * The read for a pool lending `resource`: a pg Client (its class and its
 * connection parameters, credentials included, which a Client reads whether
 * enumerable or not), a mysql2 connection or a mysql2/promise one (its core's
 * class and config). Undefined for anything else.
 */
function readThroughResource(resource: object): Promise<number | undefined> | undefined {
  if (isPgClient(resource)) {
    const parameters = resource.connectionParameters as object;
    return readPg(resource.constructor as PgClientClass, Object.assign(Object.create(parameters) as object, { connectionTimeoutMillis: CONNECT_TIMEOUT_MS }));
  }
  const mysql2 = isMysql2Connection(resource) ? resource : mysql2PromiseCore(resource);
  if (mysql2 === undefined) return undefined;
  const Class = mysql2.constructor as Mysql2ConnectionClass;
  // A PoolConnection would return itself to a pool on end(): its base class opens a plain connection.
  const Connection = Class.name === 'PoolConnection' ? Object.getPrototypeOf(Class) as Mysql2ConnectionClass : Class;
  return readMysql2(Connection, (mysql2 as { config?: object }).config);
}
