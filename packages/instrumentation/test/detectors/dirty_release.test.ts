/*
 * dirty_release on a real pg pool: a release inside an open or aborted
 * transaction, read from pg's ReadyForQuery status. A destroy (release(err))
 * discards the connection and is never dirty.
 */
import assert from 'node:assert/strict';
import pg from 'pg';
import { guardPool, runInTask } from '../../src';
import { inSpan, resetTelemetry, setupTelemetry } from '../helpers/otel';
import { newPool, pgConfig } from '../helpers/pg';
import { endPool, expectSilent, expectViolations, poolViolations, spanViolationEvents, violationCount, waitFor } from '../helpers/violations';

/** One lease of `pool`: checked out, the statements run in order, released. */
async function leaseRunning(pool: pg.Pool, ...statements: string[]): Promise<void> {
  const client = await pool.connect();
  for (const statement of statements) await client.query(statement);
  client.release();
}

describe('dirty_release', () => {
  before(() => setupTelemetry());
  beforeEach(() => resetTelemetry());

  it('reports a release after BEGIN without COMMIT', async () => {
    const name = 'dirty-open';
    const pool = guardPool(newPool({ max: 1 }), { name });
    try {
      await inSpan('dirty-span', async () => {
        const client = await pool.connect();
        await client.query('BEGIN');
        await client.query('SELECT 1');
        client.release();
      });
      expectViolations(name, 'dirty_release', 1);
      assert.equal(spanViolationEvents('dirty-span', 'dirty_release').length, 1);
      assert.equal(await violationCount(name, 'dirty_release'), 1);
      // What the report is about: the next borrower inherits the open transaction.
      const next = await pool.connect();
      await next.query('ROLLBACK');
      next.release();
      expectViolations(name, 'dirty_release', 1);
    } finally {
      await endPool(pool);
    }
  });

  it('borrowers who inherit an open transaction and leave it as they found it are not blamed; the next one who opens a new one is', async () => {
    const name = 'dirty-inherited';
    const pool = guardPool(newPool({ max: 1 }), { name });
    try {
      await leaseRunning(pool, 'BEGIN');
      expectViolations(name, 'dirty_release', 1);
      // Innocent borrowers: they only read, inside the transaction they were handed.
      for (let i = 0; i < 3; i++) await leaseRunning(pool, 'SELECT 1');
      expectViolations(name, 'dirty_release', 1);
      // One ends the inherited transaction; a later borrower's own open transaction is its own.
      await leaseRunning(pool, 'ROLLBACK');
      await leaseRunning(pool, 'BEGIN');
      expectViolations(name, 'dirty_release', 2);
      await leaseRunning(pool, 'ROLLBACK');
    } finally {
      await endPool(pool);
    }
  });

  it('a borrower who ends the inherited transaction and opens its own in the same lease is blamed for its own', async () => {
    const name = 'dirty-inherited-then-own';
    const pool = guardPool(newPool({ max: 1 }), { name });
    try {
      await leaseRunning(pool, 'BEGIN');
      expectViolations(name, 'dirty_release', 1);
      await leaseRunning(pool, 'COMMIT', 'BEGIN');
      expectViolations(name, 'dirty_release', 2);
      // The next one inherits the second's transaction: reported once, at the second.
      await leaseRunning(pool, 'SELECT 1');
      expectViolations(name, 'dirty_release', 2);
      await leaseRunning(pool, 'ROLLBACK');
    } finally {
      await endPool(pool);
    }
  });

  it('a borrower who sends its own BEGIN into the transaction it inherited, and releases without COMMIT, is blamed for its own', async () => {
    const name = 'dirty-inherited-own-begin';
    const pool = guardPool(newPool({ max: 1 }), { name });
    try {
      await leaseRunning(pool, 'BEGIN');
      expectViolations(name, 'dirty_release', 1);
      await leaseRunning(pool, 'SELECT 1');
      expectViolations(name, 'dirty_release', 1);
      // PostgreSQL warns and keeps the transaction open; this borrower meant one of its own and never committed it.
      await leaseRunning(pool, 'BEGIN', 'SELECT 1');
      expectViolations(name, 'dirty_release', 2);
      await leaseRunning(pool, 'ROLLBACK');
    } finally {
      await endPool(pool);
    }
  });

  it('after BEGIN through pool.query (transaction_on_pool), the borrower handed that connection is not blamed for it', async () => {
    const name = 'dirty-after-pool-begin';
    const pool = guardPool(newPool({ max: 1 }), { name });
    try {
      await pool.query('BEGIN');
      const client = await pool.connect();
      assert.equal((await client.query('SELECT 1 AS one')).rows[0].one, 1);
      client.release();
      expectViolations(name, 'transaction_on_pool', 1, { leaseId: null });
      assert.equal(poolViolations(name, 'dirty_release').length, 0);
      await pool.query('ROLLBACK');
    } finally {
      await endPool(pool);
    }
  });

  it('reports a release inside a transaction aborted by a failing statement', async () => {
    const name = 'dirty-aborted';
    const pool = guardPool(newPool(), { name });
    try {
      await runInTask(async () => {
        const client = await pool.connect();
        await client.query('BEGIN');
        await assert.rejects(client.query('SELECT 1/0'), /division by zero/);
        client.release();
      });
      // pg fails the statement at its ErrorResponse; when the release comes before the server's
      // ReadyForQuery, the state is judged from that ReadyForQuery, a moment later.
      await waitFor(() => poolViolations(name, 'dirty_release').length > 0, 2000, 'the dirty_release report');
      expectViolations(name, 'dirty_release', 1);
      assert.equal(await violationCount(name, 'dirty_release'), 1);
    } finally {
      await endPool(pool);
    }
  });

  it('release(err) inside a transaction destroys the connection and is silent', async () => {
    const name = 'dirty-destroy';
    const pool = guardPool(newPool(), { name });
    try {
      const client = await pool.connect();
      await client.query('BEGIN');
      client.release(new Error('abandon the transaction'));
      assert.equal(pool.totalCount, 0);
      expectSilent(name);
    } finally {
      await endPool(pool);
    }
  });

  it('a release inside a transaction whose connection the server killed is silent: no session is left to inherit', async () => {
    const name = 'dirty-killed';
    const pool = guardPool(newPool({ max: 1 }), { name });
    pool.on('error', () => undefined); // the killed idle client's error, as an app handles it
    const killer = new pg.Client(pgConfig());
    try {
      await killer.connect();
      const client = await pool.connect();
      client.on('error', () => undefined);
      await client.query('BEGIN');
      const { rows } = await client.query('SELECT pg_backend_pid() AS pid');
      await killer.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
      await assert.rejects(client.query('SELECT 1'));
      // Released once pg knows the connection is gone (its 'end'), as an app's error handler usually runs.
      if ((client as unknown as { _ended?: boolean })._ended !== true) await new Promise((resolve) => client.once('end', resolve));
      client.release();
      expectSilent(name);
    } finally {
      await killer.end();
      await endPool(pool);
    }
  });

  describe('a release before the server\'s ReadyForQuery for a failed statement (pg fails it at the ErrorResponse)', () => {
    /** Runs `sql` on a fresh lease and releases in its callback, where pg's transaction status still predates it. */
    async function releaseInFailedCallback(pool: pg.Pool, setup: string[], sql: string): Promise<void> {
      const client = await pool.connect();
      for (const statement of setup) await client.query(statement);
      await new Promise<void>((resolve) => {
        client.query(sql, (err: Error | undefined) => {
          assert.ok(err, `${sql} failed`);
          client.release();
          resolve();
        });
      });
    }

    it('a COMMIT that failed (the server rolled back) is silent', async () => {
      const name = 'dirty-failed-commit';
      const pool = guardPool(newPool({ max: 1 }), { name });
      try {
        const setup = [
          'CREATE TEMP TABLE IF NOT EXISTS dirty_parent (id int PRIMARY KEY)',
          'CREATE TEMP TABLE IF NOT EXISTS dirty_child (parent int REFERENCES dirty_parent (id) DEFERRABLE INITIALLY DEFERRED)',
          'BEGIN',
          'INSERT INTO dirty_child VALUES (1)',
        ];
        await releaseInFailedCallback(pool, setup, 'COMMIT');
        const client = await pool.connect(); // the next borrower: its first statement waits for that ReadyForQuery
        await client.query('SELECT 1');
        assert.equal(client.getTransactionStatus?.() ?? 'I', 'I', 'the server had rolled back');
        client.release();
        expectSilent(name);
      } finally {
        await endPool(pool);
      }
    });

    it('a failed statement inside an open transaction is reported once the server says the transaction is aborted', async () => {
      const name = 'dirty-failed-in-transaction';
      const pool = guardPool(newPool({ max: 1 }), { name });
      try {
        await releaseInFailedCallback(pool, ['BEGIN'], 'SELECT 1/0');
        await waitFor(() => poolViolations(name, 'dirty_release').length > 0, 2000, 'the dirty_release report');
        expectViolations(name, 'dirty_release', 1);
        await pool.query('ROLLBACK');
      } finally {
        await endPool(pool);
      }
    });

    it('a failed statement that cannot end the transaction is judged at the release itself, on the span active there, which may end at once', async () => {
      const name = 'dirty-failed-at-release';
      const pool = guardPool(newPool({ max: 1 }), { name });
      try {
        await inSpan('dirty-failed-request', async () => {
          await releaseInFailedCallback(pool, ['BEGIN'], 'SELECT 1/0');
          expectViolations(name, 'dirty_release', 1);
        });
        assert.equal(spanViolationEvents('dirty-failed-request', 'dirty_release').length, 1, 'the event is on the request span, which ended right after');
        await pool.query('ROLLBACK');
      } finally {
        await endPool(pool);
      }
    });

    it('one text of several statements that may end the transaction waits for the server: an error skips the rest of it', async () => {
      const name = 'dirty-failed-multi';
      const pool = guardPool(newPool({ max: 1 }), { name });
      try {
        // The division fails, so the COMMIT after it never runs: the transaction is left aborted.
        await releaseInFailedCallback(pool, ['BEGIN'], 'SELECT 1/0; COMMIT');
        await waitFor(() => poolViolations(name, 'dirty_release').length > 0, 2000, 'the dirty_release report');
        expectViolations(name, 'dirty_release', 1);
        await pool.query('ROLLBACK');
      } finally {
        await endPool(pool);
      }
    });
  });

  it('a release judged at a later ReadyForQuery is emitted in the releasing request\'s trace, not the one that opened the connection', async () => {
    const name = 'dirty-late-context';
    const pool = guardPool(newPool({ max: 1 }), { name });
    try {
      await inSpan('dirty-late-opener', async () => {
        const client = await pool.connect();
        await client.query('SELECT 1');
        client.release();
      });
      let releaserTrace = '';
      await inSpan('dirty-late-releaser', async (span) => {
        releaserTrace = span.spanContext().traceId;
        const client = await pool.connect();
        await client.query('BEGIN');
        const inFlight = client.query('SELECT pg_sleep(0.05)');
        client.release();
        await inFlight.catch(() => undefined);
        await waitFor(() => poolViolations(name, 'dirty_release').length > 0, 2000, 'the dirty_release report');
      });
      const [record] = expectViolations(name, 'dirty_release', 1);
      assert.equal(record!.spanContext?.traceId, releaserTrace);
      assert.equal(spanViolationEvents('dirty-late-releaser', 'dirty_release').length, 1);
      assert.equal(spanViolationEvents('dirty-late-opener').length, 0);
      await pool.query('ROLLBACK');
    } finally {
      await endPool(pool);
    }
  });

  it('BEGIN … COMMIT and BEGIN … ROLLBACK then release are silent', async () => {
    const name = 'dirty-clean';
    const pool = guardPool(newPool(), { name });
    try {
      const client = await pool.connect();
      await client.query('BEGIN');
      await client.query('SELECT 1');
      await client.query('COMMIT');
      await client.query('BEGIN');
      await assert.rejects(client.query('SELECT 1/0'));
      await client.query('ROLLBACK');
      client.release();
      expectSilent(name);
    } finally {
      await endPool(pool);
    }
  });
});
