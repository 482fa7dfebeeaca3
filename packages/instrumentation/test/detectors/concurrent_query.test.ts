/*
 * concurrent_query on a real pg pool: a query issued while another is in
 * flight on the same connection. Reported once per extra query; sequential
 * awaits are silent; pipeline-mode clients are exempt; and since in-flight
 * counting is per connection, a pool 'connect' listener is covered too.
 */
import assert from 'node:assert/strict';
import type pg from 'pg';
import { guardPool, runInTask } from '../../src';
import { inSpan, resetTelemetry, setupTelemetry } from '../helpers/otel';
import { newPool } from '../helpers/pg';
import { endPool, expectSilent, expectViolations, spanViolationEvents, violationCount } from '../helpers/violations';

// pg-cursor ships no types; the part used here.
interface Cursor {
  read(rows: number): Promise<unknown[]>;
  close(): Promise<void>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const CursorClass = require('pg-cursor') as new (text: string) => Cursor & pg.Submittable;

describe('concurrent_query', () => {
  before(() => setupTelemetry());
  beforeEach(() => resetTelemetry());

  it('reports the second of two queries issued at once on one client', async () => {
    const name = 'cq-pair';
    const pool = guardPool(newPool(), { name });
    try {
      await inSpan('cq-span', async () => {
        const client = await pool.connect();
        try {
          const [a, b] = await Promise.all([client.query('SELECT 1 AS v'), client.query('SELECT 2 AS v')]);
          assert.equal(a.rows[0].v, 1);
          assert.equal(b.rows[0].v, 2);
        } finally {
          client.release();
        }
      });
      expectViolations(name, 'concurrent_query', 1);
      assert.equal(spanViolationEvents('cq-span', 'concurrent_query').length, 1);
      assert.equal(await violationCount(name, 'concurrent_query'), 1);
    } finally {
      await endPool(pool);
    }
  });

  it('reports once per extra query', async () => {
    const name = 'cq-four';
    const pool = guardPool(newPool(), { name });
    try {
      await runInTask(async () => {
        const client = await pool.connect();
        try {
          await Promise.all([1, 2, 3, 4].map((i) => client.query('SELECT $1::int AS v', [i])));
        } finally {
          client.release();
        }
      });
      expectViolations(name, 'concurrent_query', 3);
      assert.equal(await violationCount(name, 'concurrent_query'), 3);
    } finally {
      await endPool(pool);
    }
  });

  it('sequential awaits on one client are silent', async () => {
    const name = 'cq-sequential';
    const pool = guardPool(newPool(), { name });
    try {
      const client = await pool.connect();
      try {
        for (let i = 0; i < 5; i++) await client.query('SELECT $1::int AS v', [i]);
      } finally {
        client.release();
      }
      expectSilent(name);
    } finally {
      await endPool(pool);
    }
  });

  it('queries in flight on different clients are silent', async () => {
    const name = 'cq-two-clients';
    const pool = guardPool(newPool(), { name });
    try {
      const [a, b] = await Promise.all([pool.connect(), pool.connect()]);
      await Promise.all([a.query('SELECT pg_sleep(0.02)'), b.query('SELECT pg_sleep(0.02)')]);
      a.release();
      b.release();
      await Promise.all([pool.query('SELECT 1'), pool.query('SELECT 2'), pool.query('SELECT 3')]);
      expectSilent(name);
    } finally {
      await endPool(pool);
    }
  });

  it('a query that hit its query_timeout and still runs is not blamed on the next borrower', async () => {
    const name = 'cq-query-timeout';
    const pool = guardPool(newPool({ max: 1 }), { name });
    try {
      const client = await pool.connect();
      // pg reports the client-side timeout and keeps the statement running; the connection goes back busy.
      await assert.rejects(client.query({ text: 'SELECT pg_sleep(0.3)', query_timeout: 50 } as pg.QueryConfig), /timeout/);
      client.release();
      assert.equal((await pool.query('SELECT 1 AS one')).rows[0].one, 1);
      const next = await pool.connect();
      await next.query('SELECT 2');
      next.release();
      expectSilent(name);
      // Within one lease, two statements at once are still reported.
      const again = await pool.connect();
      await Promise.all([again.query('SELECT 3'), again.query('SELECT 4')]);
      again.release();
      expectViolations(name, 'concurrent_query', 1);
    } finally {
      await endPool(pool);
    }
  });

  for (const mode of ['report', 'throw'] as const) {
    it(`a statement sent while a cursor closes (a stream left early: for await … break) runs after it, in order: silent (${mode} mode); one sent while the cursor is open is reported`, async () => {
      const name = `cq-cursor-closing-${mode}`;
      const pool = guardPool(newPool({ max: 1 }), { name, mode });
      try {
        const client = await pool.connect();
        try {
          const cursor = client.query(new CursorClass('SELECT generate_series(1, 1000) AS n'));
          assert.equal((await cursor.read(10)).length, 10);
          // As a destroyed stream does: close, not awaited, and the next statement at once.
          const closing = cursor.close();
          assert.equal((await client.query('SELECT 42 AS answer')).rows[0].answer, 42);
          await closing;
          expectSilent(name);
          const open = client.query(new CursorClass('SELECT generate_series(1, 1000) AS n'));
          await open.read(10);
          const during = client.query('SELECT 1').then(() => 'ran', (err: { code?: string }) => err.code);
          await open.close();
          assert.equal(await during, mode === 'throw' ? 'POOLGUARD_CONCURRENT_QUERY' : 'ran');
          expectViolations(name, 'concurrent_query', 1);
        } finally {
          client.release();
        }
      } finally {
        await endPool(pool);
      }
    });
  }

  it('a client in pipeline mode is exempt', async () => {
    const name = 'cq-pipeline';
    const pool = guardPool(newPool({ pipeline: true } as pg.PoolConfig), { name });
    try {
      const client = await pool.connect();
      try {
        assert.equal((client as unknown as { pipeline: boolean }).pipeline, true);
        const results = await Promise.all([1, 2, 3].map((i) => client.query('SELECT $1::int AS v', [i])));
        assert.deepEqual(results.map((r) => r.rows[0].v), [1, 2, 3]);
      } finally {
        client.release();
      }
      expectSilent(name);
    } finally {
      await endPool(pool);
    }
  });

  it('covers a pool \'connect\' listener that runs two queries at once on a new client', async () => {
    const name = 'cq-connect-listener';
    const pool = guardPool(newPool({ max: 1 }), { name });
    const setup: Promise<unknown>[] = [];
    pool.on('connect', (client) => {
      setup.push(client.query("SET application_name = 'poolguard-test'"), client.query('SET statement_timeout = 5000'));
    });
    try {
      const client = await pool.connect();
      try {
        await Promise.all(setup);
        assert.equal((await client.query('SHOW statement_timeout')).rows[0].statement_timeout, '5s');
      } finally {
        client.release();
      }
      // The listener runs before any lease exists, so the record names no lease.
      expectViolations(name, 'concurrent_query', 1, { leaseId: null });
      assert.equal(await violationCount(name, 'concurrent_query'), 1);
    } finally {
      await endPool(pool);
    }
  });

  it('a pool \'connect\' listener\'s one setup statement, not awaited (node-postgres\' documented pattern), is silent for the borrower queued behind it', async () => {
    const name = 'cq-connect-listener-setup';
    const pool = guardPool(newPool({ max: 2 }), { name });
    pool.on('connect', (client) => {
      void client.query("SET application_name = 'poolguard-setup'");
    });
    try {
      await Promise.all([1, 2, 3, 4].map(async () => {
        const client = await pool.connect();
        try {
          assert.equal((await client.query('SHOW application_name')).rows[0].application_name, 'poolguard-setup');
        } finally {
          client.release();
        }
      }));
      expectSilent(name);
    } finally {
      await endPool(pool);
    }
  });

  it('a pool \'connect\' listener that awaits each query is silent', async () => {
    const name = 'cq-connect-listener-clean';
    const pool = guardPool(newPool({ max: 1 }), { name });
    let setup: Promise<unknown> = Promise.resolve();
    pool.on('connect', (client) => {
      setup = (async () => {
        await client.query("SET application_name = 'poolguard-test'");
        await client.query('SET statement_timeout = 5000');
      })();
    });
    try {
      const client = await pool.connect();
      await setup;
      client.release();
      expectSilent(name);
    } finally {
      await endPool(pool);
    }
  });
});
