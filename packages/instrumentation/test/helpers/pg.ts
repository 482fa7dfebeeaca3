/*
 * Connection settings for the real PostgreSQL the tests run against: the same
 * function the child-process fixtures use (fixtures/pg-config.js), typed.
 */
import pg from 'pg';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fixtureConfig = require('../fixtures/pg-config') as { pgConfig(extra?: pg.PoolConfig): pg.PoolConfig };

export function pgConfig(extra: pg.PoolConfig = {}): pg.PoolConfig {
  return fixtureConfig.pgConfig(extra);
}

/** A fresh pg.Pool; the caller ends it. */
export function newPool(extra: pg.PoolConfig = {}): pg.Pool {
  return new pg.Pool(pgConfig({ max: 4, ...extra }));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
