/*
 * recognise.ts against real instances of every supported library, created
 * without connecting (a pool passed across a boundary may never have
 * connected), and against look-alike app objects that must stay unrecognised.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { inspect } from 'node:util';
import genericPool from 'generic-pool';
import knexFactory from 'knex';
import mysql from 'mysql2';
import mysqlPromise from 'mysql2/promise';
import pg from 'pg';
import { Pool as TarnPool } from 'tarn';
import { guardPool } from '../src/guard';
import { findPoolValue, MAX_BREADTH, MAX_SCAN, recognise } from '../src/recognise';
import { pgConfig } from './helpers/pg';

const mysqlConfig = { host: '127.0.0.1', port: 3306, user: 'root', database: 'test' };

describe('recognise', () => {
  const cleanup: (() => unknown)[] = [];
  after(async () => {
    for (const step of cleanup) await step();
  });

  it('pg Pool, Client and Connection, unconnected', () => {
    const pool = new pg.Pool(pgConfig());
    const client = new pg.Client(pgConfig());
    assert.deepEqual(recognise(pool), { library: 'pg', role: 'pool', label: 'pg Pool', state: undefined });
    assert.equal(recognise(client)?.label, 'pg Client');
    assert.equal(recognise(client)?.role, 'client');
    assert.equal(recognise((client as unknown as { connection: object }).connection)?.label, 'pg Connection');
  });

  it('a guarded pg pool and its leased PoolClient carry the guarded pool state', async () => {
    const pool = guardPool(new pg.Pool(pgConfig({ max: 1 })), { name: 'recognise-guarded' });
    cleanup.push(() => pool.end());
    assert.equal(recognise(pool)?.state?.name, 'recognise-guarded');
    const client = await pool.connect();
    try {
      const hit = recognise(client);
      assert.equal(hit?.label, 'pg PoolClient');
      assert.equal(hit?.role, 'connection');
      assert.equal(hit?.state?.name, 'recognise-guarded');
    } finally {
      client.release();
    }
  });

  it('a lease handle (leaseHandles: true) is recognised through the proxy', async () => {
    const pool = guardPool(new pg.Pool(pgConfig({ max: 1 })), { name: 'recognise-handle', leaseHandles: true });
    cleanup.push(() => pool.end());
    const handle = await pool.connect();
    try {
      assert.equal(recognise(handle)?.state?.name, 'recognise-handle');
    } finally {
      handle.release();
    }
  });

  it('mysql2 callback and promise pools and connections, unconnected', async () => {
    const pool = mysql.createPool(mysqlConfig);
    cleanup.push(() => new Promise((resolve) => pool.end(resolve)));
    assert.equal(recognise(pool)?.label, 'mysql2 Pool');
    assert.equal(recognise(pool.promise())?.label, 'mysql2 PromisePool');
    const promisePool = mysqlPromise.createPool(mysqlConfig);
    cleanup.push(() => promisePool.end());
    assert.equal(recognise(promisePool)?.label, 'mysql2 PromisePool');
    assert.equal(recognise(promisePool.pool)?.label, 'mysql2 Pool');
    // createConnection starts connecting at once; the shape is there before it succeeds or fails.
    const connection = mysql.createConnection({ ...mysqlConfig, port: 1 });
    connection.on('error', () => undefined);
    cleanup.push(() => connection.destroy());
    assert.equal(recognise(connection)?.label, 'mysql2 Connection');
    assert.equal(recognise(connection.promise())?.label, 'mysql2 PromiseConnection');
  });

  it('a mysql2 PoolCluster and its namespaces, callback and promise; a guarded node pool is reported on', () => {
    const cluster = mysql.createPoolCluster();
    cluster.add('primary', mysqlConfig);
    cleanup.push(() => new Promise((resolve) => cluster.end(() => resolve(undefined))));
    assert.equal(recognise(cluster)?.label, 'mysql2 PoolCluster');
    assert.equal(recognise(cluster.of('*'))?.label, 'mysql2 PoolNamespace');
    const promiseCluster = mysqlPromise.createPoolCluster();
    promiseCluster.add('primary', mysqlConfig);
    cleanup.push(() => promiseCluster.end());
    assert.equal(recognise(promiseCluster)?.label, 'mysql2 PromisePoolCluster');
    assert.equal(recognise(promiseCluster.of('*'))?.label, 'mysql2 PromisePoolNamespace');
    assert.equal(findPoolValue({ job: { db: cluster.of('*') } })?.label, 'mysql2 PoolNamespace');
    const nodePool = (cluster as unknown as { _nodes: Record<string, { pool: object }> })._nodes.primary!.pool;
    guardPool(nodePool, { name: 'recognise-cluster-node' });
    assert.equal(recognise(cluster)?.state?.name, 'recognise-cluster-node');
  });

  it('mysql2 PoolConnection and PromisePoolConnection, from a real MariaDB', async function () {
    const pool = mysqlPromise.createPool(mysqlConfig);
    cleanup.push(() => pool.end());
    const connection = await pool.getConnection();
    try {
      assert.equal(recognise(connection)?.label, 'mysql2 PromisePoolConnection');
      assert.equal(recognise(connection.connection)?.label, 'mysql2 PoolConnection');
      assert.equal(recognise(connection.connection)?.role, 'connection');
    } finally {
      connection.release();
    }
  });

  it('generic-pool, tarn and knex (instance, transaction-capable function, client)', async () => {
    const gp = genericPool.createPool({ create: async () => ({}), destroy: async () => undefined }, { max: 1 });
    cleanup.push(async () => { await gp.drain(); await gp.clear(); });
    assert.equal(recognise(gp)?.label, 'generic-pool Pool');
    const tp = new TarnPool({ create: (cb: (err: Error | null, r: object) => void) => cb(null, {}), destroy: () => undefined, min: 0, max: 1 });
    cleanup.push(() => tp.destroy());
    assert.equal(recognise(tp)?.label, 'tarn Pool');
    const knex = knexFactory({ client: 'pg', connection: pgConfig() as object });
    cleanup.push(() => knex.destroy());
    assert.equal(recognise(knex)?.label, 'knex instance');
    assert.equal(recognise(knex.client)?.label, 'knex Client');
    // Guarded, both lead to the tarn pool behind them, whose name a report carries.
    guardPool(knex, { name: 'recognised-knex' });
    assert.equal(recognise(knex)?.state?.name, 'recognised-knex');
    assert.equal(recognise(knex.client)?.state?.name, 'recognised-knex');
    // A transaction is a knex instance over a copy of the client that holds no pool: it leads there too.
    const trx = await knex.transaction();
    try {
      assert.equal(recognise(trx)?.label, 'knex instance');
      assert.equal(recognise(trx)?.state?.name, 'recognised-knex');
      assert.equal(recognise(trx.client)?.state?.name, 'recognised-knex');
    } finally {
      await trx.rollback();
    }
  });

  it('leaves look-alikes and ordinary values alone', () => {
    for (const value of [
      null, undefined, 0, 'pool', Symbol('pool'), 10n,
      {}, [], new Map(), new Set(), new Date(), Buffer.from('x'), new EventEmitter(), () => undefined, class Pool {},
      { query: () => undefined, connect: () => undefined, release: () => undefined },
      { _clients: [], _idle: [], connect: () => undefined }, // two of pg-pool's four fields
      { pool: {}, Promise }, { connection: { query() {} }, Promise },
      { creator: 1, destroyer: 2, used: [], free: [] },
      Object.assign(() => undefined, { client: {} }),
    ]) {
      assert.equal(recognise(value), undefined, `recognised ${inspect(value)}`);
    }
  });

  it('a proxy whose traps throw is not recognised, and recognise does not throw', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    assert.equal(recognise(proxy), undefined);
    assert.equal(findPoolValue({ a: proxy }), undefined);
  });
});

describe('findPoolValue', () => {
  const pool = new pg.Pool(pgConfig());

  it('returns at once for primitives and finds nothing in plain data', () => {
    assert.equal(findPoolValue('text'), undefined);
    assert.equal(findPoolValue(42), undefined);
    assert.equal(findPoolValue({ id: 1, rows: [{ a: 1 }, { b: 'x' }], at: new Date(), buf: new Uint8Array(8) }), undefined);
  });

  it('looks into objects, arrays, Maps (keys and values) and Sets to depth 3', () => {
    assert.equal(findPoolValue(pool)?.label, 'pg Pool');
    assert.equal(findPoolValue({ a: { b: { pool } } })?.label, 'pg Pool');
    assert.equal(findPoolValue([[[pool]]])?.label, 'pg Pool');
    assert.equal(findPoolValue(new Map([['k', { x: pool }]]))?.label, 'pg Pool');
    assert.equal(findPoolValue(new Map([[pool, 'v']]))?.label, 'pg Pool');
    assert.equal(findPoolValue({ s: new Set([pool]) })?.label, 'pg Pool');
    assert.equal(findPoolValue(Object.assign(Object.create(null) as object, { pool }))?.label, 'pg Pool');
  });

  it('skips primitives free: a pool after many scalar fields, or beside a result set, is found', () => {
    const numbers = Array.from({ length: 70 }, (_, i) => i);
    assert.equal(findPoolValue([...numbers, pool])?.label, 'pg Pool');
    const fields = Object.fromEntries(numbers.map((i) => [`f${i}`, i]));
    assert.equal(findPoolValue({ ...fields, pool })?.label, 'pg Pool');
    assert.equal(findPoolValue(new Map(numbers.map((i): [unknown, unknown] => [i, `v${i}`]).concat([['db', pool]])))?.label, 'pg Pool');
    const rows = Array.from({ length: 100 }, (_, i) => Object.fromEntries(Array.from({ length: 8 }, (_, c) => [`c${c}`, new Date(i * c)])));
    assert.equal(findPoolValue({ rows, client: pool })?.label, 'pg Pool', 'a pool beside a result set of 100 rows of 8 dates');
    // Dates, buffers and typed arrays are leaves: they spend nothing of the message's budget.
    const wide = Array.from({ length: 300 }, (_, i) => Object.fromEntries(Array.from({ length: 20 }, (_, c) => [`c${c}`, c % 2 === 0 ? new Date(i * c) : Buffer.from([c])])));
    assert.equal(findPoolValue({ rows: wide, client: pool })?.label, 'pg Pool', 'a pool beside 300 rows of 20 dates and buffers');
  });

  it('steps over at most MAX_SCAN entries of one container: a sparse array\'s length is no bound', () => {
    const sparse: unknown[] = [pool];
    sparse.length = 100_000_000;
    assert.equal(findPoolValue(sparse)?.label, 'pg Pool');
    const late: unknown[] = [];
    late.length = MAX_SCAN;
    late.push(pool);
    assert.equal(findPoolValue(late), undefined);
  });

  it('stops below depth 3, and past MAX_BREADTH objects among one container\'s values', () => {
    assert.equal(findPoolValue({ a: { b: { c: { pool } } } }), undefined);
    const wide: Record<string, unknown> = {};
    for (let i = 0; i < MAX_BREADTH; i++) wide[`k${i}`] = { n: i };
    assert.equal(findPoolValue({ ...wide, last: pool }), undefined);
    assert.equal(findPoolValue({ first: pool, ...wide })?.label, 'pg Pool');
  });

  it('does not follow class instances other than recognised ones, nor run getters of plain objects twice', () => {
    class Envelope { constructor(readonly pool: object) {} }
    assert.equal(findPoolValue(new Envelope(pool)), undefined, 'only plain objects, arrays, Maps and Sets are looked into (DESIGN "Boundary payloads")');
    let reads = 0;
    const message = { get pool() { reads++; return pool; } };
    assert.equal(findPoolValue(message)?.label, 'pg Pool');
    assert.equal(reads, 1);
  });

  after(() => pool.end());
});
