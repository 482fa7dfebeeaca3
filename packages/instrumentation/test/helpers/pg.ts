/*
 * Connection settings for the real PostgreSQL the tests run against. Reads
 * DATABASE_URL or the PG* variables, defaulting to the CI machine's server
 * (127.0.0.1:5432, trust auth, database `test`).
 */
import pg from 'pg';

export function pgConfig(extra: pg.PoolConfig = {}): pg.PoolConfig {
  if (process.env.DATABASE_URL) return { connectionString: process.env.DATABASE_URL, ...extra };
  return {
    host: process.env.PGHOST ?? '127.0.0.1',
    port: Number(process.env.PGPORT ?? 5432),
    user: process.env.PGUSER ?? 'postgres',
    password: process.env.PGPASSWORD,
    database: process.env.PGDATABASE ?? 'test',
    ...extra,
  };
}

/** A fresh pg.Pool; the caller ends it. */
export function newPool(extra: pg.PoolConfig = {}): pg.Pool {
  return new pg.Pool(pgConfig({ max: 4, ...extra }));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
