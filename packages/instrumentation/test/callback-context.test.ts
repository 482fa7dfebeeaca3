/*
 * Node-style callbacks run in their caller's async context. pg-pool calls a
 * waiting checkout's callback from the release of whoever held the client,
 * and pg calls a query's callback from the socket's read: without binding,
 * the callback would run as another task (or none), and the next use of the
 * client from it would look like cross_task_use. Real PostgreSQL, a pool of
 * one connection held by another span, so every callback below is handed
 * over from a release.
 */
import assert from 'node:assert/strict';
import { trace } from '@opentelemetry/api';
import type pg from 'pg';
import { guardPool } from '../src';
import { inSpan, resetTelemetry, setupTelemetry } from './helpers/otel';
import { newPool, sleep } from './helpers/pg';
import { endPool, expectSilent, gate } from './helpers/violations';

const activeSpanId = () => trace.getActiveSpan()?.spanContext().spanId;

describe('callbacks run in the caller\'s context', () => {
  before(() => setupTelemetry());
  beforeEach(() => resetTelemetry());

  /** Holds the pool's only client in another trace while `waiting` runs in its own, then releases it there. */
  async function handedOver(pool: pg.Pool, waiting: () => Promise<string | undefined>): Promise<[string, string | undefined]> {
    const letGo = gate();
    const held = gate();
    const holding = inSpan('holder', async () => {
      const client = await pool.connect();
      held.open();
      await letGo.promise;
      client.release();
    });
    await held.promise;
    const waited = inSpan('waiter', async (span): Promise<[string, string | undefined]> => [span.spanContext().spanId, await waiting()]);
    await sleep(20);
    letGo.open();
    await holding;
    return waited;
  }

  it('pool.query\'s callback, with and without values', async () => {
    const name = 'callback-context-pool-query';
    const pool = guardPool(newPool({ max: 1 }), { name });
    try {
      for (const withValues of [false, true]) {
        const [expected, seen] = await handedOver(pool, () => new Promise((resolve, reject) => {
          const callback = (err: Error | undefined) => (err ? reject(err) : resolve(activeSpanId()));
          if (withValues) pool.query('SELECT $1::int', [1], callback);
          else pool.query('SELECT 1', callback);
        }));
        assert.equal(seen, expected, `pool.query callback ${withValues ? 'with' : 'without'} values`);
      }
      expectSilent(name);
    } finally {
      await endPool(pool);
    }
  });

  it('a waiting connect\'s callback, and the query callbacks of its client', async () => {
    const name = 'callback-context-connect';
    const pool = guardPool(newPool({ max: 1 }), { name });
    try {
      const [expected, seen] = await handedOver(pool, () => new Promise((resolve, reject) => {
        pool.connect((err, client, done) => {
          if (err || client === undefined) return reject(err);
          const atCheckout = activeSpanId();
          client.query('SELECT 1', (qerr: Error | undefined) => {
            const atQuery = activeSpanId();
            done();
            if (qerr) return reject(qerr);
            resolve(atCheckout === atQuery ? atQuery : `${atCheckout} then ${atQuery}`);
          });
        });
      }));
      assert.equal(seen, expected);
      expectSilent(name);
    } finally {
      await endPool(pool);
    }
  });
});
