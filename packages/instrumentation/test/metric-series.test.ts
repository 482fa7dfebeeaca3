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
import { Pool as TarnPool } from 'tarn';
import { guardPool } from '../src';
import { endMysqlPool, getConnection, newMysqlPool } from './helpers/mysql';
import { collectMetric, setupTelemetry } from './helpers/otel';
import { newPool, pgConfig } from './helpers/pg';
import { runFixture } from './helpers/processes';

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

/** `metric`'s values for the pool `name`, keyed by connection state where it has one, as the next collection reports them. */
async function seriesOf(metric: string, name: string): Promise<Record<string, unknown>> {
  const points = (await collectMetric(metric)).flatMap((m) => m.dataPoints as Point[]);
  const values: Record<string, unknown> = {};
  for (const point of points.filter((p) => p.attributes['db.client.connection.pool.name'] === name)) {
    values[String(point.attributes['db.client.connection.state'] ?? 'all')] = point.value;
  }
  return values;
}

async function openClient(): Promise<pg.Client> {
  const client = new pg.Client(pgConfig());
  await client.connect();
  return client;
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

  it('a pg pool ended while a lease is held counts that open connection until it is released; its max reads 0 at once', async () => {
    const pool = guardPool(newPool({ max: 3 }), { name: 'series-ending' });
    const held = await pool.connect();
    const ending = pool.end();
    try {
      assert.deepEqual(await seriesOf('db.client.connection.count', 'series-ending'), { idle: 0, used: 1 });
      assert.deepEqual(await seriesOf('db.client.connection.max', 'series-ending'), { all: 0 }, 'an ending pool allows no more');
      assert.equal((await held.query('SELECT 1 AS one')).rows[0].one, 1, 'the connection is still open');
    } finally {
      held.release();
      await ending;
    }
    assert.deepEqual(await seriesOf('db.client.connection.count', 'series-ending'), { idle: 0, used: 0 });
    assert.deepEqual(await seriesOf('db.client.connection.max', 'series-ending'), { all: 0 });
  });

  it('every library\'s ended pool reads 0 in each series after its end', async () => {
    const mysql = guardPool(newMysqlPool({ connectionLimit: 2 }), { name: 'series-end-mysql2' });
    const generic = guardPool(genericPool.createPool({ create: openClient, destroy: (client: pg.Client) => client.end() }, { max: 2, min: 1 }), { name: 'series-end-generic' });
    const tarn = guardPool(new TarnPool<pg.Client>({ create: openClient, destroy: (client) => client.end(), min: 0, max: 2 }), { name: 'series-end-tarn' });
    (await getConnection(mysql)).release();
    await generic.release(await generic.acquire());
    tarn.release(await tarn.acquire().promise);
    for (const name of ['series-end-mysql2', 'series-end-generic', 'series-end-tarn']) {
      assert.equal((await seriesOf('db.client.connection.max', name)).all, 2, `${name} reports while open`);
    }
    await endMysqlPool(mysql);
    await generic.drain();
    await generic.clear();
    await tarn.destroy();
    for (const name of ['series-end-mysql2', 'series-end-generic', 'series-end-tarn']) {
      assert.deepEqual(await seriesOf('db.client.connection.count', name), { idle: 0, used: 0 }, name);
      assert.deepEqual(await seriesOf('db.client.connection.max', name), { all: 0 }, name);
    }
  });

  it('pools created and ended between two collections leave the metered set: it does not grow with them', async () => {
    const keeper = guardPool(newPool({ max: 1 }), { name: 'series-keeper' });
    type Metered = { metrics?: { instruments?: { pools: Map<unknown, unknown> } } };
    const pools = (keeper as unknown as Record<symbol, Metered>)[Symbol.for('poolguard.pool')]!.metrics!.instruments!.pools;
    const before = pools.size;
    try {
      for (let i = 0; i < 600; i++) {
        const churned = guardPool(genericPool.createPool({ create: async () => ({}), destroy: async () => undefined }, { max: 1 }), { name: `series-churn-${i}` });
        await churned.drain();
        await churned.clear();
      }
      assert.ok(pools.size - before < 300, `the set holds ${pools.size - before} more pools after 600 were created and ended`);
      assert.equal((await seriesOf('db.client.connection.max', 'series-churn-599')).all, undefined, 'an ended pool that never reported has no series');
    } finally {
      await keeper.end();
    }
  });

  it('with no MeterProvider, a pool is kept in no metered set: the no-op meter never collects, so nothing would prune it (fresh process)', async () => {
    const [result] = await runFixture('no-meter-pools.js');
    assert.deepEqual(result, { metered: true, inSet: false, recording: false });
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
