/*
 * pg's 'notification' and 'notice' listeners run as the task that added them
 * (adapters/pg-listeners.ts). The binding must stay invisible to the app's
 * own bookkeeping: a once() listener is removed by its function, listeners()
 * lists the app's functions, and the same function added by each holder in
 * turn runs as that holder, never as the first one that added it.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import pg from 'pg';
import { guardPool, runInTask } from '../../src';
import { resetTelemetry, setupTelemetry } from '../helpers/otel';
import { newPool, pgConfig, sleep } from '../helpers/pg';
import { endPool, expectSilent, waitFor } from '../helpers/violations';

async function notify(channel: string): Promise<void> {
  const notifier = new pg.Client(pgConfig());
  await notifier.connect();
  try {
    await notifier.query(`NOTIFY ${channel}`);
  } finally {
    await notifier.end();
  }
}

describe("pg 'notification' listeners bound to the task that added them", () => {
  before(() => setupTelemetry());
  beforeEach(() => resetTelemetry());

  it('events.once() with an abort signal that fires leaves no listener on the pooled client, lease after lease', async () => {
    const name = 'listeners-once-abort';
    const pool = guardPool(newPool({ max: 1 }), { name, taskTracking: true });
    try {
      for (let i = 0; i < 5; i++) {
        await runInTask(async () => {
          const client = await pool.connect();
          try {
            await client.query('LISTEN poolguard_listeners_once');
            await assert.rejects(once(client, 'notification', { signal: AbortSignal.timeout(20) }), { name: 'AbortError' });
          } finally {
            await client.query('UNLISTEN *');
            client.release();
          }
        });
      }
      const client = await pool.connect();
      assert.equal(client.listenerCount('notification'), 0);
      client.release();
      expectSilent(name);
    } finally {
      await endPool(pool);
    }
  });

  it('once(fn) then removeListener(fn) removes it; listeners() and listenerCount() see the app\'s function', async () => {
    const name = 'listeners-bookkeeping';
    const pool = guardPool(newPool({ max: 1 }), { name, taskTracking: true });
    try {
      await runInTask(async () => {
        const client = await pool.connect();
        const handler = () => undefined;
        client.on('notification', handler);
        assert.deepEqual(client.listeners('notification'), [handler]);
        assert.equal(client.listenerCount('notification', handler), 1);
        client.removeListener('notification', handler);
        client.once('notice', handler);
        assert.deepEqual(client.listeners('notice'), [handler]);
        client.off('notice', handler);
        assert.equal(client.listenerCount('notification') + client.listenerCount('notice'), 0);
        client.release();
      });
      expectSilent(name);
    } finally {
      await endPool(pool);
    }
  });

  it('removeListener(fn) removes the latest entry of fn, as Node does: a once() added after two on() goes, both on() stay', async () => {
    const name = 'listeners-latest-first';
    const pool = guardPool(newPool({ max: 1 }), { name, taskTracking: true });
    try {
      await runInTask(async () => {
        const client = await pool.connect();
        let calls = 0;
        const handler = () => calls++;
        client.on('notification', handler);
        client.on('notification', handler);
        client.once('notification', handler);
        client.removeListener('notification', handler);
        assert.equal(client.listenerCount('notification'), 2);
        await client.query('LISTEN poolguard_listeners_latest');
        await notify('poolguard_listeners_latest');
        await notify('poolguard_listeners_latest');
        await waitFor(() => calls >= 4, 2000, 'two notifications, each to both on() listeners');
        await sleep(20);
        assert.equal(calls, 4, 'the once() listener was the one removed');
        assert.equal(client.listenerCount('notification'), 2);
        client.removeAllListeners('notification');
        await client.query('UNLISTEN *');
        client.release();
      });
      expectSilent(name);
    } finally {
      await endPool(pool);
    }
  });

  it('a once() listener that fires runs as its task and is gone after', async () => {
    const name = 'listeners-once-fires';
    const pool = guardPool(newPool({ max: 1 }), { name, taskTracking: true });
    try {
      await runInTask(async () => {
        const client = await pool.connect();
        await client.query('LISTEN poolguard_listeners_fires');
        const heard = once(client, 'notification');
        await notify('poolguard_listeners_fires');
        await heard;
        assert.equal(client.listenerCount('notification'), 0);
        await client.query('UNLISTEN *');
        client.release();
      });
      expectSilent(name);
    } finally {
      await endPool(pool);
    }
  });

  it('one module-level listener added by each holder in turn runs as that holder: its release is silent and frees the connection', async () => {
    const name = 'listeners-shared-function';
    const pool = guardPool(newPool({ max: 1 }), { name, taskTracking: true });
    let released = 0;
    function onJobDone(this: pg.PoolClient): void {
      this.removeListener('notification', onJobDone);
      void this.query('UNLISTEN *').then(() => {
        this.release();
        released++;
      });
    }
    try {
      for (let holder = 1; holder <= 2; holder++) {
        await runInTask(async () => {
          const client = await pool.connect();
          client.on('notification', onJobDone);
          await client.query('LISTEN poolguard_listeners_shared');
          await notify('poolguard_listeners_shared');
          await waitFor(() => released === holder, 3000, `holder ${holder}'s listener released its lease`);
        });
      }
      await sleep(20);
      assert.equal(pool.idleCount, 1, 'the connection is back in the pool');
      expectSilent(name);
    } finally {
      await endPool(pool);
    }
  });
});
