/*
 * mysql2, against the real MariaDB: the commands an app sends besides
 * statements (ping, prepare, reset, changeUser) and the pool's own work on its
 * connections (the idle reaper, pool.execute's read-only handling,
 * resetOnRelease). mysql2 runs every command's callback from the socket's
 * data handler, in the context of whichever task opened the connection: a
 * release there must still count as the caller's, and the pool's own work is
 * no violation.
 */
import assert from 'node:assert/strict';
import type mysql from 'mysql2';
import { runInTask } from '../../src';
import { collectMetric, resetTelemetry, setupTelemetry } from '../helpers/otel';
import { sleep } from '../helpers/pg';
import { cb, getConnection, occupancy, query, withGuardedMysqlPool } from '../helpers/mysql';
import { expectSilent, expectViolations, gate } from '../helpers/violations';

/** One task: checks out, runs `first` on the connection, then a query, and releases in the query's callback. */
function job(pool: mysql.Pool, first: (conn: mysql.PoolConnection, next: () => void) => void): Promise<void> {
  return runInTask(() => new Promise<void>((resolve, reject) => {
    pool.getConnection((err, conn) => {
      if (err) return reject(err);
      first(conn, () => conn.query('SELECT 1', () => {
        conn.release();
        resolve();
      }));
    });
  }));
}

/** Rejects when `promise` takes longer than `ms`: a stranded connection makes the next checkout wait for ever. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<T>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms); })]).finally(() => clearTimeout(timer));
}

const SESSION_COMMANDS: [string, (conn: mysql.PoolConnection, next: () => void) => void][] = [
  ['ping', (conn, next) => conn.ping(() => next())],
  ['prepare', (conn, next) => conn.prepare('SELECT ? AS x', (err, statement) => {
    assert.ifError(err);
    statement.execute([1], () => {
      statement.close();
      next();
    });
  })],
  ['reset', (conn, next) => (conn as unknown as { reset(done: () => void): void }).reset(() => next())],
  ['changeUser', (conn, next) => conn.changeUser({ user: 'root', password: '' }, () => next())],
];

describe('mysql2 adapter: session commands and the pool\'s own work', () => {
  before(() => setupTelemetry());
  beforeEach(() => resetTelemetry());

  for (const mode of ['report', 'throw'] as const) {
    for (const [command, first] of SESSION_COMMANDS) {
      it(`a release from the callback of ${command}() is the caller's (${mode} mode): silent, and the next task gets the connection`, () => withGuardedMysqlPool(`my-session-${command}-${mode}`, { mode }, { connectionLimit: 1 }, async (pool) => {
        await job(pool, (_conn, next) => next()); // another task opens the connection
        await within(job(pool, first), 3000, `the ${command} job`);
        await within(job(pool, (_conn, next) => next()), 3000, 'the next job');
        expectSilent(`my-session-${command}-${mode}`);
        assert.equal(occupancy(pool).free, 1);
      }));
    }
  }

  it('a ping on a connection released and lent to another task is use_after_release', () => withGuardedMysqlPool('my-session-ping-uar', {}, { connectionLimit: 1 }, async (pool) => {
    const released = gate();
    const otherHolds = gate();
    const pinged = gate();
    const stale = runInTask(async () => {
      const conn = await getConnection(pool);
      conn.release();
      released.open();
      await otherHolds.promise;
      await cb((done) => conn.ping(done as never));
      pinged.open();
    });
    await runInTask(async () => {
      await released.promise;
      const conn = await getConnection(pool);
      otherHolds.open();
      await pinged.promise;
      conn.release();
    });
    await stale;
    expectViolations('my-session-ping-uar', 'use_after_release', 1);
  }));

  it('changeUser() after release is one use_after_release: the CloseStatement mysql2 sends for each cached statement as it starts is its own', () => withGuardedMysqlPool('my-session-change-user-uar', {}, { connectionLimit: 1 }, async (pool) => {
    const conn = await getConnection(pool);
    for (const sql of ['SELECT ? AS a', 'SELECT ? AS b', 'SELECT ? AS c']) await cb((done) => conn.execute(sql, [1], done as never));
    conn.release();
    await cb((done) => conn.changeUser({ database: 'test' }, done as never)).catch(() => undefined);
    expectViolations('my-session-change-user-uar', 'use_after_release', 1);
  }));

  it('the idle reaper destroying idle connections is the pool\'s own: silent', () => withGuardedMysqlPool('my-session-reaper', { mode: 'throw' }, { connectionLimit: 3, maxIdle: 1, idleTimeout: 100 }, async (pool) => {
    const conns = await Promise.all([getConnection(pool), getConnection(pool), getConnection(pool)]);
    await Promise.all(conns.map((conn) => query(conn, 'SELECT 1')));
    for (const conn of conns) conn.release();
    // The reaper runs every second and closes connections idle for longer than idleTimeout.
    for (let i = 0; i < 40 && occupancy(pool).all > 0; i++) await sleep(100);
    assert.equal(occupancy(pool).all, 0, 'the reaper closed the idle connections');
    expectSilent('my-session-reaper');
  }));

  for (const mode of ['report', 'throw'] as const) {
    it(`pool.execute() hitting a read-only error: mysql2 destroys, then releases, its own lease (${mode} mode): silent, one callback`, () => withGuardedMysqlPool(`my-session-read-only-${mode}`, { mode }, { connectionLimit: 1 }, async (pool) => {
      await query(pool, 'CREATE TABLE IF NOT EXISTS poolguard_read_only (id INT) ENGINE=InnoDB');
      await query(pool, 'SET SESSION TRANSACTION READ ONLY'); // the pool's one connection
      const errors: unknown[] = [];
      await new Promise<void>((resolve) => {
        pool.execute('INSERT INTO poolguard_read_only VALUES (?)', [1], (err) => {
          errors.push(err);
          resolve();
        });
      });
      await sleep(50);
      assert.equal(errors.length, 1, 'the callback ran once');
      assert.equal((errors[0] as { errno?: number }).errno, 1792);
      expectSilent(`my-session-read-only-${mode}`);
    }));
  }

  it('waitForConnections: false — a task asking for a second connection from a full pool waits for nothing: no nested_checkout, mysql2\'s own error', () => withGuardedMysqlPool('my-session-no-wait', { mode: 'throw' }, { connectionLimit: 1, waitForConnections: false }, async (pool) => {
    await runInTask(async () => {
      const held = await getConnection(pool);
      await assert.rejects(getConnection(pool), /No connections available/);
      held.release();
    });
    expectSilent('my-session-no-wait');
  }));

  it('connectionLimit: 0 (no limit in mysql2) exports no db.client.connection.max', () => withGuardedMysqlPool('my-session-unlimited', {}, { connectionLimit: 0 }, async (pool) => {
    const conns = await Promise.all([getConnection(pool), getConnection(pool)]);
    const max = (await collectMetric('db.client.connection.max')).flatMap((m) => m.dataPoints as { value: unknown; attributes: Record<string, unknown> }[]).filter((p) => p.attributes['db.client.connection.pool.name'] === 'my-session-unlimited');
    assert.deepEqual(max.map((p) => p.value), [], 'no max of 0 beside 2 used connections');
    for (const conn of conns) conn.release();
  }));

  it('reset() ends the session\'s transaction: a release after it is silent, and so is the next borrower\'s', () => withGuardedMysqlPool('my-session-reset', {}, { connectionLimit: 1 }, async (pool) => {
    const conn = await getConnection(pool);
    await query(conn, 'START TRANSACTION');
    await cb((done) => (conn as unknown as { reset(d: typeof done): void }).reset(done));
    conn.release();
    const next = await getConnection(pool);
    await query(next, 'SELECT 1');
    next.release();
    expectSilent('my-session-reset');
  }));

  it('resetOnRelease: the pool resets the session as it takes the connection back, so a release inside a transaction leaves none to the next borrower and is not dirty, in both modes', async () => {
    for (const mode of ['report', 'throw'] as const) {
      const name = `my-session-reset-on-release-${mode}`;
      await withGuardedMysqlPool(name, { mode }, { connectionLimit: 1, resetOnRelease: true } as mysql.PoolOptions, async (pool) => {
        const conn = await getConnection(pool);
        await query(conn, 'START TRANSACTION');
        conn.release();
        for (let i = 0; i < 3; i++) {
          const next = await getConnection(pool);
          const [row] = await query<{ open: number }[]>(next, 'SELECT @@in_transaction AS open');
          assert.equal(row!.open, 0);
          next.release();
        }
        expectSilent(name);
      });
    }
  });
});
