/*
 * Connection settings for the real MariaDB the mysql2 tests run against
 * (127.0.0.1:3306, root with no password, database `test`; MYSQL_* variables
 * override), and a pool end that never hangs on a test that failed half-way.
 */
import mysql from 'mysql2';
import type { Pool as PromisePool } from 'mysql2/promise';
import { guardPool, type GuardPoolOptions } from '../../src';

// The same settings as the child-process fixtures' (fixtures/mysql-config.js), typed.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fixtureConfig = require('../fixtures/mysql-config') as { mysqlConfig(extra?: mysql.PoolOptions): mysql.PoolOptions };

export function mysqlConfig(extra: mysql.PoolOptions = {}): mysql.PoolOptions {
  return fixtureConfig.mysqlConfig({ connectionLimit: 4, ...extra });
}

/** Runs `body` with a callback-API pool guarded as `name`, and ends the pool after it. */
export async function withGuardedMysqlPool(name: string, options: GuardPoolOptions, extra: mysql.PoolOptions, body: (pool: mysql.Pool) => Promise<void>): Promise<void> {
  const pool = guardPool(newMysqlPool(extra), { name, ...options });
  try {
    await body(pool);
  } finally {
    await endMysqlPool(pool);
  }
}

/** A fresh callback-API pool; the caller ends it with endMysqlPool. */
export function newMysqlPool(extra: mysql.PoolOptions = {}): mysql.Pool {
  return mysql.createPool(mysqlConfig(extra));
}

/**
 * Ends a callback or promise pool within 5 s. mysql2's end() closes every
 * connection, leased or not, so a failed test's leases cannot make it hang.
 */
export function endMysqlPool(pool: mysql.Pool | PromisePool): Promise<void> {
  const core = ((pool as { pool?: mysql.Pool }).pool ?? pool) as mysql.Pool & { _closed?: boolean };
  if (core._closed) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('mysql2 pool.end() did not finish within 5 s')), 5000);
    core.end((err) => {
      clearTimeout(timer);
      if (err) reject(err);
      else resolve();
    });
  });
}

type Callback<T> = (err: Error | null, value?: T) => void;

/** Promisifies one callback-API call: `cb((done) => pool.getConnection(done))`. */
export function cb<T>(call: (done: Callback<T>) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => call((err, value) => (err ? reject(err) : resolve(value as T))));
}

/** getConnection on the callback API. */
export function getConnection(pool: mysql.Pool): Promise<mysql.PoolConnection> {
  return cb<mysql.PoolConnection>((done) => pool.getConnection(done as never));
}

/** A query on a callback-API connection or pool; resolves its rows. */
export function query<T = unknown>(target: { query: mysql.Pool['query'] }, sql: string, values: unknown[] = []): Promise<T> {
  return cb<T>((done) => target.query(sql, values, ((err: Error | null, rows: T) => done(err, rows)) as never));
}

/** The core pool's free and total connection counts. */
export function occupancy(pool: mysql.Pool | PromisePool): { free: number; all: number; queued: number } {
  const core = ((pool as { pool?: unknown }).pool ?? pool) as { _freeConnections: { length: number }; _allConnections: { length: number }; _connectionQueue: { length: number } };
  return { free: core._freeConnections.length, all: core._allConnections.length, queued: core._connectionQueue.length };
}
