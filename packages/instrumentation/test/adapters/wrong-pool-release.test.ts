/*
 * A connection given back to the wrong pool: two pools, one mix-up. The pool
 * that never lent it refuses it as its library does (generic-pool rejects,
 * tarn answers false), and the lease goes on in the pool that lent it, so its
 * holder's own release then frees it. poolguard must not end the lease on the
 * other pool's refusal: the holder's release would be taken for a stale one
 * and held back, stranding the connection.
 */
import assert from 'node:assert/strict';
import genericPool from 'generic-pool';
import { Pool as TarnPool } from 'tarn';
import { guardPool, runInTask } from '../../src';
import { resetTelemetry, setupTelemetry } from '../helpers/otel';
import { expectSilent } from '../helpers/violations';

interface Subject {
  make(name: string, mode: 'report' | 'throw', leaseHandles: boolean): object;
  acquire(pool: object): Promise<object>;
  /** Gives `resource` back; resolves to whether the pool took it. */
  release(pool: object, resource: object): Promise<boolean>;
  used(pool: object): number;
  close(pool: object): Promise<void>;
}

const resource = async () => ({ opened: Date.now() });

const subjects: Record<string, Subject> = {
  'generic-pool': {
    make: (name, mode, leaseHandles) => guardPool(genericPool.createPool({ create: resource, destroy: async () => undefined }, { max: 1 }), { name, mode, leaseHandles }),
    acquire: (pool) => (pool as genericPool.Pool<object>).acquire(),
    release: (pool, r) => (pool as genericPool.Pool<object>).release(r).then(() => true, () => false),
    used: (pool) => (pool as genericPool.Pool<object>).borrowed,
    close: async (pool) => {
      await (pool as genericPool.Pool<object>).drain();
      await (pool as genericPool.Pool<object>).clear();
    },
  },
  tarn: {
    make: (name, mode, leaseHandles) => guardPool(new TarnPool({ create: resource, destroy: () => undefined, min: 0, max: 1 }), { name, mode, leaseHandles }),
    acquire: (pool) => (pool as TarnPool<object>).acquire().promise,
    release: async (pool, r) => (pool as TarnPool<object>).release(r),
    used: (pool) => (pool as TarnPool<object>).numUsed(),
    close: (pool) => (pool as TarnPool<object>).destroy().then(() => undefined),
  },
};

describe('a connection given back to a pool that did not lend it', () => {
  before(() => setupTelemetry());
  beforeEach(() => resetTelemetry());

  for (const [lender, from] of [['generic-pool', 'tarn'], ['tarn', 'generic-pool'], ['generic-pool', 'generic-pool'], ['tarn', 'tarn']] as const) {
    for (const mode of ['report', 'throw'] as const) {
      for (const leaseHandles of [false, true]) {
        it(`${lender}'s connection given to a ${from} pool is refused there, and its holder's release to ${lender} frees it (${mode} mode${leaseHandles ? ', lease handles' : ''})`, async () => {
          const owner = `wrong-pool-owner-${lender}-${from}-${mode}-${leaseHandles}`;
          const other = `wrong-pool-other-${lender}-${from}-${mode}-${leaseHandles}`;
          const lending = subjects[lender]!.make(owner, mode, leaseHandles);
          const refusing = subjects[from]!.make(other, mode, leaseHandles);
          try {
            await runInTask(async () => {
              const r = await subjects[lender]!.acquire(lending);
              assert.equal(await subjects[from]!.release(refusing, r), false, `${from} refuses a connection it never lent`);
              assert.equal(subjects[lender]!.used(lending), 1, 'still lent');
              assert.equal(await subjects[lender]!.release(lending, r), true, 'the holder\'s release goes through');
            });
            assert.equal(subjects[lender]!.used(lending), 0, 'freed');
            expectSilent(owner);
            expectSilent(other);
          } finally {
            // A stranded connection would keep the lending pool's close waiting for ever: the test fails above.
            if (subjects[lender]!.used(lending) === 0) await subjects[lender]!.close(lending);
            await subjects[from]!.close(refusing);
          }
        });
      }
    }
  }
});
