/*
 * double_release on a real pg pool: a lease released or destroyed twice.
 * pg's own "already been released" error still reaches the app in report
 * mode; poolguard reports once per extra release.
 */
import assert from 'node:assert/strict';
import type pg from 'pg';
import { guardPool, runInTask } from '../../src';
import { inSpan, resetTelemetry, setupTelemetry } from '../helpers/otel';
import { newPool } from '../helpers/pg';
import { endPool, expectSilent, expectViolations, spanViolationEvents, violationCount } from '../helpers/violations';

const PG_DOUBLE_RELEASE = /Release called on client which has already been released/;

describe('double_release', () => {
  before(() => setupTelemetry());
  beforeEach(() => resetTelemetry());

  it('reports release() twice and keeps pg\'s own error', async () => {
    const name = 'dr-promise';
    const pool = guardPool(newPool(), { name });
    try {
      await inSpan('dr-span', async () => {
        const client = await pool.connect();
        await client.query('SELECT 1');
        client.release();
        assert.throws(() => client.release(), PG_DOUBLE_RELEASE);
      });
      expectViolations(name, 'double_release', 1);
      assert.equal(spanViolationEvents('dr-span', 'double_release').length, 1);
      assert.equal(await violationCount(name, 'double_release'), 1);
      // The pool is intact: one idle connection, usable.
      assert.equal(pool.totalCount, 1);
      assert.equal(pool.idleCount, 1);
      assert.equal((await pool.query('SELECT 1 AS one')).rows[0].one, 1);
    } finally {
      await endPool(pool);
    }
  });

  it('reports the callback API\'s done() called twice', async () => {
    const name = 'dr-callback';
    const pool = guardPool(newPool(), { name });
    try {
      const thrown = await new Promise<unknown>((resolve, reject) => {
        pool.connect((err, client, done) => {
          if (err) return reject(err);
          client!.query('SELECT 1', (qerr: Error | undefined) => {
            if (qerr) return reject(qerr);
            done();
            try {
              done();
              resolve(undefined);
            } catch (e) {
              resolve(e);
            }
          });
        });
      });
      assert.match(String((thrown as Error | undefined)?.message), PG_DOUBLE_RELEASE);
      expectViolations(name, 'double_release', 1);
      assert.equal(await violationCount(name, 'double_release'), 1);
    } finally {
      await endPool(pool);
    }
  });

  it('reports release(err) (destroy) twice', async () => {
    const name = 'dr-destroy';
    const pool = guardPool(newPool(), { name });
    try {
      await runInTask(async () => {
        const client = await pool.connect();
        client.release(new Error('discard'));
        assert.throws(() => client.release(new Error('discard again')), PG_DOUBLE_RELEASE);
      });
      expectViolations(name, 'double_release', 1);
      assert.equal(await violationCount(name, 'double_release'), 1);
    } finally {
      await endPool(pool);
    }
  });

  it('reports a release after a destroy of the same lease', async () => {
    const name = 'dr-destroy-then-release';
    const pool = guardPool(newPool(), { name });
    try {
      const client = await pool.connect();
      client.release(true as unknown as Error);
      assert.throws(() => client.release(), PG_DOUBLE_RELEASE);
      expectViolations(name, 'double_release', 1);
    } finally {
      await endPool(pool);
    }
  });

  it('reports every extra release, once each', async () => {
    const name = 'dr-thrice';
    const pool = guardPool(newPool(), { name });
    try {
      const client = await pool.connect();
      client.release();
      assert.throws(() => client.release(), PG_DOUBLE_RELEASE);
      assert.throws(() => client.release(), PG_DOUBLE_RELEASE);
      expectViolations(name, 'double_release', 2);
      assert.equal(await violationCount(name, 'double_release'), 2);
    } finally {
      await endPool(pool);
    }
  });

  it('one release per lease over many leases of one connection is silent', async () => {
    const name = 'dr-clean';
    const pool = guardPool(newPool({ max: 1 }), { name });
    try {
      const clients: pg.PoolClient[] = [];
      for (let i = 0; i < 5; i++) {
        const client = await pool.connect();
        clients.push(client);
        client.release(i === 2 ? new Error('discard one') : undefined);
      }
      expectSilent(name);
    } finally {
      await endPool(pool);
    }
  });
});
