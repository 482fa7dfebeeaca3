/*
 * A guarded pg pool fails as pg's own does: a checkout that cannot connect,
 * or that times out waiting, rejects with pg's error, whose stack leads back
 * to the app's awaiting function (pg-pool re-captures it for that), not to
 * the socket or to poolguard.
 */
import assert from 'node:assert/strict';
import pg from 'pg';
import { guardPool } from '../src';
import { pgConfig } from './helpers/pg';

async function connectFromApp(pool: pg.Pool): Promise<Error> {
  try {
    const client = await pool.connect();
    client.release();
  } catch (err) {
    return err as Error;
  }
  throw new Error('the checkout did not fail');
}

describe('pg errors through a guarded pool', () => {
  for (const guarded of [false, true]) {
    it(`a refused connection rejects with pg's error, its stack at the app's caller (${guarded ? 'guarded' : 'raw'})`, async () => {
      const raw = new pg.Pool({ ...pgConfig(), host: '127.0.0.1', port: 1, connectionTimeoutMillis: 2000 });
      const pool = guarded ? guardPool(raw, { name: 'driver-errors-refused' }) : raw;
      try {
        const err = await connectFromApp(pool);
        assert.equal((err as { code?: string }).code, 'ECONNREFUSED');
        assert.match(String(err.stack), /at async connectFromApp \(.*driver-errors\.test\.ts/);
        assert.doesNotMatch(String(err.stack), /instrumentation[\\/](src|build)[\\/]/);
      } finally {
        await pool.end();
      }
    });

    it(`a checkout that times out rejects with pg's error, its stack at the app's caller (${guarded ? 'guarded' : 'raw'})`, async () => {
      const raw = new pg.Pool({ ...pgConfig(), max: 1, connectionTimeoutMillis: 100 });
      const pool = guarded ? guardPool(raw, { name: 'driver-errors-timeout' }) : raw;
      const held = await pool.connect();
      try {
        const err = await connectFromApp(pool);
        assert.match(err.message, /timeout exceeded when trying to connect/);
        assert.match(String(err.stack), /at async connectFromApp \(.*driver-errors\.test\.ts/);
      } finally {
        held.release();
        await pool.end();
      }
    });
  }
});
