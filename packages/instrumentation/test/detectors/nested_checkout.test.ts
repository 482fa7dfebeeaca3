/*
 * nested_checkout on a real pg pool: a task that holds a lease waits for a
 * second lease from the same saturated pool (a self-deadlock, broken here by
 * connectionTimeoutMillis). pool.query's internal lease is not held, but its
 * wait counts as waiting.
 */
import assert from 'node:assert/strict';
import type pg from 'pg';
import genericPool from 'generic-pool';
import { guardPool, runInTask } from '../../src';
import { poolStateOf } from '../../src/guard';
import { inSpan, resetTelemetry, setupTelemetry } from '../helpers/otel';
import { newPool, sleep } from '../helpers/pg';
import { endPool, expectSilent, expectViolations, gate, spanViolationEvents, violationCount } from '../helpers/violations';

const PG_TIMEOUT = /timeout exceeded when trying to connect/;

describe('nested_checkout', () => {
  before(() => setupTelemetry());
  beforeEach(() => resetTelemetry());

  it('reports a task holding the only client that calls pool.connect() again', async () => {
    const name = 'nested-connect';
    const pool = guardPool(newPool({ max: 1, connectionTimeoutMillis: 150 }), { name });
    try {
      let heldLease = 0;
      await inSpan('nested-span', async () => {
        const client = await pool.connect();
        try {
          await assert.rejects(pool.connect(), PG_TIMEOUT);
        } finally {
          client.release();
        }
        heldLease = Number(expectViolations(name, 'nested_checkout', 1)[0]!.attributes['poolguard.lease.id']);
      });
      assert.ok(heldLease > 0, 'the record names the lease the task holds');
      assert.equal(spanViolationEvents('nested-span', 'nested_checkout').length, 1);
      assert.equal(await violationCount(name, 'nested_checkout'), 1);
    } finally {
      await endPool(pool);
    }
  });

  it('reports it in a runInTask task, with the callback API', async () => {
    const name = 'nested-callback';
    const pool = guardPool(newPool({ max: 1, connectionTimeoutMillis: 150 }), { name });
    try {
      await runInTask(async () => {
        const client = await pool.connect();
        const err = await new Promise<Error | undefined>((resolve) => pool.connect((e) => resolve(e)));
        assert.match(String(err?.message), PG_TIMEOUT);
        client.release();
      });
      expectViolations(name, 'nested_checkout', 1);
    } finally {
      await endPool(pool);
    }
  });

  it('reports pool.query while the task holds the only client', async () => {
    const name = 'nested-pool-query';
    const pool = guardPool(newPool({ max: 1, connectionTimeoutMillis: 150 }), { name });
    try {
      await runInTask(async () => {
        const client = await pool.connect();
        try {
          await assert.rejects(pool.query('SELECT 1'), PG_TIMEOUT);
        } finally {
          client.release();
        }
      });
      expectViolations(name, 'nested_checkout', 1);
      assert.equal(await violationCount(name, 'nested_checkout'), 1);
    } finally {
      await endPool(pool);
    }
  });

  it('a second checkout while the pool has room is silent', async () => {
    const name = 'nested-room';
    const pool = guardPool(newPool({ max: 3 }), { name });
    try {
      await runInTask(async () => {
        const a = await pool.connect();
        const b = await pool.connect();
        await pool.query('SELECT 1');
        a.release();
        b.release();
      });
      expectSilent(name);
    } finally {
      await endPool(pool);
    }
  });

  it('two different tasks each waiting once are silent', async () => {
    const name = 'nested-two-tasks';
    const pool = guardPool(newPool({ max: 1, connectionTimeoutMillis: 5000 }), { name });
    try {
      const aHolds = gate();
      const bWaits = gate();
      const taskA = runInTask(async () => {
        const client = await pool.connect();
        aHolds.open();
        await bWaits.promise;
        await sleep(20);
        client.release();
      });
      const taskB = runInTask(async () => {
        await aHolds.promise;
        const pending = pool.connect();
        assert.equal(pool.waitingCount, 1);
        bWaits.open();
        const client = await pending;
        await client.query('SELECT 1');
        client.release();
      });
      // A third task waits through pool.query while the pool is saturated.
      const taskC = runInTask(async () => {
        await aHolds.promise;
        await pool.query('SELECT 1');
      });
      await Promise.all([taskA, taskB, taskC]);
      expectSilent(name);
    } finally {
      await endPool(pool);
    }
  });

  it('a task that releases before checking out again is silent', async () => {
    const name = 'nested-sequential';
    const pool = guardPool(newPool({ max: 1 }), { name });
    try {
      await runInTask(async () => {
        const clients: pg.PoolClient[] = [];
        for (let i = 0; i < 3; i++) {
          const client = await pool.connect();
          clients.push(client);
          client.release();
          await pool.query('SELECT 1');
        }
      });
      expectSilent(name);
    } finally {
      await endPool(pool);
    }
  });

  describe('two checkouts asked for before the task holds either (Promise.all)', () => {
    for (const [label, warm] of [['a pool with no connection yet', false], ['a pool with its one connection idle', true]] as const) {
      it(`reports the task once the first is lent while the second waits: ${label}`, async () => {
        const name = `nested-both-${warm ? 'warm' : 'cold'}`;
        const pool = guardPool(newPool({ max: 1, connectionTimeoutMillis: 200 }), { name });
        try {
          if (warm) await pool.query('SELECT 1');
          let lent = 0;
          await runInTask(async () => {
            const [first, second] = await Promise.allSettled([pool.connect(), pool.connect()]);
            assert.equal(first.status, 'fulfilled');
            assert.equal(second.status, 'rejected', 'the self-deadlock ends only with connectionTimeoutMillis');
            assert.match(String((second as PromiseRejectedResult).reason?.message), PG_TIMEOUT);
            (first as PromiseFulfilledResult<pg.PoolClient>).value.release();
          });
          const [record] = expectViolations(name, 'nested_checkout', 1);
          lent = Number(record!.attributes['poolguard.lease.id']);
          assert.ok(lent > 0, 'the record names the lease the task was lent while it waited');
          assert.match(String(record!.body), /whose other checkout, requested before it, still waits/);
        } finally {
          await endPool(pool);
        }
      });
    }

    it('in one span, both on a pool of two: each lent, silent; two tasks asking at once on a pool of one: silent', async () => {
      const name = 'nested-both-silent';
      const roomy = guardPool(newPool({ max: 2 }), { name });
      const single = guardPool(newPool({ max: 1, connectionTimeoutMillis: 5000 }), { name: `${name}-single` });
      try {
        await inSpan('both-lent', async () => {
          const clients = await Promise.all([roomy.connect(), roomy.connect()]);
          for (const client of clients) client.release();
        });
        const oneEach = () => runInTask(async () => {
          const client = await single.connect();
          await client.query('SELECT 1');
          client.release();
        });
        await Promise.all([oneEach(), oneEach(), oneEach()]);
        expectSilent(name);
        expectSilent(`${name}-single`);
      } finally {
        await endPool(roomy);
        await endPool(single);
      }
    });

    it('waiting checkouts are forgotten when answered with values that are no connection, and many tasks waiting at once are kept by task', async () => {
      const name = 'nested-kept-values';
      let made = 0;
      const pool = guardPool(genericPool.createPool({ create: async () => ++made, destroy: async () => undefined }, { max: 1 }), { name });
      try {
        for (let burst = 0; burst < 20; burst++) {
          await Promise.all([1, 2, 3].map(() => runInTask(async () => {
            const value = await pool.acquire();
            await sleep(1);
            await pool.release(value);
          })));
        }
        assert.equal(poolStateOf(pool)!.waitingCheckouts, undefined, 'nothing kept once nothing waits');
        // 200 tasks queue at once: each is kept under its own task, and each is forgotten as it is served.
        await Promise.all(Array.from({ length: 200 }, () => runInTask(async () => {
          const value = await pool.acquire();
          await pool.release(value);
        })));
        assert.equal(poolStateOf(pool)!.waitingCheckouts, undefined);
        expectSilent(name);
      } finally {
        await pool.drain();
        await pool.clear();
      }
    });

    it('a waiting checkout that timed out is forgotten: the task\'s later checkout, lent while another task waits, is silent', async () => {
      const name = 'nested-timed-out';
      const pool = guardPool(newPool({ max: 1, connectionTimeoutMillis: 100 }), { name });
      try {
        const holds = gate();
        const release = gate();
        const holder = runInTask(async () => {
          const client = await pool.connect();
          holds.open();
          await release.promise;
          client.release();
        });
        await holds.promise;
        await runInTask(async () => {
          await assert.rejects(pool.connect(), PG_TIMEOUT); // waited while holding nothing: kept, then forgotten
          release.open();
          await holder;
          const mine = pool.connect();
          // Another task asks in the same tick: it waits while this task is lent the connection.
          const other = runInTask(async () => {
            const client = await pool.connect();
            client.release();
          });
          const client = await mine;
          await sleep(20);
          client.release();
          await other;
        });
        expectSilent(name);
      } finally {
        await endPool(pool);
      }
    });
  });
});
