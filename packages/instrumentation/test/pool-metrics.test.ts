/*
 * The semantic-convention pool metrics that are events rather than
 * occupancy: db.client.connection.create_time (seconds to open a new
 * connection), for pg, generic-pool, tarn and mysql2, and
 * db.client.connection.timeouts (checkouts that gave up waiting), for pg;
 * against the real PostgreSQL and MariaDB.
 */
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import genericPool from 'generic-pool';
import pg from 'pg';
import { Pool as TarnPool } from 'tarn';
import { guardPool } from '../src';
import { endMysqlPool, getConnection, newMysqlPool } from './helpers/mysql';
import { collectMetric, setupTelemetry } from './helpers/otel';
import { newPool, pgConfig, sleep } from './helpers/pg';

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

  it('a pg Client class the app derives from pool.Client after guarding keeps its methods, and its openings are timed', async () => {
    const pool = guardPool(newPool({ max: 2 }), { name: 'metrics-create-derived' });
    const derived = pool as unknown as { Client: typeof pg.Client };
    const seen: string[] = [];
    derived.Client = class Tagged extends derived.Client {
      override query(...args: unknown[]): never {
        seen.push(String(args[0]));
        return (super.query as (...a: unknown[]) => never)(...args);
      }
    };
    try {
      const client = await pool.connect();
      const answer = await client.query('SELECT 7 AS n').finally(() => client.release());
      assert.equal(answer.rows[0].n, 7);
      assert.equal(client.constructor.name, 'Tagged');
      assert.deepEqual(seen, ['SELECT 7 AS n']);
      const point = await pointOf('db.client.connection.create_time', 'metrics-create-derived');
      assert.equal((point?.value as { count: number } | undefined)?.count, 1);
    } finally {
      await pool.end();
    }
  });

  /** Two connections opened at once, one idle one reused: the pool's create_time counts two plausible openings. */
  async function assertTwoCreations(pool: string): Promise<void> {
    const point = await pointOf('db.client.connection.create_time', pool);
    const histogram = point?.value as { count: number; sum: number } | undefined;
    assert.equal(histogram?.count, 2);
    assert.ok(histogram!.sum > 0 && histogram!.sum < 10, `plausible seconds: ${histogram!.sum}`);
  }

  const openClient = async (): Promise<pg.Client> => {
    const client = new pg.Client(pgConfig());
    await client.connect();
    return client;
  };

  it('records how long each new generic-pool resource took to create, through a Proxy of the factory', async () => {
    let calls = 0;
    const factory = {
      create() {
        calls++;
        return openClient();
      },
      destroy: (client: pg.Client) => client.end(),
    };
    const appCreate = factory.create;
    const pool = guardPool(genericPool.createPool<pg.Client>(factory, { max: 2, min: 0 }), { name: 'metrics-create-generic' });
    try {
      const [a, b] = await Promise.all([pool.acquire(), pool.acquire()]);
      await pool.release(a);
      await pool.release(b);
      await pool.release(await pool.acquire());
      assert.equal(calls, 2, 'the app\'s own create ran once per resource');
      await assertTwoCreations('metrics-create-generic');
    } finally {
      await pool.drain();
      await pool.clear();
    }
    assert.equal(factory.create, appCreate, 'the app\'s factory object is left as it was');
  });

  it('generic-pool: the `min` resources its constructor starts creating, before poolguard sees the pool, are timed too', async () => {
    const pool = guardPool(genericPool.createPool<pg.Client>({ create: openClient, destroy: (client) => client.end() }, { max: 2, min: 2 }), { name: 'metrics-create-min' });
    try {
      await pool.ready();
      await assertTwoCreations('metrics-create-min');
    } finally {
      await pool.drain();
      await pool.clear();
    }
  });

  it('an unnamed generic-pool or tarn pool of pg Clients records create_time under its server\'s name, from the first creation', async () => {
    const poolName = (pool: object) => (pool as Record<symbol, { name: string }>)[Symbol.for('poolguard.pool')]!.name;
    // Cumulative series: a name an earlier test's pool had counts on; compare with the counts before.
    const countsNow = async () => new Map((await collectMetric('db.client.connection.create_time')).flatMap((m) => m.dataPoints as Point[])
      .map((p) => [String(p.attributes['db.client.connection.pool.name']), (p.value as { count: number }).count]));
    const before = await countsNow();
    const generic = guardPool(genericPool.createPool<pg.Client>({ create: openClient, destroy: (client) => client.end() }, { max: 1, min: 1 }));
    const tarn = guardPool(new TarnPool<pg.Client>({ create: openClient, destroy: (client) => client.end(), min: 0, max: 1 }));
    try {
      await generic.ready();
      tarn.release(await tarn.acquire().promise);
      await sleep(20);
      const after = await countsNow();
      const added = (name: string) => (after.get(name) ?? 0) - (before.get(name) ?? 0);
      for (const pool of [generic, tarn]) {
        const name = poolName(pool);
        assert.match(name, /^127\.0\.0\.1:5432\/test(#\d+)?$/);
        assert.equal(added(name), 1, `create_time under ${name}`);
      }
      for (const library of ['generic-pool', 'tarn']) assert.equal(added(library), 0, `nothing under "${library}"`);
    } finally {
      await generic.drain();
      await generic.clear();
      await tarn.destroy();
    }
  });

  it('records how long each new tarn resource took to create, from its create events', async () => {
    const pool = guardPool(new TarnPool<pg.Client>({ create: openClient, destroy: (client) => client.end(), min: 0, max: 2 }), { name: 'metrics-create-tarn' });
    try {
      const [a, b] = await Promise.all([pool.acquire().promise, pool.acquire().promise]);
      pool.release(a);
      pool.release(b);
      pool.release(await pool.acquire().promise);
      await assertTwoCreations('metrics-create-tarn');
    } finally {
      await pool.destroy();
    }
  });

  it('records how long each new mysql2 connection took to open', async () => {
    const pool = guardPool(newMysqlPool({ connectionLimit: 2 }), { name: 'metrics-create-mysql2' });
    try {
      const [a, b] = await Promise.all([getConnection(pool), getConnection(pool)]);
      a.release();
      b.release();
      (await getConnection(pool)).release();
      await assertTwoCreations('metrics-create-mysql2');
    } finally {
      await endMysqlPool(pool);
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

  it('counts a checkout whose new connection timed out (a server that accepts and never answers), in both APIs', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const pool = guardPool(new pg.Pool({ host: '127.0.0.1', port, user: 'nobody', database: 'none', connectionTimeoutMillis: 100 }), { name: 'metrics-connect-timeouts' });
    try {
      await assert.rejects(pool.connect(), /connection timeout/);
      await assert.rejects(pool.query('SELECT 1'), /connection timeout/);
      assert.equal((await pointOf('db.client.connection.timeouts', 'metrics-connect-timeouts'))?.value, 2);
    } finally {
      await pool.end();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
