/*
 * The mysql2 adapter, callback API, against the real MariaDB: the detector
 * matrix of pg (use_after_release, double_release, foreign_release,
 * concurrent_query, leak, dirty_release, cross_task_use), each with
 * true-positive and must-stay-silent cases, asserted through the OTel SDK's
 * exported log records. Plus what is particular to mysql2: a second release
 * is silent in mysql2 itself, pool.releaseConnection(conn) is a release,
 * destroy() is never dirty, a connection handed straight to a waiter fires
 * no 'acquire' event, and transaction state comes from the statements seen.
 */
import assert from 'node:assert/strict';
import type mysql from 'mysql2';
import { adoptLease, guardPool, runInTask } from '../../src';
import { inSpan, resetTelemetry, setupTelemetry } from '../helpers/otel';
import { sleep } from '../helpers/pg';
import { cb, endMysqlPool, getConnection, newMysqlPool, occupancy, query, withGuardedMysqlPool } from '../helpers/mysql';
import { expectSilent, expectViolations, gate, poolViolations, violationCount, waitFor } from '../helpers/violations';

const THRESHOLD = 200;

describe('mysql2 adapter (callback API)', () => {
  before(() => setupTelemetry());
  beforeEach(() => resetTelemetry());

  describe('use_after_release', () => {
    it('reports query() and execute() on a released connection', () => withGuardedMysqlPool('my-uar', {}, {}, async (pool) => {
      const conn = await getConnection(pool);
      await query(conn, 'SELECT 1');
      conn.release();
      await query(conn, 'SELECT 1');
      await cb((done) => conn.execute('SELECT ?', [2], done as never));
      expectViolations('my-uar', 'use_after_release', 2);
      assert.equal(await violationCount('my-uar', 'use_after_release'), 2);
    }));

    it('throw mode refuses a query without a callback (the event and .stream() forms) as mysql2 fails one: \'error\' then \'end\' on its Query, never thrown', () => withGuardedMysqlPool('my-uar-emitter', { mode: 'throw' }, {}, async (pool) => {
      const conn = await getConnection(pool);
      conn.release();
      const query = conn.query('SELECT 1');
      const events: string[] = [];
      let failed: unknown;
      query.on('result', () => events.push('result'));
      query.on('error', (err) => {
        events.push('error');
        failed = err;
      });
      await new Promise<void>((resolve) => query.on('end', () => resolve()));
      assert.equal((failed as { code?: unknown }).code, 'POOLGUARD_USE_AFTER_RELEASE');
      assert.deepEqual(events, ['error']);
      const streamed = await new Promise<unknown>((resolve) => conn.query('SELECT 2').stream().on('error', resolve).on('data', () => resolve('data')));
      assert.equal((streamed as { code?: unknown }).code, 'POOLGUARD_USE_AFTER_RELEASE');
      expectViolations('my-uar-emitter', 'use_after_release', 2);
    }));

    it('a connection used only inside its lease, over many leases, is silent', () => withGuardedMysqlPool('my-uar-clean', {}, { connectionLimit: 1 }, async (pool) => {
      for (let i = 0; i < 4; i++) {
        const conn = await getConnection(pool);
        assert.deepEqual(await query(conn, 'SELECT ? AS n', [i]), [{ n: i }]);
        conn.release();
      }
      expectSilent('my-uar-clean');
    }));

    it('a pool \'acquire\' listener\'s statement, sent as mysql2 hands the connection out, is the pool\'s own: silent in both modes', async () => {
      for (const mode of ['report', 'throw'] as const) {
        await withGuardedMysqlPool(`my-acquire-listener-${mode}`, { mode }, { connectionLimit: 1 }, async (pool) => {
          const failures: unknown[] = [];
          pool.on('acquire', (connection) => connection.query('SET @request_id = 7', (err) => { if (err) failures.push(err); }));
          for (let i = 0; i < 3; i++) {
            const conn = await getConnection(pool);
            assert.deepEqual(await query(conn, 'SELECT @request_id AS id'), [{ id: 7 }]);
            conn.release();
          }
          assert.deepEqual(failures, []);
          expectSilent(`my-acquire-listener-${mode}`);
        });
      }
    });

    it('pool.releaseConnection(conn) is a release: a later use is reported', () => withGuardedMysqlPool('my-uar-releaseConnection', {}, {}, async (pool) => {
      const conn = await getConnection(pool);
      pool.releaseConnection(conn);
      assert.equal(occupancy(pool).free, 1, 'mysql2 took it back');
      await query(conn, 'SELECT 1');
      expectViolations('my-uar-releaseConnection', 'use_after_release', 1);
    }));
  });

  describe('double_release', () => {
    it('reports release() twice, which mysql2 itself ignores, and the pool stays intact', () => withGuardedMysqlPool('my-dr', {}, {}, async (pool) => {
      const conn = await getConnection(pool);
      conn.release();
      assert.doesNotThrow(() => conn.release());
      expectViolations('my-dr', 'double_release', 1);
      assert.equal(await violationCount('my-dr', 'double_release'), 1);
      assert.deepEqual(occupancy(pool), { free: 1, all: 1, queued: 0 });
      assert.deepEqual(await query(pool, 'SELECT 1 AS one'), [{ one: 1 }]);
    }));

    it('does not pass release() on after pool.releaseConnection(conn): mysql2 would list the connection as free twice', () => withGuardedMysqlPool('my-dr-releaseConnection', {}, {}, async (pool) => {
      const conn = await getConnection(pool);
      pool.releaseConnection(conn);
      conn.release();
      expectViolations('my-dr-releaseConnection', 'double_release', 1);
      assert.deepEqual(occupancy(pool), { free: 1, all: 1, queued: 0 });
      const [a, b] = await Promise.all([getConnection(pool), getConnection(pool)]);
      assert.notEqual(a, b, 'two checkouts got two connections, not one connection twice');
      a.release();
      b.release();
    }));

    it('a second release after pool.query() lent the connection in between is reported and not passed on: the next two borrowers get two connections', () => withGuardedMysqlPool('my-dr-after-pool-query', {}, { connectionLimit: 2 }, async (pool) => {
      const conn = await getConnection(pool);
      conn.release();
      assert.deepEqual(await query(pool, 'SELECT 1 AS one'), [{ one: 1 }]);
      pool.releaseConnection(conn);
      expectViolations('my-dr-after-pool-query', 'double_release', 1);
      assert.deepEqual(occupancy(pool), { free: 1, all: 1, queued: 0 });
      const held = await getConnection(pool);
      const other = await getConnection(pool);
      assert.notEqual(held, other, 'two checkouts got two connections, not one connection twice');
      assert.deepEqual(await query(held, 'SELECT 2 AS two'), [{ two: 2 }]);
      held.release();
      other.release();
      expectViolations('my-dr-after-pool-query', 'double_release', 1);
    }));

    it('reports destroy() then release(), and release() then destroy()', () => withGuardedMysqlPool('my-dr-destroy', {}, {}, async (pool) => {
      const a = await getConnection(pool);
      a.destroy();
      a.release();
      const b = await getConnection(pool);
      b.release();
      b.destroy();
      expectViolations('my-dr-destroy', 'double_release', 2);
    }));

    it('reports releaseConnection(conn) followed by conn.release()', () => withGuardedMysqlPool('my-dr-mixed', {}, {}, async (pool) => {
      const conn = await getConnection(pool);
      pool.releaseConnection(conn);
      conn.release();
      expectViolations('my-dr-mixed', 'double_release', 1);
    }));

    it('one release or destroy per lease is silent', () => withGuardedMysqlPool('my-dr-clean', {}, { connectionLimit: 1 }, async (pool) => {
      for (let i = 0; i < 4; i++) {
        const conn = await getConnection(pool);
        if (i === 1) conn.destroy();
        else if (i === 2) pool.releaseConnection(conn);
        else conn.release();
      }
      expectSilent('my-dr-clean');
    }));
  });

  describe('foreign_release', () => {
    it('the previous owner task releasing again is reported and not passed on', () => withGuardedMysqlPool('my-fr-stale', {}, { connectionLimit: 1 }, async (pool) => {
      const aReleased = gate<mysql.PoolConnection>();
      const bHolds = gate();
      const aDone = gate();
      const taskA = runInTask(async () => {
        const conn = await getConnection(pool);
        conn.release();
        aReleased.open(conn);
        await bHolds.promise;
        conn.release(); // would free B's lease
        aDone.open();
      });
      const taskB = runInTask(async () => {
        const stale = await aReleased.promise;
        const conn = await getConnection(pool);
        assert.equal(conn, stale, 'mysql2 lends the same object again');
        bHolds.open();
        await aDone.promise;
        assert.deepEqual(occupancy(pool), { free: 0, all: 1, queued: 0 }, 'B still holds its lease');
        assert.deepEqual(await query(conn, 'SELECT 3 AS three'), [{ three: 3 }]);
        conn.release();
      });
      await Promise.all([taskA, taskB]);
      expectViolations('my-fr-stale', 'foreign_release', 1);
      assert.equal(occupancy(pool).free, 1);
    }));

    it('a known task that never held the lease releasing it is reported and passed on', () => withGuardedMysqlPool('my-fr-nonowner', {}, {}, async (pool) => {
      const conn = await runInTask(() => getConnection(pool));
      await runInTask(async () => conn.release());
      expectViolations('my-fr-nonowner', 'foreign_release', 1);
      assert.equal(occupancy(pool).free, 1, 'passed on: the pool has it back');
    }));

    it('with lease handles, a stale handle\'s release is reported and not passed on, with no tasks at all', () => withGuardedMysqlPool('my-fr-handle', { leaseHandles: true }, { connectionLimit: 1 }, async (pool) => {
      const first = await getConnection(pool);
      first.release();
      const second = await getConnection(pool);
      assert.notEqual(first, second, 'one handle per lease');
      first.release();
      assert.equal(occupancy(pool).free, 0, 'the second lease is intact');
      await query(first, 'SELECT 1'); // the stale handle
      assert.deepEqual(await query(second, 'SELECT 2 AS two'), [{ two: 2 }]);
      second.release();
      expectViolations('my-fr-handle', 'foreign_release', 1, { others: ['use_after_release'] });
      assert.equal(poolViolations('my-fr-handle', 'use_after_release').length, 1);
      assert.equal(occupancy(pool).free, 1);
    }));

    it('adoptLease() before a hand-off keeps the release silent', () => withGuardedMysqlPool('my-fr-adopt', {}, {}, async (pool) => {
      const conn = await runInTask(() => getConnection(pool));
      await runInTask(async () => {
        adoptLease(conn);
        await query(conn, 'SELECT 1');
        conn.release();
      });
      expectSilent('my-fr-adopt');
    }));
  });

  describe('concurrent_query', () => {
    it('reports a second query issued while one is in flight on the connection', () => withGuardedMysqlPool('my-cq', {}, {}, async (pool) => {
      const conn = await getConnection(pool);
      await Promise.all([query(conn, 'SELECT SLEEP(0.02)'), query(conn, 'SELECT 1')]);
      conn.release();
      expectViolations('my-cq', 'concurrent_query', 1);
    }));

    it('a query issued from the previous query\'s callback is silent (mysql2 still holds the finished command)', () => withGuardedMysqlPool('my-cq-nested', {}, {}, async (pool) => {
      await new Promise<void>((resolve, reject) => {
        pool.getConnection((err, conn) => {
          if (err) return reject(err);
          conn.query('SELECT 1', (e1) => {
            if (e1) return reject(e1);
            conn.execute('SELECT ?', [2], (e2) => {
              if (e2) return reject(e2);
              conn.release();
              resolve();
            });
          });
        });
      });
      expectSilent('my-cq-nested');
    }));

    it('two statements queued in the pool\'s \'connection\' listener, before any lease, are reported and never thrown, in throw mode too: the checkout waiting on the listener completes', async () => {
      for (const mode of ['report', 'throw'] as const) {
        const name = `my-cq-connection-listener-${mode}`;
        await withGuardedMysqlPool(name, { mode }, { connectionLimit: 1 }, async (pool) => {
          pool.on('connection', (conn) => {
            conn.query('SET @a = 1');
            conn.query('SET @b = 2');
          });
          const rows = await Promise.race([
            query<{ one: number }[]>(pool, 'SELECT 1 AS one'),
            sleep(5000).then(() => { throw new Error('pool.query() hung: the listener\'s checkout never completed'); }),
          ]);
          assert.deepEqual(rows, [{ one: 1 }]);
          const [record] = expectViolations(name, 'concurrent_query', 1, { leaseId: null });
          assert.equal(record!.severityText, mode === 'throw' ? 'ERROR' : 'WARN');
        });
      }
    });

    it('Promise.all over pool.query and pool.execute is silent', () => withGuardedMysqlPool('my-cq-pool', {}, { connectionLimit: 2 }, async (pool) => {
      const rows = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0
        ? query<{ n: number }[]>(pool, 'SELECT ? AS n', [i])
        : cb<{ n: number }[]>((done) => pool.execute('SELECT ? AS n', [i], done as never)))));
      assert.deepEqual(rows.map((r) => Number(r[0]!.n)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expectSilent('my-cq-pool');
    }));

    it('sequential awaits on one connection are silent', () => withGuardedMysqlPool('my-cq-seq', {}, {}, async (pool) => {
      const conn = await getConnection(pool);
      for (let i = 0; i < 5; i++) await query(conn, 'SELECT ?', [i]);
      conn.release();
      expectSilent('my-cq-seq');
    }));
  });

  describe('leak', () => {
    it('reports a lease held past leakThresholdMs once, and its release as unleaked', () => withGuardedMysqlPool('my-leak', { leakThresholdMs: THRESHOLD }, {}, async (pool) => {
      const conn = await getConnection(pool);
      await waitFor(() => poolViolations('my-leak', 'leak').length > 0, THRESHOLD * 2 + 600, 'the leak report');
      await sleep(THRESHOLD);
      const [record] = expectViolations('my-leak', 'leak', 1);
      conn.release();
      const unleaked = setupTelemetry().logs.getFinishedLogRecords().filter((r) => r.eventName === 'poolguard.unleaked' && r.attributes['poolguard.lease.id'] === record!.attributes['poolguard.lease.id']);
      assert.equal(unleaked.length, 1);
    }));

    it('short leases are silent', () => withGuardedMysqlPool('my-leak-clean', { leakThresholdMs: THRESHOLD }, {}, async (pool) => {
      for (let i = 0; i < 3; i++) {
        const conn = await getConnection(pool);
        await sleep(THRESHOLD / 4);
        conn.release();
      }
      await sleep(THRESHOLD);
      expectSilent('my-leak-clean');
    }));
  });

  describe('dirty_release', () => {
    for (const [label, open] of [
      ['beginTransaction()', (c: mysql.PoolConnection) => cb((done) => c.beginTransaction(done as never))],
      ['START TRANSACTION', (c: mysql.PoolConnection) => query(c, 'START TRANSACTION')],
      ['BEGIN', (c: mysql.PoolConnection) => query(c, 'BEGIN')],
    ] as const) {
      it(`reports a release inside a transaction opened by ${label}`, () => withGuardedMysqlPool(`my-dirty-${label}`, {}, {}, async (pool) => {
        const conn = await getConnection(pool);
        await open(conn);
        await query(conn, 'SELECT 1');
        conn.release();
        expectViolations(`my-dirty-${label}`, 'dirty_release', 1);
        assert.equal(await violationCount(`my-dirty-${label}`, 'dirty_release'), 1);
      }));
    }

    // MySQL commits an open transaction when another starts, so each way ends the inherited one.
    for (const [label, start] of [
      ['COMMIT, then beginTransaction()', 'commit-then-method'],
      ['START TRANSACTION', 'statement'],
      ['beginTransaction()', 'method'],
    ] as const) {
      it(`a borrower who ends the transaction it inherited and opens its own (${label}) is blamed for its own`, () => withGuardedMysqlPool(`my-dirty-inherited-${start}`, {}, { connectionLimit: 1 }, async (pool) => {
        const name = `my-dirty-inherited-${start}`;
        const buggy = await getConnection(pool);
        await query(buggy, 'BEGIN');
        buggy.release();
        expectViolations(name, 'dirty_release', 1);
        const second = await getConnection(pool);
        if (start === 'commit-then-method') await query(second, 'COMMIT');
        if (start === 'statement') await query(second, 'START TRANSACTION');
        else await cb((done) => second.beginTransaction(done as never));
        second.release();
        expectViolations(name, 'dirty_release', 2);
        const last = await getConnection(pool);
        await query(last, 'ROLLBACK');
        last.release();
        expectViolations(name, 'dirty_release', 2);
      }));
    }

    it('a DDL statement commits implicitly: the server\'s status in its OK packet wins over the BEGIN seen', () => withGuardedMysqlPool('my-dirty-ddl', {}, {}, async (pool) => {
      const conn = await getConnection(pool);
      await query(conn, 'BEGIN');
      await query(conn, 'INSERT INTO poolguard_ddl_probe SELECT 1 FROM DUAL WHERE 0').catch(() => undefined);
      await query(conn, 'CREATE TABLE IF NOT EXISTS poolguard_ddl_probe (id INT)');
      conn.release();
      expectSilent('my-dirty-ddl');
      await query(pool, 'DROP TABLE IF EXISTS poolguard_ddl_probe');
    }));

    for (const mode of ['report', 'throw'] as const) {
      it(`a BEGIN the server rejects opens nothing: a release after it is silent (${mode} mode)`, () => withGuardedMysqlPool(`my-dirty-rejected-${mode}`, { mode }, { connectionLimit: 1 }, async (pool) => {
        for (const begin of ['START TRANSACTION READ ONLY, READ WRITE', 'BEGIN garbage']) {
          const conn = await getConnection(pool);
          await assert.rejects(query(conn, begin), { code: 'ER_PARSE_ERROR' });
          assert.equal((await query<{ t: number }[]>(conn, 'SELECT @@in_transaction AS t'))[0].t, 0);
          conn.release();
        }
        expectSilent(`my-dirty-rejected-${mode}`);
      }));
    }

    it('a statement rejected inside a transaction, a BEGIN among them, leaves it open: a release is dirty_release', () => withGuardedMysqlPool('my-dirty-rejected-inside', {}, { connectionLimit: 1 }, async (pool) => {
      const conn = await getConnection(pool);
      await query(conn, 'BEGIN');
      await assert.rejects(query(conn, 'BEGIN garbage'), { code: 'ER_PARSE_ERROR' });
      await assert.rejects(query(conn, 'SELECT * FROM poolguard_no_such_table'), { code: 'ER_NO_SUCH_TABLE' });
      assert.equal((await query<{ t: number }[]>(conn, 'SELECT @@in_transaction AS t'))[0].t, 1);
      conn.release();
      expectViolations('my-dirty-rejected-inside', 'dirty_release', 1);
    }));

    it('a deadlock victim\'s transaction was rolled back by the server: releasing it without ROLLBACK is silent', () => withGuardedMysqlPool('my-dirty-deadlock', {}, { connectionLimit: 2 }, async (pool) => {
      await query(pool, 'DROP TABLE IF EXISTS poolguard_deadlock_probe');
      await query(pool, 'CREATE TABLE poolguard_deadlock_probe (id INT PRIMARY KEY, v INT) ENGINE=InnoDB');
      await query(pool, 'INSERT INTO poolguard_deadlock_probe VALUES (1, 0), (2, 0)');
      const errors: unknown[] = [];
      const worker = async (first: number, second: number) => {
        const conn = await getConnection(pool);
        try {
          await query(conn, 'BEGIN');
          await query(conn, 'UPDATE poolguard_deadlock_probe SET v = v + 1 WHERE id = ?', [first]);
          await sleep(100);
          await query(conn, 'UPDATE poolguard_deadlock_probe SET v = v + 1 WHERE id = ?', [second]);
          await query(conn, 'COMMIT');
        } catch (err) {
          errors.push((err as { code?: string }).code);
        } finally {
          conn.release();
        }
      };
      await Promise.all([runInTask(() => worker(1, 2)), runInTask(() => worker(2, 1))]);
      assert.deepEqual(errors, ['ER_LOCK_DEADLOCK']);
      expectSilent('my-dirty-deadlock');
      await query(pool, 'DROP TABLE poolguard_deadlock_probe');
    }));

    it('a DDL statement that fails after its implicit commit leaves no transaction; one that does not parse leaves it open', () => withGuardedMysqlPool('my-dirty-ddl-fails', {}, { connectionLimit: 1 }, async (pool) => {
      await query(pool, 'CREATE TABLE IF NOT EXISTS poolguard_ddl_exists (id INT)');
      const conn = await getConnection(pool);
      await query(conn, 'BEGIN');
      await query(conn, 'SELECT 1');
      // The server committed before it found the table (@@in_transaction is 0 then); an ERR packet carries no status.
      await assert.rejects(query(conn, 'CREATE TABLE poolguard_ddl_exists (id INT)'), { code: 'ER_TABLE_EXISTS_ERROR' });
      conn.release();
      expectSilent('my-dirty-ddl-fails');
      const again = await getConnection(pool);
      await query(again, 'BEGIN');
      await assert.rejects(query(again, 'CREATE TABLE ( oops'), { code: 'ER_PARSE_ERROR' });
      again.release();
      expectViolations('my-dirty-ddl-fails', 'dirty_release', 1);
      const last = await getConnection(pool);
      await query(last, 'ROLLBACK');
      last.release();
      await query(pool, 'DROP TABLE poolguard_ddl_exists');
    }));

    it('ROLLBACK TO SAVEPOINT keeps the transaction open: reported', () => withGuardedMysqlPool('my-dirty-savepoint', {}, {}, async (pool) => {
      const conn = await getConnection(pool);
      await query(conn, 'BEGIN');
      await query(conn, 'SAVEPOINT sp1');
      await query(conn, 'ROLLBACK TO SAVEPOINT sp1');
      conn.release();
      expectViolations('my-dirty-savepoint', 'dirty_release', 1);
    }));

    it('beginTransaction/commit, BEGIN/ROLLBACK and START TRANSACTION/COMMIT are silent', () => withGuardedMysqlPool('my-dirty-clean', {}, { connectionLimit: 1 }, async (pool) => {
      const a = await getConnection(pool);
      await cb((done) => a.beginTransaction(done as never));
      await query(a, 'SELECT 1');
      await cb((done) => a.commit(done as never));
      a.release();
      const b = await getConnection(pool);
      await query(b, 'BEGIN');
      await query(b, 'SAVEPOINT sp1');
      await query(b, 'ROLLBACK TO SAVEPOINT sp1');
      await query(b, 'ROLLBACK');
      b.release();
      const c = await getConnection(pool);
      await query(c, '  start transaction');
      await cb((done) => c.execute('SELECT ?', [1], done as never));
      await query(c, 'commit');
      c.release();
      expectSilent('my-dirty-clean');
    }));

    it('destroy() inside a transaction is never dirty: the connection is discarded', () => withGuardedMysqlPool('my-dirty-destroy', {}, {}, async (pool) => {
      const conn = await getConnection(pool);
      await query(conn, 'START TRANSACTION');
      conn.destroy();
      assert.equal(occupancy(pool).all, 0);
      expectSilent('my-dirty-destroy');
    }));
  });

  describe('transaction_on_pool', () => {
    it('START TRANSACTION through pool.query is reported; MariaDB\'s BEGIN NOT ATOMIC compound statement is no transaction', () => withGuardedMysqlPool('my-top', {}, { connectionLimit: 1 }, async (pool) => {
      await query(pool, 'BEGIN NOT ATOMIC SELECT 1; END');
      const conn = await getConnection(pool);
      await query(conn, 'BEGIN NOT ATOMIC SELECT 2; END');
      conn.release();
      expectSilent('my-top');
      await query(pool, 'START TRANSACTION');
      await query(pool, 'ROLLBACK');
      expectViolations('my-top', 'transaction_on_pool', 1, { leaseId: null });
    }));
    it('a whole transaction sent as one multi-statement text is silent; one left open is reported', () => withGuardedMysqlPool('my-top-whole', {}, { connectionLimit: 1, multipleStatements: true }, async (pool) => {
      await query(pool, 'START TRANSACTION; SELECT 1; COMMIT');
      await query(pool, "BEGIN; SELECT ';'; ROLLBACK;");
      expectSilent('my-top-whole');
      await query(pool, 'START TRANSACTION; SELECT 1');
      await query(pool, 'ROLLBACK');
      expectViolations('my-top-whole', 'transaction_on_pool', 1, { leaseId: null });
    }));

    it('after a whole transaction through pool.query, or one sent as one text on a client, the next borrower\'s release is clean', () => withGuardedMysqlPool('my-whole-next', {}, { connectionLimit: 1, multipleStatements: true }, async (pool) => {
      await query(pool, 'START TRANSACTION; SELECT 1; COMMIT');
      const next = await getConnection(pool);
      await query(next, 'SELECT 1');
      next.release();
      const conn = await getConnection(pool);
      await query(conn, 'START TRANSACTION; SELECT 1; COMMIT; SELECT 2');
      conn.release();
      expectSilent('my-whole-next');
    }));
  });

  describe('cross_task_use', () => {
    it('reports task B using the connection task A holds, naming A\'s trace', () => withGuardedMysqlPool('my-ctu', {}, {}, async (pool) => {
      const handed = gate<mysql.PoolConnection>();
      const used = gate();
      let ownerTrace = '';
      const taskA = inSpan('my-ctu-owner', async (span) => {
        ownerTrace = span.spanContext().traceId;
        const conn = await getConnection(pool);
        handed.open(conn);
        await used.promise;
        await query(conn, 'SELECT 1');
        conn.release();
      });
      const taskB = inSpan('my-ctu-intruder', async () => {
        const conn = await handed.promise;
        await query(conn, 'SELECT 2');
        await query(conn, 'SELECT 3'); // once per offending task and lease
        used.open();
      });
      await Promise.all([taskA, taskB]);
      const [record] = expectViolations('my-ctu', 'cross_task_use', 1);
      assert.equal(record!.attributes['poolguard.owner.trace_id'], ownerTrace);
    }));

    it('a transaction in a handler, with the connection passed to helpers, under concurrency, is silent', () => withGuardedMysqlPool('my-ctu-handlers', {}, { connectionLimit: 3 }, async (pool) => {
      const insert = (conn: mysql.PoolConnection, n: number) => query(conn, 'SELECT ? AS n', [n]);
      const audit = async (conn: mysql.PoolConnection) => { await sleep(1); await query(conn, 'SELECT 1'); };
      await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? (fn: () => Promise<void>) => inSpan(`h${i}`, fn) : runInTask)(async () => {
        const conn = await getConnection(pool);
        try {
          await cb((done) => conn.beginTransaction(done as never));
          await insert(conn, i);
          await audit(conn);
          await cb((done) => conn.commit(done as never));
        } finally {
          conn.release();
        }
      })));
      expectSilent('my-ctu-handlers');
    }));

    it('the callback API inside a task is silent', () => withGuardedMysqlPool('my-ctu-callbacks', {}, {}, async (pool) => {
      await runInTask(() => new Promise<void>((resolve, reject) => {
        pool.getConnection((err, conn) => {
          if (err) return reject(err);
          setImmediate(() => conn.query('SELECT 1', (qerr) => {
            conn.release();
            if (qerr) reject(qerr);
            else resolve();
          }));
        });
      }));
      expectSilent('my-ctu-callbacks');
    }));

    // mysql2 calls a statement's callback from the socket's data handler, in the context of the
    // task that opened the connection: the next borrower's chained statements and release must
    // still count as its own, or its release would be blocked as a stale holder's and the pool run dry.
    it('a statement used event style, released in its \'end\' listener by each of several tasks in turn, is silent', () => withGuardedMysqlPool('my-ctu-events', {}, { connectionLimit: 1 }, async (pool) => {
      for (const _ of [1, 2, 3]) {
        await runInTask(async () => {
          const conn = await getConnection(pool);
          await new Promise<void>((resolve, reject) => {
            conn.query('SELECT 1').on('error', reject).on('end', () => {
              conn.release();
              resolve();
            });
          });
        });
      }
      assert.equal(occupancy(pool).free, 1, 'every release reached the pool');
      expectSilent('my-ctu-events');
    }));

    it('statements chained in callbacks by each of several tasks in turn, on one connection, are silent and every task gets it', () => withGuardedMysqlPool('my-ctu-chained', {}, { connectionLimit: 1 }, async (pool) => {
      const job = (name: string) => runInTask(() => new Promise<string>((resolve, reject) => {
        pool.getConnection((err, conn) => {
          if (err) return reject(err);
          conn.query('SELECT 1', (first) => {
            if (first) return reject(first);
            conn.query('SELECT 2', (second) => {
              conn.release();
              if (second) reject(second);
              else resolve(name);
            });
          });
        });
      }));
      const done: string[] = [];
      for (const name of ['A', 'B', 'C']) done.push(await job(name));
      assert.deepEqual(done, ['A', 'B', 'C']);
      assert.equal(occupancy(pool).free, 1, 'the connection went back to the pool every time');
      expectSilent('my-ctu-chained');
    }));
  });

  describe('end() while a lease is held', () => {
    it('closes the lent connection too: the pool holds none, its name is free again, and no leak is reported', async () => {
      const name = 'my-ended-held';
      const ended = guardPool(newMysqlPool({ connectionLimit: 1 }), { name, leakThresholdMs: 150 });
      const conn = await getConnection(ended);
      await new Promise<void>((resolve) => ended.end(() => resolve()));
      await sleep(400); // past the leak threshold and a sweep
      const next = guardPool(newMysqlPool({ connectionLimit: 1 }), { name });
      try {
        await query(next, 'BEGIN'); // transaction_on_pool, on the new pool
        await query(next, 'ROLLBACK');
        assert.deepEqual(poolViolations(name).map((r) => r.attributes['poolguard.violation.kind']), ['transaction_on_pool'], 'the new pool has the name; the closed lease is no leak');
        assert.deepEqual(poolViolations(`${name}#2`), []);
      } finally {
        conn.destroy();
        await endMysqlPool(next);
      }
    });
  });

  describe('a waiter whose connection another task destroyed', () => {
    for (const [mode, options] of [['throw mode (lease handles)', { mode: 'throw' }], ['report mode with lease handles', { leaseHandles: true }], ['report mode', {}]] as const) {
      it(`gets a new connection as its own lease, and the pool keeps serving: ${mode}`, async () => {
        const name = `my-destroy-waiters-${mode.replace(/\W+/g, '-')}`;
        await withGuardedMysqlPool(name, options, { connectionLimit: 2 }, async (pool) => {
          // Four tasks on two connections: the two that wait are served after a destroy, when mysql2
          // asks for a connection again on their behalf.
          await Promise.all(Array.from({ length: 4 }, () => runInTask(async () => {
            const conn = await getConnection(pool);
            assert.deepEqual(await query(conn, 'SELECT 1 AS one'), [{ one: 1 }]);
            conn.destroy();
          })));
          for (let i = 0; i < 5; i++) {
            const conn = await getConnection(pool);
            await query(conn, 'SELECT 1');
            conn.release();
          }
          expectSilent(name);
          assert.equal(occupancy(pool).queued, 0);
        });
      });
    }
  });

  describe('a connection handed straight to a waiter', () => {
    it('starts a lease owned by the waiter, although mysql2 emits no acquire event', () => withGuardedMysqlPool('my-waiter', {}, { connectionLimit: 1 }, async (pool) => {
      const acquires: unknown[] = [];
      pool.on('acquire', (c) => acquires.push(c));
      const aReleased = gate();
      const bHolds = gate<mysql.PoolConnection>();
      const bDone = gate();
      let bTrace = '';
      const aHolds = gate();
      const taskA = runInTask(async () => {
        const conn = await getConnection(pool);
        aHolds.open();
        await sleep(20); // B queues meanwhile
        assert.equal(occupancy(pool).queued, 1, 'B waits in mysql2\'s queue');
        conn.release(); // mysql2 hands it straight to B
        aReleased.open();
      });
      const taskB = inSpan('my-waiter-b', async (span) => {
        bTrace = span.spanContext().traceId;
        await aHolds.promise;
        const conn = await getConnection(pool);
        await aReleased.promise;
        await query(conn, 'SELECT 1'); // the owner's use: silent
        bHolds.open(conn);
        await bDone.promise;
        conn.release();
      });
      const intruder = runInTask(async () => {
        const conn = await bHolds.promise;
        await query(conn, 'SELECT 2');
        bDone.open();
      });
      await Promise.all([taskA, taskB, intruder]);
      assert.equal(acquires.length, 1, 'only the first checkout fired acquire');
      const [record] = expectViolations('my-waiter', 'cross_task_use', 1);
      assert.equal(record!.attributes['poolguard.owner.trace_id'], bTrace, 'the waiter owns the lease');
      const leases = new Set(poolViolations('my-waiter').map((r) => r.attributes['poolguard.lease.id']));
      assert.equal(leases.size, 1);
    }));

    it('the previous owner\'s use after the hand-over is use_after_release', () => withGuardedMysqlPool('my-waiter-stale', {}, { connectionLimit: 1 }, async (pool) => {
      const aHolds = gate<mysql.PoolConnection>();
      const bGot = gate();
      const aDone = gate();
      const taskA = runInTask(async () => {
        const conn = await getConnection(pool);
        aHolds.open(conn);
        await sleep(20);
        conn.release();
        await bGot.promise;
        await query(conn, 'SELECT 1'); // A's stale reference, now B's lease
        aDone.open();
      });
      const taskB = runInTask(async () => {
        await aHolds.promise;
        const conn = await getConnection(pool);
        bGot.open();
        await aDone.promise;
        conn.release();
      });
      await Promise.all([taskA, taskB]);
      expectViolations('my-waiter-stale', 'use_after_release', 1);
    }));
  });
});
