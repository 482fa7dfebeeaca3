/*
 * checkServerLimit: reads the database server's max_connections once per
 * pool and hands it to the pool's metrics (poolguard.server.connection_limit),
 * so a Prometheus rule can compare it with db.client.connection.max summed
 * over every process and host. The read goes over a separate one-off
 * connection, never over one of the app's leases, and never keeps the
 * process alive: its socket is unref'd. Failures go to diag; the gauge is
 * then simply absent.
 */
import { diag } from '@opentelemetry/api';
import type { MeteredPool } from './pool-metrics';

interface PgPoolWithClient {
  Client: new (options: object) => PgOneOffClient;
  options: { connectionTimeoutMillis?: number };
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

async function readPg(pool: PgPoolWithClient): Promise<number | undefined> {
  // The pool's own settings (host, credentials, TLS), on a client the pool never lends.
  const client = new pool.Client({ ...pool.options, connectionTimeoutMillis: pool.options.connectionTimeoutMillis || CONNECT_TIMEOUT_MS });
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
function readMysql2(pool: Mysql2CorePoolConfig, connection: object): Promise<number | undefined> {
  const PoolConnection = (connection as { constructor?: unknown }).constructor;
  const Connection = typeof PoolConnection === 'function' ? Object.getPrototypeOf(PoolConnection) as new (opts: object) => Mysql2OneOff : undefined;
  const config = pool._createConnectionConfig?.() ?? pool.config?.connectionConfig;
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
    settle(readPg(pool), metered);
    return undefined;
  }
  if (library === 'mysql2') {
    let started = false;
    return (connection) => {
      if (started) return;
      started = true;
      settle(readMysql2(pool as Mysql2CorePoolConfig, connection), metered);
    };
  }
  diag.debug(`poolguard: checkServerLimit is not supported for ${library} pools`);
  return undefined;
}
