/*
 * One series per pool in the occupancy metrics, whatever happens to the pool
 * after a collection: the OTel SDK keeps exporting an asynchronous series at
 * its last value once nobody observes it, so a renamed or ended pool's series
 * must read 0 from then on, or `sum(db.client.connection.max)` per server
 * counts the pool twice (the Prometheus connection-budget rules).
 */
import assert from 'node:assert/strict';
import genericPool from 'generic-pool';
import pg from 'pg';
import { guardPool } from '../src';
import { collectMetric, setupTelemetry } from './helpers/otel';
import { newPool, pgConfig } from './helpers/pg';

type Point = { value: unknown; attributes: Record<string, unknown> };

/** `db.client.connection.max` by pool name, as the next collection reports it. */
async function maxByPool(): Promise<Map<string, unknown[]>> {
  const points = (await collectMetric('db.client.connection.max')).flatMap((m) => m.dataPoints as Point[]);
  const byPool = new Map<string, unknown[]>();
  for (const point of points) {
    const name = String(point.attributes['db.client.connection.pool.name']);
    byPool.set(name, [...(byPool.get(name) ?? []), point.value]);
  }
  return byPool;
}

describe('pool metrics: one series per pool', () => {
  before(() => setupTelemetry());

  it('a pool renamed by guardPool() after a collection: the old name reads 0, the new one the pool', async () => {
    const pool = guardPool(newPool({ max: 3 }), { name: 'series-before' });
    try {
      assert.deepEqual((await maxByPool()).get('series-before'), [3]);
      guardPool(pool, { name: 'series-after' });
      const byPool = await maxByPool();
      assert.deepEqual(byPool.get('series-after'), [3], 'one point under the new name');
      assert.deepEqual(byPool.get('series-before'), [0], 'the old series no longer counts the pool');
    } finally {
      await pool.end();
    }
  });

  it('an ended pool reads 0, and a new pool that takes its name over reports its own max', async () => {
    const first = guardPool(newPool({ max: 4 }), { name: 'series-ended' });
    assert.deepEqual((await maxByPool()).get('series-ended'), [4]);
    await first.end();
    assert.deepEqual((await maxByPool()).get('series-ended'), [0]);
    const second = guardPool(newPool({ max: 2 }), { name: 'series-ended' });
    try {
      assert.deepEqual((await maxByPool()).get('series-ended'), [2]);
    } finally {
      await second.end();
    }
  });

  it('a generic-pool that learns its server from its first resource: the provisional series reads 0', async () => {
    const pool = guardPool(genericPool.createPool({
      create: async () => {
        const client = new pg.Client(pgConfig());
        await client.connect();
        return client;
      },
      destroy: (client: pg.Client) => client.end(),
    }, { max: 2 }));
    try {
      const before = await maxByPool();
      const provisional = [...before.keys()].filter((name) => name.startsWith('generic-pool'));
      assert.equal(provisional.length, 1, `one provisional name in ${[...before.keys()].join(', ')}`);
      const client = await pool.acquire();
      await client.query('SELECT 1');
      await pool.release(client);
      const after = await maxByPool();
      assert.deepEqual(after.get(provisional[0]!), [0], 'the provisional series no longer counts the pool');
      const learned = [...after.entries()].filter(([name, values]) => name.startsWith('127.0.0.1:5432/test') && values.includes(2));
      assert.equal(learned.length, 1, 'the pool reports under its learned name');
    } finally {
      await pool.drain();
      await pool.clear();
    }
  });
});
