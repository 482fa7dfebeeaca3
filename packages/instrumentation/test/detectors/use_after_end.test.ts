/*
 * use_after_end on a real pg pool: connect, query or end after pool.end().
 * pg's own error still reaches the app; poolguard reports once per call.
 */
import assert from 'node:assert/strict';
import { guardPool } from '../../src';
import { inSpan, resetTelemetry, setupTelemetry } from '../helpers/otel';
import { newPool } from '../helpers/pg';
import { endPool, expectSilent, expectViolations, spanViolationEvents, violationCount } from '../helpers/violations';

const PG_ENDED = /Cannot use a pool after calling end on the pool/;

describe('use_after_end', () => {
  before(() => setupTelemetry());
  beforeEach(() => resetTelemetry());

  it('reports connect() after end() and keeps pg\'s error', async () => {
    const name = 'uae-connect';
    const pool = guardPool(newPool(), { name });
    await pool.query('SELECT 1');
    await pool.end();
    await inSpan('uae-span', async () => {
      await assert.rejects(pool.connect(), PG_ENDED);
    });
    expectViolations(name, 'use_after_end', 1, { leaseId: null });
    assert.equal(spanViolationEvents('uae-span', 'use_after_end').length, 1);
    assert.equal(await violationCount(name, 'use_after_end'), 1);
  });

  it('reports the callback form of connect() after end()', async () => {
    const name = 'uae-connect-cb';
    const pool = guardPool(newPool(), { name });
    await pool.end();
    const err = await new Promise<Error | undefined>((resolve) => pool.connect((e) => resolve(e)));
    assert.match(String(err?.message), PG_ENDED);
    expectViolations(name, 'use_after_end', 1, { leaseId: null });
  });

  it('reports pool.query() after end() once, and pg\'s error reaches the app', async () => {
    const name = 'uae-query';
    const pool = guardPool(newPool(), { name });
    await pool.query('SELECT 1');
    await pool.end();
    await assert.rejects(pool.query('SELECT 1'), PG_ENDED);
    const err = await new Promise<Error | undefined>((resolve) => pool.query('SELECT 1', (e: Error | undefined) => resolve(e)));
    assert.match(String(err?.message), PG_ENDED);
    expectViolations(name, 'use_after_end', 2, { leaseId: null });
    assert.equal(await violationCount(name, 'use_after_end'), 2);
  });

  it('reports end() called twice, and pg\'s error reaches the app', async () => {
    const name = 'uae-end-twice';
    const pool = guardPool(newPool(), { name });
    await pool.query('SELECT 1');
    await pool.end();
    await assert.rejects(pool.end(), /Called end on pool more than once/);
    expectViolations(name, 'use_after_end', 1, { leaseId: null });
    assert.equal(await violationCount(name, 'use_after_end'), 1);
  });

  it('reports connect() while end() waits for a checked-out client', async () => {
    const name = 'uae-ending';
    const pool = guardPool(newPool(), { name });
    const client = await pool.connect();
    const ended = pool.end();
    await assert.rejects(pool.connect(), PG_ENDED);
    // The lease that was live before end() may still finish its work.
    assert.equal((await client.query('SELECT 1 AS one')).rows[0].one, 1);
    client.release();
    await ended;
    expectViolations(name, 'use_after_end', 1, { leaseId: null });
  });

  it('work before end() and a single end() are silent', async () => {
    const name = 'uae-clean';
    const pool = guardPool(newPool(), { name });
    try {
      const client = await pool.connect();
      await client.query('SELECT 1');
      client.release();
      await pool.query('SELECT 1');
    } finally {
      await endPool(pool);
    }
    expectSilent(name);
  });
});
