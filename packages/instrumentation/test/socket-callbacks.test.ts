/*
 * pg runs a query's callbacks and emits a client's events from its socket's
 * data handler, in the async context of whichever task opened the
 * connection. A release or a query there belongs to the lease holder: a
 * pg-cursor's read and close callbacks, a 'notification' listener, an 'error'
 * listener after the server ended the session. None of them may be taken for
 * a stale holder (whose release poolguard does not pass on: the connection
 * would be stranded) or for another task. Each pool has max 1, and task A
 * opens its only connection before task B uses it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { guardPool, runInTask } from '../src';
import { resetTelemetry, setupTelemetry } from './helpers/otel';
import { newPool, pgConfig } from './helpers/pg';
import { endPool, expectSilent, expectViolations, gate } from './helpers/violations';

// pg-cursor ships no types; the part used here.
interface Cursor {
  read(rows: number, cb: (err: Error | undefined, rows: unknown[]) => void): void;
  close(cb: (err?: Error) => void): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const CursorClass = require('pg-cursor') as new (text: string) => Cursor & pg.Submittable;

/** Task A opens the pool's only connection and returns it. */
async function openedByTaskA(pool: pg.Pool): Promise<void> {
  await runInTask(async () => {
    const client = await pool.connect();
    await client.query('SELECT 1');
    client.release();
  });
}

/** Rejects when the next checkout waits longer than 3 s: the connection was stranded. */
async function nextTaskGetsTheConnection(pool: pg.Pool): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('the next checkout waited: the connection was stranded')), 3000); });
  try {
    await Promise.race([runInTask(async () => (await pool.connect()).release()), waited]);
  } finally {
    clearTimeout(timer);
  }
}

describe('releases and uses from a pg socket callback belong to the lease holder', () => {
  before(() => setupTelemetry());
  beforeEach(() => resetTelemetry());

  for (const mode of ['report', 'throw'] as const) {
    it(`pg-cursor: release in close()'s callback after read()'s (${mode} mode) is silent and frees the connection`, async () => {
      const name = `socket-cursor-${mode}`;
      const pool = guardPool(newPool({ max: 1 }), { name, mode, taskTracking: true });
      try {
        await openedByTaskA(pool);
        const rows = await runInTask(() => new Promise<number>((resolve, reject) => {
          pool.connect().then((client) => {
            const cursor = client.query(new CursorClass('SELECT generate_series(1, 3) AS n'));
            cursor.read(100, (err, read) => {
              if (err) return reject(err);
              cursor.close(() => {
                client.release();
                resolve(read.length);
              });
            });
          }, reject);
        }));
        assert.equal(rows, 3);
        await nextTaskGetsTheConnection(pool);
        expectSilent(name);
      } finally {
        await endPool(pool);
      }
    });
  }

  for (const action of ['queries', 'releases'] as const) {
    it(`a 'notification' listener that ${action === 'queries' ? 'queries the client' : 'releases the client'} acts for the lease holder`, async () => {
      const name = `socket-notification-${action}`;
      const pool = guardPool(newPool({ max: 1 }), { name, taskTracking: true });
      const notifier = new pg.Client(pgConfig());
      await notifier.connect();
      try {
        await openedByTaskA(pool);
        const channel = `poolguard_socket_${process.pid}`;
        await runInTask(async () => {
          const client = await pool.connect();
          await client.query(`LISTEN ${channel}`);
          const heard = gate<Promise<unknown> | undefined>();
          client.once('notification', () => heard.open(action === 'queries' ? client.query(`UNLISTEN ${channel}`) : void client.release()));
          await notifier.query(`NOTIFY ${channel}, 'job-42'`);
          const unlisten = await heard.promise;
          if (unlisten !== undefined) {
            await unlisten;
            client.release();
          }
        });
        await nextTaskGetsTheConnection(pool);
        expectSilent(name);
      } finally {
        await notifier.end();
        await endPool(pool);
      }
    });
  }

  it('a \'notification\' listener whose promise releases the client later acts for the task that added it', async () => {
    const name = 'socket-notification-then';
    const pool = guardPool(newPool({ max: 1 }), { name, taskTracking: true });
    const notifier = new pg.Client(pgConfig());
    await notifier.connect();
    try {
      await openedByTaskA(pool);
      const channel = `poolguard_socket_then_${process.pid}`;
      await runInTask(async () => {
        const client = await pool.connect();
        await client.query(`LISTEN ${channel}`);
        const released = gate();
        client.once('notification', () => {
          client.query(`UNLISTEN ${channel}`).then(() => {
            client.release();
            released.open();
          });
        });
        await notifier.query(`NOTIFY ${channel}`);
        await released.promise;
      });
      await nextTaskGetsTheConnection(pool);
      expectSilent(name);
    } finally {
      await notifier.end();
      await endPool(pool);
    }
  });

  it('a \'notification\' listener an earlier holder left behind is that stale holder\'s: its release is foreign_release, not passed on', async () => {
    const name = 'socket-notification-stale';
    const pool = guardPool(newPool({ max: 1 }), { name, taskTracking: true });
    const notifier = new pg.Client(pgConfig());
    await notifier.connect();
    const channel = `poolguard_socket_stale_${process.pid}`;
    try {
      const leftBehind = gate();
      const bHolds = gate();
      await runInTask(async () => {
        const client = await pool.connect();
        await client.query(`LISTEN ${channel}`);
        client.once('notification', () => {
          client.release(); // a release of a lease that ended long ago
          leftBehind.open();
        });
        client.release(); // still listening, on a connection the pool lends again
      });
      await runInTask(async () => {
        const client = await pool.connect();
        bHolds.open();
        await notifier.query(`NOTIFY ${channel}`);
        await leftBehind.promise;
        assert.equal(pool.idleCount, 0, 'B still holds its lease');
        await client.query(`UNLISTEN ${channel}`);
        client.release();
      });
      await bHolds.promise;
      expectViolations(name, 'foreign_release', 1);
    } finally {
      await notifier.end();
      await endPool(pool);
    }
  });

  it('a stale holder\'s query callback that releases again after another task got the client is foreign_release, not passed on', async () => {
    const name = 'socket-stale-callback';
    const pool = guardPool(newPool({ max: 1 }), { name, taskTracking: true });
    try {
      const aDone = gate();
      const a = runInTask(async () => {
        const client = await pool.connect();
        await client.query('SELECT 1');
        client.release();
        // A use after release of the idle client, whose callback, once B holds it, releases once more.
        client.query('SELECT pg_sleep(0.1)', () => {
          client.release();
          aDone.open();
        });
      });
      await runInTask(async () => {
        const client = await pool.connect();
        await aDone.promise;
        assert.equal(pool.idleCount, 0, 'B still holds its lease');
        client.release();
      });
      await a;
      expectViolations(name, 'foreign_release', 1, { others: ['use_after_release'] });
    } finally {
      await endPool(pool);
    }
  });

  const listeners = { error: 'an \'error\' listener', end: 'an \'end\' listener', 'async-error': 'an async \'error\' listener, after an await' } as const;
  for (const [kind, listener] of Object.entries(listeners)) {
    it(`${listener} that releases the client the server ended (release(err)) frees its slot; the pool goes on and ends`, async () => {
      const name = `socket-${kind}-listener`;
      const pool = guardPool(newPool({ max: 1 }), { name, taskTracking: true });
      const killer = new pg.Client(pgConfig());
      await killer.connect();
      try {
        await openedByTaskA(pool);
        await runInTask(async () => {
          const client = await pool.connect();
          const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
          const released = gate();
          if (kind === 'error') {
            client.on('error', (err) => {
              client.release(err);
              released.open();
            });
          } else if (kind === 'end') {
            client.on('error', () => undefined);
            client.once('end', () => {
              client.release(new Error('connection ended'));
              released.open();
            });
          } else {
            client.once('error', async (err) => {
              await null;
              client.release(err);
              released.open();
            });
          }
          await killer.query('SELECT pg_terminate_backend($1)', [pid]);
          await released.promise;
        });
        assert.equal(pool.totalCount, 0, 'the dead client left the pool');
        await nextTaskGetsTheConnection(pool);
        expectSilent(name);
      } finally {
        await killer.end();
        await endPool(pool);
      }
    });
  }

  it('a stale holder\'s own release, outside any socket callback, is still foreign_release and not passed on', async () => {
    const name = 'socket-stale-holder';
    const pool = guardPool(newPool({ max: 1 }), { name, taskTracking: true });
    try {
      const aReleased = gate<pg.PoolClient>();
      const bHolds = gate();
      const aDone = gate();
      const a = runInTask(async () => {
        const client = await pool.connect(); // opens the connection: its socket's context is A's
        client.release();
        aReleased.open(client);
        await bHolds.promise;
        client.release();
        aDone.open();
      });
      const b = runInTask(async () => {
        await aReleased.promise;
        const client = await pool.connect();
        bHolds.open();
        await aDone.promise;
        assert.equal(pool.idleCount, 0, 'B still holds its lease');
        await client.query('SELECT 1');
        client.release();
      });
      await Promise.all([a, b]);
      expectViolations(name, 'foreign_release', 1);
    } finally {
      await endPool(pool);
    }
  });

  it('with no async context yet, the wrappers wait; a listener added under the first task token is that task\'s, and its release of a later holder\'s lease is foreign_release (fresh process)', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(__dirname, 'fixtures', 'late-tokens-listener.js')], { timeout: 30_000 });
    assert.deepEqual(JSON.parse(stdout.trim().split('\n').pop()!), {
      beforeTokens: { emit: false, on: false },
      afterTokens: { emit: true, on: true },
      seen: ['foreign_release'],
    });
  });

  it('an SDK registered after a connection was lent: adoptLease() in a span binds the listener that trace adds next, so it stays that trace\'s (fresh process)', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(__dirname, 'fixtures', 'late-sdk-adopt.js')], { timeout: 30_000 });
    assert.deepEqual(JSON.parse(stdout.trim().split('\n').pop()!), { seen: ['foreign_release'], sameClient: true, idleBefore: 0, idleAfter: 0 });
  });
});
