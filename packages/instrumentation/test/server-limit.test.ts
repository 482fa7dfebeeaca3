/*
 * The census metrics for the cross-process connection budget: every pool
 * exports db.client.connection.max with server.address and server.port, and
 * checkServerLimit reads max_connections once, over its own connection (the
 * pool's own connections are untouched), into poolguard.server.connection_limit.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { guardPool } from '../src/guard';
import { pgConfig } from './helpers/pg';
import { collectMetric, setupTelemetry } from './helpers/otel';

async function pointOf(metric: string, pool: string) {
  const points = (await collectMetric(metric)).flatMap((m) => m.dataPoints as { value: unknown; attributes: Record<string, unknown> }[]);
  return points.find((p) => p.attributes['db.client.connection.pool.name'] === pool);
}

/** The pool's poolguard.server.connection_limit point, polled for up to 10 s (the read is asynchronous). */
async function limitOf(pool: string) {
  const deadline = Date.now() + 10_000;
  let limit = await pointOf('poolguard.server.connection_limit', pool);
  while (limit === undefined && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    limit = await pointOf('poolguard.server.connection_limit', pool);
  }
  assert.ok(limit !== undefined, `the gauge of ${pool} appeared within 10 s`);
  return limit;
}

async function pgMaxConnections(): Promise<number> {
  const direct = new pg.Client(pgConfig());
  await direct.connect();
  try {
    return Number((await direct.query('SHOW max_connections')).rows[0].max_connections);
  } finally {
    await direct.end();
  }
}

const mysqlConfig = () => ({ host: process.env.MYSQL_HOST ?? '127.0.0.1', port: Number(process.env.MYSQL_PORT ?? 3306), user: process.env.MYSQL_USER ?? 'root', database: process.env.MYSQL_DATABASE ?? 'test' });

describe('server connection limit and census metrics', () => {
  setupTelemetry();

  it('checkServerLimit exports the server\'s max_connections, read over a one-off connection', async () => {
    const expected = await pgMaxConnections();
    const pool = guardPool(new pg.Pool(pgConfig({ max: 7 })), { name: 'limit-pool', checkServerLimit: true });
    try {
      const limit = await limitOf('limit-pool');
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

  it('the one-off pg connection carries the pool\'s password, which pg-pool keeps non-enumerable, a string or a token function', async () => {
    const passwords: unknown[] = [];
    class RecordingClient extends pg.Client {
      constructor(options?: pg.ClientConfig) {
        super(options);
        passwords.push(options?.password);
      }
    }
    const token = async () => 'rotating-token';
    for (const [name, password] of [['limit-password', 's3cret-pw'], ['limit-token', token]] as const) {
      passwords.length = 0;
      const pool = guardPool(new pg.Pool(pgConfig({ Client: RecordingClient, password })), { name, checkServerLimit: true });
      try {
        await limitOf(name);
        // Trust auth ignores the password: what the one-off client was given is what counts.
        assert.deepEqual(passwords, [password], 'the read\'s client got the pool\'s password');
      } finally {
        await pool.end();
      }
    }
  });

  it('mysql2: checkServerLimit reads @@max_connections over its own connection once the pool has one', async () => {
    const mysql = await import('mysql2');
    const config = mysqlConfig();
    const direct = mysql.createConnection(config);
    const expected = await new Promise<number>((resolve, reject) => direct.query('SELECT @@max_connections AS m', (err, rows) => (err ? reject(err) : resolve(Number((rows as { m: number }[])[0]!.m)))));
    direct.end();

    const pool = guardPool(mysql.createPool({ ...config, connectionLimit: 4 }), { name: 'limit-mysql', checkServerLimit: true });
    try {
      await new Promise<void>((resolve, reject) => pool.query('SELECT 1', (err) => (err ? reject(err) : resolve())));
      const limit = await limitOf('limit-mysql');
      assert.equal(limit.value, expected);
      assert.equal(limit.attributes['server.port'], 3306);
      assert.equal((pool as unknown as { _allConnections: { length: number } })._allConnections.length, 1, 'the read used no connection of the pool');
    } finally {
      await new Promise<void>((resolve) => pool.end(() => resolve()));
    }
  });

  it('knex (tarn) lending pg Clients: the limit is read through the first one\'s class and settings, over a connection of its own', async () => {
    const expected = await pgMaxConnections();
    const { default: knex } = await import('knex');
    const db = guardPool(knex({ client: 'pg', connection: pgConfig() as object, pool: { min: 0, max: 2 } }), { name: 'limit-knex', checkServerLimit: true });
    try {
      await db.raw('SELECT 1');
      const limit = await limitOf('limit-knex');
      assert.equal(limit.value, expected);
      assert.equal(limit.attributes['server.port'], 5432);
      assert.equal(db.client.pool.numUsed() + db.client.pool.numFree(), 1, 'the read used no connection of the pool');
    } finally {
      await db.destroy();
    }
  });

  it('generic-pool lending mysql2 connections: the limit is read through the first one', async () => {
    const mysql = await import('mysql2');
    const { createPool } = await import('generic-pool');
    const direct = mysql.createConnection(mysqlConfig());
    const expected = await new Promise<number>((resolve, reject) => direct.query('SELECT @@max_connections AS m', (err, rows) => (err ? reject(err) : resolve(Number((rows as { m: number }[])[0]!.m)))));
    direct.end();
    const pool = guardPool(createPool({
      create: async () => mysql.createConnection(mysqlConfig()),
      destroy: async (connection: import('mysql2').Connection) => connection.destroy(),
    }, { max: 2 }), { name: 'limit-generic', checkServerLimit: true });
    try {
      const connection = await pool.acquire();
      await pool.release(connection);
      const limit = await limitOf('limit-generic');
      assert.equal(limit.value, expected);
      assert.equal(limit.attributes['server.port'], 3306);
      assert.equal(pool.size, 1, 'the read used no connection of the pool');
    } finally {
      await pool.drain();
      await pool.clear();
    }
  });

  it('the one-off read stays out of the app\'s traces: instrumentation-pg records no span of it, even for a pool made inside a request', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(__dirname, 'fixtures', 'server-limit-untraced.js')], { timeout: 30_000 });
    const { limit, spanNames } = JSON.parse(stdout.trim().split('\n').pop()!) as { limit: boolean; spanNames: string[] };
    assert.equal(limit, true, 'the limit was read');
    assert.deepEqual(spanNames.filter((name) => /SHOW|max_connections/i.test(name)), []);
    assert.equal(spanNames.filter((name) => name === 'pg.connect').length, 1, 'the pool\'s own connection only');
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
