/*
 * Where a pg pool connects, for its default name
 * (`server.address:server.port/db.namespace`), read as pg reads its options:
 * a connection string's parts win over the separate options, then the PG*
 * environment variables, then pg's defaults. Never credentials.
 */
import type { PoolEndpoint } from '../types';
import type { PgPoolLike } from './pg';

/** A connection string as a URL; one with an empty host and a user (`postgres://u@/db?host=…`), which URL refuses, too. */
function connectionUrl(connectionString: string): URL {
  try {
    return new URL(connectionString);
  } catch (err) {
    if (!connectionString.includes('@/')) throw err;
    const url = new URL(connectionString.replace('@/', '@placeholder/'));
    url.hostname = '';
    return url;
  }
}

/** A port option as a number; unset when absent or empty (knex parses a URL without a port to ''). */
export function portOption(port: number | string | null | undefined): number | undefined {
  return port === undefined || port === null || port === '' ? undefined : Number(port);
}

export function pgEndpoint(pool: { options: PgPoolLike['options'] }): PoolEndpoint {
  const { options } = pool;
  let address = options.host;
  let port = portOption(options.port);
  let namespace = options.database;
  let user = options.user;
  if (options.connectionString !== undefined) {
    try {
      // As pg reads it: what the connection string names wins over the separate options, and
      // `?host=` names the host when the authority does not.
      const url = connectionUrl(options.connectionString);
      if (url.protocol === 'socket:') {
        // socket://user@/var/run/postgresql?db=name: the socket directory is the address.
        address = decodeURIComponent(url.pathname) || address;
        namespace = url.searchParams.get('db') || namespace;
      } else {
        address = url.searchParams.get('host') || decodeURIComponent(url.hostname) || address;
        namespace = decodeURIComponent(url.pathname.slice(1)) || namespace;
      }
      port = url.searchParams.get('port') ? Number(url.searchParams.get('port')) : url.port === '' ? port : Number(url.port);
      user = decodeURIComponent(url.username) || user;
    } catch {
      // Not a URL (a key=value string): fall back to the environment below.
    }
  }
  // As pg resolves them: with no database named, pg connects to the database named like the user.
  user ??= process.env.PGUSER ?? (process.platform === 'win32' ? process.env.USERNAME : process.env.USER);
  return {
    address: address ?? process.env.PGHOST ?? 'localhost',
    port: port ?? (process.env.PGPORT === undefined ? 5432 : Number(process.env.PGPORT)),
    namespace: namespace ?? process.env.PGDATABASE ?? user,
  };
}
