/*
 * The census metrics for the cross-process connection budget: every pool
 * exports db.client.connection.max with server.address and server.port, and
 * checkServerLimit reads max_connections once, over its own connection (the
 * pool's own connections are untouched), into poolguard.server.connection_limit.
 */
import assert from 'node:assert/strict';
import pg from 'pg';
import { guardPool } from '../src/guard';
import { pgConfig } from './helpers/pg';
import { collectMetric, setupTelemetry } from './helpers/otel';

async function pointOf(metric: string, pool: string) {
  const points = (await collectMetric(metric)).flatMap((m) => m.dataPoints as { value: unknown; attributes: Record<string, unknown> }[]);
  return points.find((p) => p.attributes['db.client.connection.pool.name'] === pool);
}

describe('server connection limit and census metrics', () => {
  setupTelemetry();

  it('checkServerLimit exports the server\'s max_connections, read over a one-off connection', async () => {
    const direct = new pg.Client(pgConfig());
    await direct.connect();
    const expected = Number((await direct.query('SHOW max_connections')).rows[0].max_connections);
    await direct.end();

    const pool = guardPool(new pg.Pool(pgConfig({ max: 7 })), { name: 'limit-pool', checkServerLimit: true });
    try {
      const deadline = Date.now() + 10_000;
      let limit = await pointOf('poolguard.server.connection_limit', 'limit-pool');
      while (limit === undefined && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        limit = await pointOf('poolguard.server.connection_limit', 'limit-pool');
      }
      assert.ok(limit !== undefined, 'the gauge appeared within 10 s');
      assert.equal(limit.value, expected);
      assert.equal(limit.attributes['server.address'], pgConfig().host ?? '127.0.0.1');
      assert.equal(limit.attributes['server.port'], 5432);
      assert.equal(pool.totalCount, 0, 'no connection of the pool was used for it');
      const max = await pointOf('db.client.connection.max', 'limit-pool');
      assert.equal(max?.value, 7);
      assert.equal(max?.attributes['server.address'], limit.attributes['server.address'], 'max and limit share the server attributes');
      assert.equal(max?.attributes['server.port'], 5432);
    } finally {
      await pool.end();
    }
  });

  it('mysql2: checkServerLimit reads @@max_connections over its own connection once the pool has one', async () => {
    const mysql = await import('mysql2');
    const config = { host: process.env.MYSQL_HOST ?? '127.0.0.1', port: Number(process.env.MYSQL_PORT ?? 3306), user: process.env.MYSQL_USER ?? 'root', database: process.env.MYSQL_DATABASE ?? 'test' };
    const direct = mysql.createConnection(config);
    const expected = await new Promise<number>((resolve, reject) => direct.query('SELECT @@max_connections AS m', (err, rows) => (err ? reject(err) : resolve(Number((rows as { m: number }[])[0]!.m)))));
    direct.end();

    const pool = guardPool(mysql.createPool({ ...config, connectionLimit: 4 }), { name: 'limit-mysql', checkServerLimit: true });
    try {
      await new Promise<void>((resolve, reject) => pool.query('SELECT 1', (err) => (err ? reject(err) : resolve())));
      const deadline = Date.now() + 10_000;
      let limit = await pointOf('poolguard.server.connection_limit', 'limit-mysql');
      while (limit === undefined && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        limit = await pointOf('poolguard.server.connection_limit', 'limit-mysql');
      }
      assert.ok(limit !== undefined, 'the gauge appeared within 10 s');
      assert.equal(limit.value, expected);
      assert.equal(limit.attributes['server.port'], 3306);
      assert.equal((pool as unknown as { _allConnections: { length: number } })._allConnections.length, 1, 'the read used no connection of the pool');
    } finally {
      await new Promise<void>((resolve) => pool.end(() => resolve()));
    }
  });

  it('without checkServerLimit no limit is read', async () => {
    const pool = guardPool(new pg.Pool(pgConfig({ max: 3 })), { name: 'no-limit-pool' });
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(await pointOf('poolguard.server.connection_limit', 'no-limit-pool'), undefined);
      assert.equal((await pointOf('db.client.connection.max', 'no-limit-pool'))?.value, 3);
    } finally {
      await pool.end();
    }
  });
});
