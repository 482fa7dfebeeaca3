/*
 * The mysql2 adapter, mysql2/promise API, against the real MariaDB: the same
 * detector matrix as pg. The promise pool lends through its inner core pool
 * and wraps each checkout in a new PromisePoolConnection, so leases are keyed
 * by the core connection: two wrappers of one core connection across
 * checkouts are two leases of one connection.
 */
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { adoptLease, guardPool, runInTask } from '../../src';
import { inSpan, resetTelemetry, setupTelemetry } from '../helpers/otel';
import { sleep } from '../helpers/pg';
import { endMysqlPool, mysqlConfig, occupancy } from '../helpers/mysql';
import { expectSilent, expectViolations, gate, poolViolations, violationCount, waitFor } from '../helpers/violations';

const THRESHOLD = 200;

async function withPool(name: string, options: Parameters<typeof guardPool>[1], extra: mysql.PoolOptions, body: (pool: mysql.Pool) => Promise<void>): Promise<void> {
  const pool = guardPool(mysql.createPool(mysqlConfig(extra)), { name, ...options });
  try {
    await body(pool);
  } finally {
    await endMysqlPool(pool);
  }
}

describe('mysql2 adapter (promise API)', () => {
  before(() => setupTelemetry());
  beforeEach(() => resetTelemetry());

  it('guards the promise pool and its core pool as one pool', () => withPool('myp-identity', {}, {}, async (pool) => {
    assert.equal(guardPool(pool.pool), pool.pool, 'guarding the core again is a no-op');
    const conn = await pool.getConnection();
    conn.release();
    conn.release();
    expectViolations('myp-identity', 'double_release', 1);
  }));

  describe('use_after_release', () => {
    it('reports query() and execute() on a released connection', () => withPool('myp-uar', {}, {}, async (pool) => {
      const conn = await pool.getConnection();
      await conn.query('SELECT 1');
      conn.release();
      await conn.query('SELECT 1');
      await conn.execute('SELECT ?', [2]);
      expectViolations('myp-uar', 'use_after_release', 2);
    }));

    it('with stacks on, code.stacktrace reaches the app\'s line under poolguard\'s and the promise layer\'s frames, whatever the app\'s stack depth', () => withPool('myp-uar-stack', { captureStacks: true }, {}, async (pool) => {
      const conn = await pool.getConnection();
      conn.release();
      // Fewer frames than poolguard's own and the promise layer's (Node's default is 10; mocha raises it).
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 6;
      try {
        await conn.query('SELECT 1'); // the misuse: this line must be in the stack
      } finally {
        Error.stackTraceLimit = limit;
      }
      const [record] = expectViolations('myp-uar-stack', 'use_after_release', 1);
      const misuse = String(record!.attributes['code.stacktrace']).split('checked out at:')[0]!;
      assert.match(misuse, /mysql2-promise\.test\.ts:\d+/);
    }));

    it('leases are keyed by the core connection: an old wrapper\'s use is reported, while the connection is lent again and after, the new one\'s is not', () => withPool('myp-uar-wrappers', {}, { connectionLimit: 1 }, async (pool) => {
      const first = await pool.getConnection();
      first.release();
      const second = await pool.getConnection();
      assert.notEqual(first, second, 'a new PromisePoolConnection per checkout');
      assert.equal(first.connection, second.connection, 'over one core connection');
      await second.query('SELECT 1');
      // The old wrapper stands for its own, ended lease: its use while the second borrower holds the
      // connection is use_after_release whatever task runs it.
      await runInTask(async () => { await first.query('SELECT 1'); });
      expectViolations('myp-uar-wrappers', 'use_after_release', 1);
      second.release();
      await first.query('SELECT 1');
      expectViolations('myp-uar-wrappers', 'use_after_release', 2);
    }));

    it('uses inside the lease, over many leases, are silent', () => withPool('myp-uar-clean', {}, { connectionLimit: 1 }, async (pool) => {
      for (let i = 0; i < 4; i++) {
        const conn = await pool.getConnection();
        const [rows] = await conn.execute('SELECT ? AS n', [i]);
        assert.deepEqual(rows, [{ n: i }]);
        conn.release();
      }
      expectSilent('myp-uar-clean');
    }));
  });

  describe('double_release', () => {
    it('reports release() twice (silent in mysql2) and pool.releaseConnection(conn) after release()', () => withPool('myp-dr', {}, {}, async (pool) => {
      const a = await pool.getConnection();
      a.release();
      a.release();
      const b = await pool.getConnection();
      pool.releaseConnection(b);
      assert.equal(occupancy(pool).free, 1, 'releaseConnection is a release');
      b.release();
      expectViolations('myp-dr', 'double_release', 2);
      assert.equal(await violationCount('myp-dr', 'double_release'), 2);
    }));

    it('reports destroy() then release()', () => withPool('myp-dr-destroy', {}, {}, async (pool) => {
      const conn = await pool.getConnection();
      conn.destroy();
      conn.release();
      expectViolations('myp-dr-destroy', 'double_release', 1);
    }));

    it('one release per lease is silent', () => withPool('myp-dr-clean', {}, { connectionLimit: 1 }, async (pool) => {
      for (let i = 0; i < 3; i++) (await pool.getConnection()).release();
      pool.releaseConnection(await pool.getConnection());
      expectSilent('myp-dr-clean');
    }));
  });

  describe('foreign_release', () => {
    it('the previous owner task releasing through its old wrapper is reported and not passed on', () => withPool('myp-fr-stale', {}, { connectionLimit: 1 }, async (pool) => {
      const aReleased = gate();
      const bHolds = gate();
      const aDone = gate();
      const taskA = runInTask(async () => {
        const conn = await pool.getConnection();
        conn.release();
        aReleased.open();
        await bHolds.promise;
        conn.release();
        aDone.open();
      });
      const taskB = runInTask(async () => {
        await aReleased.promise;
        const conn = await pool.getConnection();
        bHolds.open();
        await aDone.promise;
        assert.equal(occupancy(pool).free, 0, 'B still holds its lease');
        const [rows] = await conn.query('SELECT 3 AS three');
        assert.deepEqual(rows, [{ three: 3 }]);
        conn.release();
      });
      await Promise.all([taskA, taskB]);
      expectViolations('myp-fr-stale', 'foreign_release', 1);
    }));

    it('with lease handles, an old wrapper\'s release is a stale holder\'s even with no tasks', () => withPool('myp-fr-handles', { leaseHandles: true }, { connectionLimit: 1 }, async (pool) => {
      const first = await pool.getConnection();
      first.release();
      const second = await pool.getConnection();
      first.release();
      assert.equal(occupancy(pool).free, 0, 'the second lease is intact');
      second.release();
      assert.equal(occupancy(pool).free, 1);
      expectViolations('myp-fr-handles', 'foreign_release', 1);
    }));

    it('a non-owner task\'s release is reported and passed on; adoptLease first is silent', () => withPool('myp-fr-nonowner', {}, {}, async (pool) => {
      const a = await runInTask(() => pool.getConnection());
      await runInTask(async () => a.release());
      assert.equal(occupancy(pool).free, 1);
      const b = await runInTask(() => pool.getConnection());
      await runInTask(async () => {
        adoptLease(b);
        await b.query('SELECT 1');
        b.release();
      });
      expectViolations('myp-fr-nonowner', 'foreign_release', 1);
    }));
  });

  describe('concurrent_query', () => {
    it('reports Promise.all over one connection', () => withPool('myp-cq', {}, {}, async (pool) => {
      const conn = await pool.getConnection();
      await Promise.all([conn.query('SELECT SLEEP(0.02)'), conn.query('SELECT 1'), conn.execute('SELECT 2')]);
      conn.release();
      expectViolations('myp-cq', 'concurrent_query', 2);
    }));

    it('Promise.all over pool.query and pool.execute is silent', () => withPool('myp-cq-pool', {}, { connectionLimit: 2 }, async (pool) => {
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? pool.query('SELECT ? AS n', [i]) : pool.execute('SELECT ? AS n', [i]))));
      assert.deepEqual(results.map(([rows]) => Number((rows as { n: number }[])[0]!.n)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expectSilent('myp-cq-pool');
    }));

    it('sequential awaits are silent', () => withPool('myp-cq-seq', {}, {}, async (pool) => {
      const conn = await pool.getConnection();
      for (let i = 0; i < 5; i++) await conn.execute('SELECT ?', [i]);
      conn.release();
      expectSilent('myp-cq-seq');
    }));
  });

  describe('leak', () => {
    it('reports a lease held past leakThresholdMs once', () => withPool('myp-leak', { leakThresholdMs: THRESHOLD }, {}, async (pool) => {
      const conn = await pool.getConnection();
      await waitFor(() => poolViolations('myp-leak', 'leak').length > 0, THRESHOLD * 2 + 600, 'the leak report');
      await sleep(THRESHOLD);
      expectViolations('myp-leak', 'leak', 1);
      conn.release();
    }));

    it('pool.query() and short leases are silent', () => withPool('myp-leak-clean', { leakThresholdMs: THRESHOLD }, {}, async (pool) => {
      await pool.query('SELECT SLEEP(0.05)');
      const conn = await pool.getConnection();
      await sleep(THRESHOLD / 4);
      conn.release();
      await sleep(THRESHOLD);
      expectSilent('myp-leak-clean');
    }));
  });

  describe('dirty_release', () => {
    it('a whole transaction sent as one multi-statement query is silent: the last OK packet\'s status decides', () => withPool('myp-dirty-multi', {}, { multipleStatements: true, connectionLimit: 1 }, async (pool) => {
      const conn = await pool.getConnection();
      await conn.query('START TRANSACTION; SELECT 1; COMMIT');
      conn.release();
      const again = await pool.getConnection();
      await again.query('START TRANSACTION; SELECT 1');
      again.release();
      expectViolations('myp-dirty-multi', 'dirty_release', 1);
      const last = await pool.getConnection();
      await last.query('ROLLBACK');
      last.release();
    }));

    it('changeUser() inside a transaction resets the session (the server rolls it back): its release is silent', () => withPool('myp-dirty-change-user', {}, { connectionLimit: 1 }, async (pool) => {
      const conn = await pool.getConnection();
      await conn.query('START TRANSACTION');
      await conn.changeUser({ user: mysqlConfig().user, password: mysqlConfig().password });
      const [rows] = await conn.query('SELECT @@in_transaction AS open');
      assert.equal((rows as { open: number }[])[0]!.open, 0, 'the server closed it');
      conn.release();
      expectSilent('myp-dirty-change-user');
    }));

    it('reports a release after beginTransaction() with no commit', () => withPool('myp-dirty', {}, {}, async (pool) => {
      const conn = await pool.getConnection();
      await conn.beginTransaction();
      await conn.execute('SELECT 1');
      conn.release();
      expectViolations('myp-dirty', 'dirty_release', 1);
    }));

    it('beginTransaction/commit, beginTransaction/rollback and destroy() inside a transaction are silent', () => withPool('myp-dirty-clean', {}, { connectionLimit: 1 }, async (pool) => {
      const a = await pool.getConnection();
      await a.beginTransaction();
      await a.query('SELECT 1');
      await a.commit();
      a.release();
      const b = await pool.getConnection();
      await b.beginTransaction();
      await b.rollback();
      b.release();
      const c = await pool.getConnection();
      await c.query('START TRANSACTION');
      c.destroy();
      expectSilent('myp-dirty-clean');
    }));
  });

  describe('cross_task_use', () => {
    it('reports another task using a held connection', () => withPool('myp-ctu', {}, {}, async (pool) => {
      const handed = gate<mysql.PoolConnection>();
      const used = gate();
      const owner = inSpan('myp-owner', async () => {
        const conn = await pool.getConnection();
        handed.open(conn);
        await used.promise;
        conn.release();
      });
      const intruder = inSpan('myp-intruder', async () => {
        const conn = await handed.promise;
        await conn.query('SELECT 1');
        used.open();
      });
      await Promise.all([owner, intruder]);
      expectViolations('myp-ctu', 'cross_task_use', 1);
    }));

    it('a transaction in a handler with helpers, under concurrency, is silent', () => withPool('myp-ctu-handlers', {}, { connectionLimit: 3 }, async (pool) => {
      const insert = (conn: mysql.PoolConnection, n: number) => conn.execute('SELECT ? AS n', [n]);
      await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? (fn: () => Promise<void>) => inSpan(`myp-h${i}`, fn) : runInTask)(async () => {
        const conn = await pool.getConnection();
        try {
          await conn.beginTransaction();
          await insert(conn, i);
          await sleep(1);
          await conn.commit();
        } finally {
          conn.release();
        }
      })));
      expectSilent('myp-ctu-handlers');
    }));
  });

  it('a waiter (connectionLimit 1) gets a lease with itself as owner', () => withPool('myp-waiter', {}, { connectionLimit: 1 }, async (pool) => {
    const aHolds = gate();
    const bHolds = gate<mysql.PoolConnection>();
    const done = gate();
    const a = runInTask(async () => {
      const conn = await pool.getConnection();
      aHolds.open();
      await sleep(20);
      conn.release();
    });
    const b = runInTask(async () => {
      await aHolds.promise;
      const conn = await pool.getConnection();
      await conn.query('SELECT 1');
      bHolds.open(conn);
      await done.promise;
      conn.release();
    });
    const intruder = runInTask(async () => {
      await (await bHolds.promise).query('SELECT 2');
      done.open();
    });
    await Promise.all([a, b, intruder]);
    expectViolations('myp-waiter', 'cross_task_use', 1);
  }));
});
