/*
 * Correct code must stay silent: the patterns real apps use, on a real pg
 * pool, inside tasks (runInTask and real spans), under load. A false positive
 * here is a bug in poolguard, never in the pattern.
 */
import assert from 'node:assert/strict';
import pg from 'pg';
import { guardPool, runInTask } from '../src';
import { inSpan, resetTelemetry, setupTelemetry } from './helpers/otel';
import { newPool } from './helpers/pg';
import { endPool, expectSilent, poolKinds, waitFor } from './helpers/violations';

type Db = Pick<pg.PoolClient, 'query'>;

async function insertOrder(db: Db, id: number): Promise<void> {
  await db.query('INSERT INTO poolguard_orders (id) VALUES ($1)', [id]);
}

async function countOrders(db: Db): Promise<number> {
  return Number((await db.query('SELECT count(*) AS n FROM poolguard_orders')).rows[0].n);
}

/** A helper layer that takes the client and passes it further down. */
async function service(db: Db, id: number): Promise<number> {
  await insertOrder(db, id);
  return countOrders(db);
}

describe('silent patterns', () => {
  before(() => setupTelemetry());
  beforeEach(() => resetTelemetry());

  it('a transaction inside a handler, with helper functions receiving the client', async () => {
    const name = 'silent-tx-helpers';
    const pool = guardPool(newPool({ max: 3 }), { name });
    try {
      await Promise.all(Array.from({ length: 6 }, (_, i) => inSpan(`handler-${i}`, async () => {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await client.query('CREATE TEMP TABLE IF NOT EXISTS poolguard_orders (id int) ON COMMIT DELETE ROWS');
          assert.equal(await service(client, i), 1);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw err;
        } finally {
          client.release();
        }
      })));
      expectSilent(name);
    } finally {
      await endPool(pool);
    }
  });

  it('Promise.all over pool.query, inside tasks', async () => {
    const name = 'silent-pool-query-all';
    const pool = guardPool(newPool({ max: 2 }), { name });
    try {
      await Promise.all(Array.from({ length: 5 }, () => runInTask(async () => {
        const results = await Promise.all(Array.from({ length: 6 }, (_, i) => pool.query('SELECT $1::int AS v', [i])));
        assert.deepEqual(results.map((r) => r.rows[0].v), [0, 1, 2, 3, 4, 5]);
      })));
      expectSilent(name);
    } finally {
      await endPool(pool);
    }
  });

  it('the callback API inside tasks under load (max 2, 20 tasks)', async () => {
    const name = 'silent-callbacks';
    const pool = guardPool(newPool({ max: 2 }), { name });
    try {
      const one = (i: number) => new Promise<number>((resolve, reject) => {
        pool.connect((err, client, done) => {
          if (err) return reject(err);
          client!.query('SELECT $1::int AS v', [i], (qerr: Error | undefined, res: pg.QueryResult) => {
            if (qerr) { done(qerr); return reject(qerr); }
            client!.query('SELECT pg_sleep(0.002)', (qerr2: Error | undefined) => {
              done();
              if (qerr2) return reject(qerr2);
              pool.query('SELECT $1::int AS v', [i * 10], (perr: Error | undefined, pres: pg.QueryResult) => {
                if (perr) return reject(perr);
                resolve(res.rows[0].v + pres.rows[0].v);
              });
            });
          });
        });
      });
      const running = Array.from({ length: 20 }, (_, i) => (i % 2 === 0
        ? runInTask(() => one(i))
        : inSpan(`cb-${i}`, () => one(i))));
      assert.ok(pool.waitingCount >= 10, 'the pool is saturated: checkouts wait and are handed over on release');
      const sums = await Promise.all(running);
      assert.deepEqual(sums, Array.from({ length: 20 }, (_, i) => i * 11));
      expectSilent(name);
    } finally {
      await endPool(pool);
    }
  });

  it('promise checkouts in tasks under load (max 2, 20 tasks)', async () => {
    const name = 'silent-promises-load';
    const pool = guardPool(newPool({ max: 2 }), { name });
    try {
      await Promise.all(Array.from({ length: 20 }, (_, i) => runInTask(async () => {
        const client = await pool.connect();
        try {
          await client.query('SELECT $1::int', [i]);
          await client.query('SELECT pg_sleep(0.002)');
        } finally {
          client.release();
        }
      })));
      expectSilent(name);
    } finally {
      await endPool(pool);
    }
  });

  it('a client passed down several helper layers, outside and inside tasks', async () => {
    const name = 'silent-layers';
    const pool = guardPool(newPool(), { name });
    try {
      const repository = { find: (db: Db, id: number) => db.query('SELECT $1::int AS id', [id]) };
      const domain = { load: async (db: Db, id: number) => (await repository.find(db, id)).rows[0].id as number };
      const controller = async (db: Db) => {
        const out: number[] = [];
        for (const id of [1, 2, 3]) out.push(await domain.load(db, id));
        return out;
      };
      await inSpan('layers', async () => {
        const client = await pool.connect();
        try {
          assert.deepEqual(await controller(client), [1, 2, 3]);
          await new Promise<void>((resolve) => setTimeout(resolve, 5));
          assert.deepEqual(await controller(client), [1, 2, 3]);
        } finally {
          client.release();
        }
      });
      expectSilent(name);
    } finally {
      await endPool(pool);
    }
  });

  it('pg-pool\'s verify option querying each new client', async () => {
    const name = 'silent-verify';
    let verified = 0;
    const verify = (client: pg.PoolClient, done: (err?: Error) => void) => {
      client.query('SELECT 1', (err: Error | undefined) => {
        verified++;
        done(err);
      });
    };
    const pool = guardPool(newPool({ max: 2, verify } as pg.PoolConfig), { name });
    try {
      await Promise.all(Array.from({ length: 6 }, (_, i) => runInTask(async () => {
        const client = await pool.connect();
        try {
          await client.query('SELECT $1::int', [i]);
        } finally {
          client.release();
        }
      })));
      assert.equal(verified, 2, 'verify runs once per new client');
      expectSilent(name);
    } finally {
      await endPool(pool);
    }
  });

  it('node-postgres\' documented getClient helper, which wraps client.query and client.release for a checkout', async () => {
    const name = 'silent-get-client';
    const pool = guardPool(newPool({ max: 2, connectionTimeoutMillis: 2000 }), { name });
    // The helper from node-postgres' "Suggested Project Structure" guide, as written there.
    const getClient = async (): Promise<pg.PoolClient & { lastQuery?: unknown }> => {
      const client: pg.PoolClient & { lastQuery?: unknown } = await pool.connect();
      const query = client.query;
      const release = client.release;
      const timeout = setTimeout(() => undefined, 5000);
      client.query = ((...args: unknown[]) => {
        client.lastQuery = args;
        return (query as (...a: unknown[]) => unknown).apply(client, args);
      }) as typeof client.query;
      client.release = () => {
        clearTimeout(timeout);
        client.query = query;
        client.release = release;
        return release.apply(client);
      };
      return client;
    };
    try {
      // More checkouts than connections, one after another and at once: each release reaches the pool.
      for (let i = 0; i < 4; i++) {
        const client = await getClient();
        await client.query('SELECT $1::int', [i]);
        client.release();
      }
      await Promise.all(Array.from({ length: 6 }, (_, i) => runInTask(async () => {
        const client = await getClient();
        try {
          await client.query('SELECT $1::int', [i]);
        } finally {
          client.release();
        }
      })));
      assert.equal(pool.idleCount, pool.totalCount);
      expectSilent(name);
      // The lease still ended at the helper's release: a later use is reported.
      const client = await getClient();
      client.release();
      await client.query('SELECT 1');
      assert.deepEqual(poolKinds(name), ['use_after_release']);
      // A wrapper that calls the saved release first and restores it after: the guard stays on.
      const other = await pool.connect();
      const saved = other.release;
      other.release = () => {
        const result = saved.call(other);
        other.release = saved;
        return result;
      };
      other.release();
      await other.query('SELECT 1');
      assert.deepEqual(poolKinds(name), ['use_after_release', 'use_after_release']);
      const again = await pool.connect();
      again.release();
      assert.equal(pool.idleCount, pool.totalCount, 'the next lease began and ended as usual');
    } finally {
      await endPool(pool);
    }
  });

  // pg emits a query's events and runs a config's callback from the socket's handler, in the context of
  // the task that opened the connection; a release there is still the current borrower's.
  it('a pg.Query\'s events and a query config\'s callback, releasing in the handler, in several tasks in turn', async () => {
    const name = 'silent-query-events';
    const pool = guardPool(newPool({ max: 1, connectionTimeoutMillis: 2000 }), { name });
    try {
      for (let i = 0; i < 3; i++) {
        await runInTask(async () => {
          const client = await pool.connect();
          await new Promise<void>((resolve, reject) => {
            const query = client.query(new pg.Query('SELECT $1::int AS n', [i]));
            query.on('error', reject);
            query.on('end', () => {
              client.release();
              resolve();
            });
          });
        });
        await runInTask(async () => {
          const client = await pool.connect();
          await new Promise<void>((resolve) => {
            const callback = () => {
              client.release();
              resolve();
            };
            client.query({ text: 'SELECT 1 AS one', callback } as unknown as pg.QueryConfig);
          });
        });
      }
      assert.equal(pool.idleCount, 1, 'every release reached the pool');
      expectSilent(name);
    } finally {
      await endPool(pool);
    }
  });

  it('a long-lived LISTEN client, notified from several tasks', async () => {
    const name = 'silent-listen';
    const pool = guardPool(newPool({ max: 3 }), { name });
    try {
      const listener = await pool.connect();
      const received: string[] = [];
      listener.on('notification', (msg) => received.push(String(msg.payload)));
      await listener.query('LISTEN poolguard_silent');
      await Promise.all(Array.from({ length: 6 }, (_, i) => runInTask(async () => {
        await pool.query(`SELECT pg_notify('poolguard_silent', $1)`, [`m${i}`]);
      })));
      for (let i = 0; i < 3; i++) {
        // Sequential keep-alives from several tasks on the shared client.
        await inSpan(`listen-keepalive-${i}`, async () => { await listener.query('SELECT 1'); });
      }
      await waitFor(() => received.length === 6, 2000, 'six notifications');
      assert.deepEqual(received.slice().sort(), ['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
      await listener.query('UNLISTEN poolguard_silent');
      listener.release();
      expectSilent(name);
    } finally {
      await endPool(pool);
    }
  });
});
