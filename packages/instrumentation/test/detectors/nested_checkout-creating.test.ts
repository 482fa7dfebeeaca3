/*
 * nested_checkout and connections still being created: a connection a pool
 * started creating for an earlier request, which a release served instead,
 * serves the next waiter when it is ready (tarn, generic-pool). A task that
 * holds a lease and waits for it waits for no other borrower, so it cannot
 * deadlock: silent. Once the leases and the waiters ahead fill the pool, the
 * same wait is reported. pg-pool and mysql2 tie each connection they create to
 * the request it is for, so there a connecting client is a waiter's: a pg
 * case shows that such a wait is still reported.
 */
import genericPool from 'generic-pool';
import pg from 'pg';
import { Pool as TarnPool } from 'tarn';
import { guardPool, runInTask } from '../../src';
import { resetTelemetry, setupTelemetry } from '../helpers/otel';
import { pgConfig, sleep } from '../helpers/pg';
import { expectSilent, expectViolations } from '../helpers/violations';

const CREATE_MS = 150;

/** One way to check out and give back, over a pool whose connections take CREATE_MS to create. */
interface Subject {
  readonly name: string;
  make(): object;
  acquire(pool: object): Promise<object>;
  release(pool: object, lease: object): void;
  close(pool: object): Promise<void>;
}

const created = () => sleep(CREATE_MS).then(() => ({ created: Date.now() }));

const subjects: Subject[] = [
  {
    name: 'tarn',
    make: () => new TarnPool({ create: created, destroy: () => undefined, min: 0, max: 2 }),
    acquire: (pool) => (pool as TarnPool<object>).acquire().promise,
    release: (pool, lease) => void (pool as TarnPool<object>).release(lease),
    close: (pool) => (pool as TarnPool<object>).destroy().then(() => undefined),
  },
  {
    name: 'generic-pool',
    make: () => genericPool.createPool({ create: created, destroy: async () => undefined }, { min: 0, max: 2 }),
    acquire: (pool) => (pool as genericPool.Pool<object>).acquire(),
    release: (pool, lease) => void (pool as genericPool.Pool<object>).release(lease),
    close: async (pool) => {
      await (pool as genericPool.Pool<object>).drain();
      await (pool as genericPool.Pool<object>).clear();
    },
  },
];

describe('nested_checkout and connections being created', () => {
  before(() => setupTelemetry());
  beforeEach(() => resetTelemetry());

  for (const subject of subjects) {
    it(`${subject.name}: a task that holds a lease and gets a connection still being created is silent; one that waits for a release is reported`, async () => {
      const name = `nested-creating-${subject.name}`;
      const pool = guardPool(subject.make(), { name });
      try {
        // One connection, lent; a second request starts creating one; the release serves that request,
        // and the creation runs on with nobody waiting for it.
        const first = await subject.acquire(pool);
        const second = subject.acquire(pool);
        await sleep(10);
        subject.release(pool, first);
        subject.release(pool, await second);
        await runInTask(async () => {
          const a = await subject.acquire(pool); // the idle connection
          const b = await subject.acquire(pool); // the one being created: nobody else's
          subject.release(pool, a);
          subject.release(pool, b);
        });
        expectSilent(name);
        // Both connections lent: a task holding one waits for a release.
        const other = await subject.acquire(pool);
        await runInTask(async () => {
          const a = await subject.acquire(pool);
          const waiting = subject.acquire(pool);
          await sleep(20);
          subject.release(pool, other);
          subject.release(pool, await waiting);
          subject.release(pool, a);
        });
        expectViolations(name, 'nested_checkout', 1);
      } finally {
        await subject.close(pool);
      }
    });
  }

  it('pg: a task holding a lease whose next checkout waits on a client connecting for another request is still reported', async () => {
    const name = 'nested-creating-pg';
    const pool = guardPool(new pg.Pool(pgConfig({ max: 2 })), { name });
    const slow = pool as unknown as { Client: typeof pg.Client };
    // Each new client connects CREATE_MS late: the other request's waits on it.
    const Client = slow.Client;
    slow.Client = class extends Client {
      override connect(): Promise<pg.Client>;
      override connect(callback: (err: Error) => void): void;
      override connect(callback?: (err: Error) => void): Promise<pg.Client> | void {
        const connecting = sleep(CREATE_MS).then(() => super.connect());
        if (callback === undefined) return connecting;
        connecting.then(() => callback(undefined as unknown as Error), callback);
      }
    };
    try {
      await runInTask(async () => {
        const a = await pool.connect(); // connects CREATE_MS late
        // Another request: the second client, connecting for it, which it releases at once.
        const other = runInTask(async () => (await pool.connect()).release());
        await sleep(10);
        const waiting = pool.connect(); // the pool is full: a waits for a release
        await other;
        (await waiting).release();
        a.release();
      });
      expectViolations(name, 'nested_checkout', 1);
    } finally {
      await pool.end();
    }
  });
});
