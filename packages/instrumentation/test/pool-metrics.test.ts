/*
 * The semantic-convention pool metrics that are events rather than
 * occupancy: db.client.connection.create_time (seconds to open a new
 * connection) and db.client.connection.timeouts (checkouts that gave up
 * waiting), for pg against the real PostgreSQL.
 */
import assert from 'node:assert/strict';
import { guardPool } from '../src';
import { collectMetric, setupTelemetry } from './helpers/otel';
import { newPool } from './helpers/pg';

type Point = { value: unknown; attributes: Record<string, unknown> };

async function pointOf(metric: string, pool: string): Promise<Point | undefined> {
  const points = (await collectMetric(metric)).flatMap((m) => m.dataPoints as Point[]);
  return points.find((p) => p.attributes['db.client.connection.pool.name'] === pool);
}

describe('pool metrics: create_time and timeouts', () => {
  before(() => setupTelemetry());

  it('records how long each new pg connection took to open', async () => {
    const pool = guardPool(newPool({ max: 2 }), { name: 'metrics-create' });
    try {
      const [a, b] = await Promise.all([pool.connect(), pool.connect()]);
      a.release();
      b.release();
      const again = await pool.connect(); // an idle connection: nothing new to create
      again.release();
      const point = await pointOf('db.client.connection.create_time', 'metrics-create');
      const histogram = point?.value as { count: number; sum: number; max?: number } | undefined;
      assert.equal(histogram?.count, 2);
      assert.ok(histogram!.sum > 0 && histogram!.sum < 10, `plausible seconds: ${histogram!.sum}`);
    } finally {
      await pool.end();
    }
  });

  it('counts a checkout that gave up waiting (connectionTimeoutMillis), in both APIs', async () => {
    const pool = guardPool(newPool({ max: 1, connectionTimeoutMillis: 50 }), { name: 'metrics-timeouts' });
    try {
      const held = await pool.connect();
      await assert.rejects(pool.connect(), /timeout exceeded when trying to connect/);
      await new Promise<void>((resolve) => pool.connect((err) => { assert.match(String(err), /timeout/); resolve(); }));
      held.release();
      assert.equal((await pointOf('db.client.connection.timeouts', 'metrics-timeouts'))?.value, 2);
    } finally {
      await pool.end();
    }
  });
});
