/*
 * foreign_release on a real pg pool. (1) A stale holder (the previous lease's
 * owner task, a saved done() or a lease handle of an ended lease) releases
 * while another task holds the connection: reported and NOT passed on, so the
 * other borrower keeps its lease. (2) A known task that never held the lease
 * releases it while its owner is known: reported and passed on.
 */
import assert from 'node:assert/strict';
import type pg from 'pg';
import { adoptLease, guardPool, runInTask } from '../../src';
import { inSpan, resetTelemetry, setupTelemetry } from '../helpers/otel';
import { newPool } from '../helpers/pg';
import { endPool, expectSilent, expectViolations, gate, spanViolationEvents, violationCount } from '../helpers/violations';

function connectCb(pool: pg.Pool): Promise<{ client: pg.PoolClient; done: (err?: Error | boolean) => void }> {
  return new Promise((resolve, reject) => {
    pool.connect((err, client, done) => (err ? reject(err) : resolve({ client: client!, done })));
  });
}

describe('foreign_release', () => {
  before(() => setupTelemetry());
  beforeEach(() => resetTelemetry());

  describe('stale holder', () => {
    it('the previous owner task releasing again is reported and not passed on', async () => {
      const name = 'fr-stale-task';
      const pool = guardPool(newPool({ max: 1 }), { name });
      try {
        const aReleased = gate();
        const bHolds = gate();
        const aDone = gate();
        let staleError: unknown = 'not called';
        const taskA = runInTask(async () => {
          const client = await pool.connect();
          await client.query('SELECT 1');
          client.release();
          aReleased.open();
          await bHolds.promise;
          try {
            client.release(); // would free B's lease
            staleError = undefined;
          } catch (err) {
            staleError = err;
          }
          aDone.open();
        });
        const taskB = inSpan('fr-owner', () => runInTask(async () => {
          await aReleased.promise;
          const client = await pool.connect();
          bHolds.open();
          await aDone.promise;
          // B's lease is still live: not freed, and B can query on it.
          assert.equal(pool.totalCount, 1);
          assert.equal(pool.idleCount, 0);
          assert.equal((await client.query('SELECT 3 AS three')).rows[0].three, 3);
          client.release();
          assert.equal(pool.idleCount, 1);
        }));
        await Promise.all([taskA, taskB]);
        assert.equal(staleError, undefined, 'no error reaches the stale holder in report mode');
        const [record] = expectViolations(name, 'foreign_release', 1);
        // A used no span; B's checkout ran in span fr-owner, so the owner is known by trace.
        assert.equal(typeof record!.attributes['poolguard.owner.trace_id'], 'string');
        assert.equal(await violationCount(name, 'foreign_release'), 1);
        // No double_release followed: B's release was B's first.
        assert.equal((await pool.query('SELECT 1 AS one')).rows[0].one, 1);
      } finally {
        await endPool(pool);
      }
    });

    it("a release a callback queue ran in the previous holder's task is held back; when that lease then leaks, the leak says why", async () => {
      const name = 'fr-stale-queue';
      const pool = guardPool(newPool({ max: 1 }), { name, leakThresholdMs: 200 });
      // A callback mutex: unlock() calls the next waiter back from the code of whoever unlocks.
      let locked = false;
      const waiters: (() => void)[] = [];
      const lock = (fn: () => void) => (locked ? waiters.push(fn) : ((locked = true), fn()));
      const unlock = () => (waiters.length > 0 ? waiters.shift()!() : (locked = false));
      let held: pg.PoolClient | undefined;
      try {
        const aReleased = gate();
        const bWaits = gate();
        const taskA = runInTask(async () => {
          lock(() => undefined);
          const client = await pool.connect();
          client.release();
          aReleased.open();
          await bWaits.promise;
          unlock(); // runs B's callback, and B's release, as task A
        });
        const taskB = runInTask(async () => {
          await aReleased.promise;
          held = await pool.connect(); // the connection A held before
          await new Promise<void>((done) => {
            lock(() => {
              held!.release();
              unlock();
              done();
            });
            bWaits.open();
          });
        });
        await Promise.all([taskA, taskB]);
        expectViolations(name, 'foreign_release', 1);
        assert.equal(pool.idleCount, 0, 'the release read as stale holder A\'s, and was held back');
        await new Promise((resolve) => setTimeout(resolve, 400));
        const [leak] = expectViolations(name, 'leak', 1, { others: ['foreign_release'] });
        assert.match(String(leak!.body), /A release of this connection was held back during this lease as a stale holder's \(foreign_release\)\. If that was this lease's own release, its callback ran in the async context of the task that held the connection before .*AsyncResource\.bind.*leaseHandles/);
      } finally {
        held?.release(); // from outside any task: passed on
        await endPool(pool);
      }
    });

    it('a leak with no release held back does not mention one', async () => {
      const name = 'fr-plain-leak';
      const pool = guardPool(newPool({ max: 1 }), { name, leakThresholdMs: 200 });
      const client = await runInTask(() => pool.connect());
      try {
        await new Promise((resolve) => setTimeout(resolve, 400));
        const [leak] = expectViolations(name, 'leak', 1);
        assert.doesNotMatch(String(leak!.body), /held back/);
      } finally {
        client.release();
        await endPool(pool);
      }
    });

    it('a saved done() of an earlier lease is reported and not passed on', async () => {
      const name = 'fr-stale-done';
      const pool = guardPool(newPool({ max: 1 }), { name });
      try {
        // No tasks: the done function itself belongs to one lease.
        const first = await connectCb(pool);
        first.done();
        const second = await connectCb(pool);
        assert.equal(second.client, first.client, 'pg hands out the same client object');
        assert.doesNotThrow(() => first.done());
        assert.equal(pool.idleCount, 0);
        assert.equal(pool.totalCount, 1);
        assert.equal((await second.client.query('SELECT 1 AS one')).rows[0].one, 1);
        second.done();
        assert.equal(pool.idleCount, 1);
        expectViolations(name, 'foreign_release', 1);
        assert.equal(await violationCount(name, 'foreign_release'), 1);
      } finally {
        await endPool(pool);
      }
    });

    it('a saved client.release of an earlier lease is reported and not passed on', async () => {
      const name = 'fr-stale-release-fn';
      const pool = guardPool(newPool({ max: 1 }), { name });
      try {
        const first = await pool.connect();
        const release = first.release;
        release();
        const second = await pool.connect();
        release();
        assert.equal(pool.idleCount, 0);
        second.release();
        assert.equal(pool.idleCount, 1);
        expectViolations(name, 'foreign_release', 1);
      } finally {
        await endPool(pool);
      }
    });

    it('a stale lease handle\'s release is reported and not passed on, in the same task', async () => {
      const name = 'fr-stale-handle';
      const pool = guardPool(newPool({ max: 1 }), { name, leaseHandles: true });
      try {
        await inSpan('fr-handle', async () => {
          const stale = await pool.connect();
          stale.release();
          const fresh = await pool.connect();
          assert.doesNotThrow(() => stale.release());
          assert.equal(pool.idleCount, 0);
          assert.equal((await fresh.query('SELECT 1 AS one')).rows[0].one, 1);
          fresh.release();
          assert.equal(pool.idleCount, 1);
        });
        expectViolations(name, 'foreign_release', 1);
        assert.equal(spanViolationEvents('fr-handle', 'foreign_release').length, 1);
        assert.equal(await violationCount(name, 'foreign_release'), 1);
      } finally {
        await endPool(pool);
      }
    });

    it('release() twice in a row while another checkout waits does not free the waiter\'s lease', async () => {
      const name = 'fr-stale-waiter';
      const pool = guardPool(newPool({ max: 1 }), { name });
      try {
        const a = await runInTask(() => pool.connect());
        const waiter = runInTask(() => pool.connect());
        await new Promise((resolve) => setTimeout(resolve, 20));
        assert.equal(pool.waitingCount, 1);
        await runInTask(async () => {
          adoptLease(a);
          a.release();
          // The waiter got the connection synchronously; this second call would free it.
          try { a.release(); } catch { /* pg's or poolguard's error, if any */ }
        });
        const b = await waiter;
        assert.equal(pool.idleCount, 0, 'the waiter still holds its lease');
        assert.equal((await b.query('SELECT 1 AS one')).rows[0].one, 1);
        b.release();
        assert.equal(pool.idleCount, 1);
        expectViolations(name, 'foreign_release', 1);
      } finally {
        await endPool(pool);
      }
    });
  });

  describe('stale holder, the connection lent since to pool.query()', () => {
    for (const mode of ['report', 'throw'] as const) {
      it(`release() twice in a row while another task's pool.query() waits: the second is reported and not passed on; the statement completes (${mode} mode)`, async () => {
        const name = `fr-stale-pool-query-${mode}`;
        const pool = guardPool(newPool({ max: 1 }), { name, mode, leaseHandles: false });
        const uncaught: unknown[] = [];
        const onUncaught = (err: unknown) => uncaught.push(err);
        process.prependListener('uncaughtException', onUncaught);
        try {
          let statement: Promise<pg.QueryResult> | undefined;
          let second: unknown = 'returned';
          await runInTask(async () => {
            const client = await pool.connect();
            statement = runInTask(() => pool.query('SELECT pg_sleep(0.05), 1 AS one'));
            await new Promise((resolve) => setTimeout(resolve, 20));
            assert.equal(pool.waitingCount, 1);
            // The first release lends the connection to the waiting pool.query() at once; the second
            // reads that lease's release off the same client.
            client.release();
            try {
              client.release();
            } catch (err) {
              second = err;
            }
          });
          assert.equal((await statement!).rows[0].one, 1, 'the other task\'s statement completed');
          if (mode === 'throw') assert.equal((second as { code?: string }).code, 'POOLGUARD_FOREIGN_RELEASE');
          else assert.equal(second, 'returned', 'report mode: the caller gets no error');
          await new Promise((resolve) => setImmediate(resolve));
          assert.deepEqual(uncaught, []);
          assert.equal(pool.idleCount, 1, 'the connection went back once');
          expectViolations(name, 'foreign_release', 1);
        } finally {
          process.removeListener('uncaughtException', onUncaught);
          await endPool(pool);
        }
      });
    }

    it('pool.query() leases of a connection an earlier task held, released by pg-pool itself, are silent', async () => {
      const name = 'fr-pool-query-own';
      const pool = guardPool(newPool({ max: 1 }), { name });
      try {
        await runInTask(async () => {
          const client = await pool.connect();
          client.release();
        });
        await runInTask(async () => {
          await Promise.all([pool.query('SELECT 1'), pool.query('SELECT pg_sleep(0.01)'), pool.query('SELECT nosuchcolumn').catch(() => undefined)]);
        });
        expectSilent(name);
      } finally {
        await endPool(pool);
      }
    });
  });

  describe('non-owner', () => {
    it('a known task releasing a lease it never held is reported and passed on', async () => {
      const name = 'fr-non-owner';
      const pool = guardPool(newPool({ max: 2 }), { name });
      try {
        const handed = gate<pg.PoolClient>();
        const released = gate();
        const owner = runInTask(async () => {
          const client = await pool.connect();
          await client.query('SELECT 1');
          handed.open(client);
          await released.promise;
        });
        const other = runInTask(async () => {
          const client = await handed.promise;
          client.release();
          released.open();
        });
        await Promise.all([owner, other]);
        expectViolations(name, 'foreign_release', 1);
        // Passed on: the connection is back in the pool.
        assert.equal(pool.idleCount, 1);
        assert.equal(pool.totalCount, 1);
        assert.equal(await violationCount(name, 'foreign_release'), 1);
      } finally {
        await endPool(pool);
      }
    });

    it('a release by the owner task, or after adoptLease, is silent', async () => {
      const name = 'fr-adopted';
      const pool = guardPool(newPool({ max: 2 }), { name });
      try {
        const handed = gate<pg.PoolClient>();
        const producer = runInTask(async () => {
          const client = await pool.connect();
          handed.open(client);
        });
        const consumer = runInTask(async () => {
          const client = adoptLease(await handed.promise);
          await client.query('SELECT 1');
          client.release();
        });
        await Promise.all([producer, consumer]);
        await runInTask(async () => {
          const client = await pool.connect();
          client.release();
        });
        expectSilent(name);
        assert.equal(pool.idleCount, 1);
      } finally {
        await endPool(pool);
      }
    });

    it('a release from outside any task is never reported (no evidence)', async () => {
      const name = 'fr-unknown-releaser';
      const pool = guardPool(newPool(), { name });
      try {
        const client = await runInTask(() => pool.connect());
        client.release();
        expectSilent(name);
        assert.equal(pool.idleCount, 1);
      } finally {
        await endPool(pool);
      }
    });
  });
});
