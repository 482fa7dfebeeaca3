/*
 * Modes and levels on a real pg pool: throw mode throws PoolGuardError with
 * the kind's code at the misuse and never on clean traffic; per-detector
 * levels override the mode; report mode never throws into the app, not even
 * when onViolation throws; invalid configuration fails fast naming the option.
 */
import assert from 'node:assert/strict';
import { SeverityNumber } from '@opentelemetry/api-logs';
import genericPool from 'generic-pool';
import { Pool as TarnPool } from 'tarn';
import { adoptLease, guardPool, PoolGuardConfigError, PoolGuardError, runInTask, type GuardPoolOptions, type Violation } from '../src';
import { resetTelemetry, setupTelemetry } from './helpers/otel';
import { cb, getConnection, query, withGuardedMysqlPool } from './helpers/mysql';
import { newPool } from './helpers/pg';
import { endPool, expectSilent, expectViolations, poolViolations, usedByAnotherTask } from './helpers/violations';
import { runFixture } from './helpers/processes';

function isPoolGuardError(code: string, kind: string) {
  return (err: unknown) => {
    assert.ok(err instanceof PoolGuardError, `expected a PoolGuardError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.equal(err.name, 'PoolGuardError');
    assert.equal(err.violation.kind, kind);
    assert.equal(err.message, err.violation.message);
    assert.match(err.message, new RegExp(`docs/violations/${kind}\\.md$`));
    return true;
  };
}

describe('modes', () => {
  before(() => setupTelemetry());
  beforeEach(() => resetTelemetry());

  describe('throw mode', () => {
    it('throws POOLGUARD_USE_AFTER_RELEASE at the query, and logs at ERROR', async () => {
      const name = 'mode-throw-uar';
      const pool = guardPool(newPool(), { name, mode: 'throw' });
      try {
        const client = await pool.connect();
        await client.query('SELECT 1');
        client.release();
        await assert.rejects(async () => client.query('SELECT 1'), isPoolGuardError('POOLGUARD_USE_AFTER_RELEASE', 'use_after_release'));
        const [record] = expectViolations(name, 'use_after_release', 1);
        assert.equal(record!.severityNumber, SeverityNumber.ERROR);
        assert.equal(pool.idleCount, 1);
      } finally {
        await endPool(pool);
      }
    });

    it('throws POOLGUARD_DOUBLE_RELEASE in place of pg\'s error, which it keeps as its cause', async () => {
      const name = 'mode-throw-dr';
      const pool = guardPool(newPool(), { name, mode: 'throw' });
      try {
        const client = await pool.connect();
        client.release();
        assert.throws(() => client.release(), isPoolGuardError('POOLGUARD_DOUBLE_RELEASE', 'double_release'));
        assert.throws(() => client.release(), (err: unknown) => {
          assert.match(String((err as { cause?: Error }).cause?.message), /Release called on client which has already been released to the pool/);
          return true;
        });
        assert.equal(pool.idleCount, 1, 'the pool took the client back once');
        expectViolations(name, 'double_release', 2);
      } finally {
        await endPool(pool);
      }
    });

    it('throws POOLGUARD_DIRTY_RELEASE after the release went through', async () => {
      const name = 'mode-throw-dirty';
      const pool = guardPool(newPool(), { name, mode: 'throw' });
      try {
        const client = await pool.connect();
        await client.query('BEGIN');
        assert.throws(() => client.release(), isPoolGuardError('POOLGUARD_DIRTY_RELEASE', 'dirty_release'));
        assert.equal(pool.idleCount, 1, 'throw mode never strands a connection');
        await pool.query('ROLLBACK');
      } finally {
        await endPool(pool);
      }
    });

    it('throws POOLGUARD_CROSS_TASK_USE and POOLGUARD_TRANSACTION_ON_POOL, POOLGUARD_USE_AFTER_END', async () => {
      const name = 'mode-throw-more';
      const pool = guardPool(newPool(), { name, mode: 'throw' });
      await usedByAnotherTask(pool, (client) => assert.rejects(client.query('SELECT 1'), isPoolGuardError('POOLGUARD_CROSS_TASK_USE', 'cross_task_use')));
      await assert.rejects(async () => pool.query('BEGIN'), isPoolGuardError('POOLGUARD_TRANSACTION_ON_POOL', 'transaction_on_pool'));
      await pool.end();
      await assert.rejects(async () => pool.connect(), isPoolGuardError('POOLGUARD_USE_AFTER_END', 'use_after_end'));
      assert.deepEqual(poolViolations(name).map((r) => r.attributes['poolguard.violation.kind']),
        ['cross_task_use', 'transaction_on_pool', 'use_after_end']);
    });

    it('refuses every cross-task use: each try of another task, and each from no known task, also after a known one', async () => {
      const name = 'mode-throw-every-use';
      const pool = guardPool(newPool(), { name, mode: 'throw' });
      try {
        const refused = isPoolGuardError('POOLGUARD_CROSS_TASK_USE', 'cross_task_use');
        const client = await runInTask(() => pool.connect());
        // The mocha test body runs in no task.
        await assert.rejects(async () => client.query('SELECT 1'), refused);
        await runInTask(async () => {
          await assert.rejects(async () => client.query('SELECT 1'), refused);
          await assert.rejects(async () => client.query('SELECT 1'), refused, 'a second try by the same task is refused too');
        });
        await assert.rejects(async () => client.query('SELECT 1'), refused, 'no known task, after a known task was refused');
        await runInTask(async () => {
          adoptLease(client);
          await client.query('SELECT 1');
          client.release();
        });
      } finally {
        await endPool(pool);
      }
    });

    it('throws POOLGUARD_CROSS_TASK_USE for a use from no known task of a lease with a known owner', async () => {
      const name = 'mode-throw-unknown-current';
      const pool = guardPool(newPool(), { name, mode: 'throw' });
      try {
        const client = await runInTask(() => pool.connect());
        // The mocha test body runs in no task: report mode counts this, throw mode throws.
        await assert.rejects(async () => client.query('SELECT 1'), isPoolGuardError('POOLGUARD_CROSS_TASK_USE', 'cross_task_use'));
        await runInTask(async () => {
          adoptLease(client);
          await client.query('SELECT 1');
          client.release();
        });
        expectViolations(name, 'cross_task_use', 1);
      } finally {
        await endPool(pool);
      }
    });

    it('delivers an error found before the driver ran as pg delivers its own: a rejected promise, or the callback', async () => {
      const name = 'mode-throw-delivery';
      const pool = guardPool(newPool(), { name, mode: 'throw' });
      try {
        const client = await pool.connect();
        client.release();
        const uar = isPoolGuardError('POOLGUARD_USE_AFTER_RELEASE', 'use_after_release');
        // The call returns a rejected promise rather than throwing: .catch() and Promise.all see it.
        const pending = client.query('SELECT 1');
        assert.ok(pending instanceof Promise);
        await assert.rejects(pending, uar);
        await assert.rejects(Promise.all([client.query('SELECT 1')]), uar);
        const viaCallback = await new Promise<unknown>((resolve) => {
          const returned = client.query('SELECT 1', (err: Error) => resolve(err));
          assert.equal(returned, undefined);
        });
        uar(viaCallback);
        const viaConfigCallback = await new Promise<unknown>((resolve) => {
          const returned = client.query({ text: 'SELECT 1', callback: (err: Error) => resolve(err) } as unknown as string);
          assert.equal(returned, undefined, 'pg returns nothing for a config that carries its callback');
        });
        uar(viaConfigCallback);
        await pool.end();
        const ended = isPoolGuardError('POOLGUARD_USE_AFTER_END', 'use_after_end');
        await assert.rejects(pool.connect(), ended);
        ended(await new Promise<unknown>((resolve) => pool.connect((err) => resolve(err))));
        await assert.rejects(pool.query('SELECT 1'), ended);
        ended(await new Promise<unknown>((resolve) => pool.query('SELECT 1', (err: Error) => resolve(err))));
        // A second end() (a shutdown that runs on two signals): rejected or called back, never thrown past .catch().
        const again = pool.end();
        assert.ok(again instanceof Promise);
        await assert.rejects(again, ended);
        ended(await new Promise<unknown>((resolve) => pool.end((err?: Error) => resolve(err))));
      } finally {
        await endPool(pool);
      }
    });

    it('a second drain() of generic-pool and destroy() of tarn reject with use_after_end, as their own failures do', async () => {
      const generic = guardPool(genericPool.createPool({ create: async () => ({}), destroy: async () => undefined }, { max: 1 }), { name: 'mode-throw-drain', mode: 'throw' });
      await generic.drain();
      await generic.clear();
      const drained = generic.drain();
      assert.ok(drained instanceof Promise);
      await assert.rejects(drained, isPoolGuardError('POOLGUARD_USE_AFTER_END', 'use_after_end'));
      const tarn = guardPool(new TarnPool({ create: (done: (err: Error | null, r: object) => void) => done(null, {}), destroy: () => undefined, min: 0, max: 1 }), { name: 'mode-throw-destroy', mode: 'throw' });
      await tarn.destroy();
      await assert.rejects(Promise.resolve().then(() => tarn.destroy()), isPoolGuardError('POOLGUARD_USE_AFTER_END', 'use_after_end'));
      const destroyed = tarn.destroy();
      assert.ok(destroyed instanceof Promise, 'a rejected promise, not a throw');
      await destroyed.catch(() => undefined);
    });

    it('a ROLLBACK after Promise.all rejected on a refused sibling is reported, not refused: the next borrower gets no open transaction', async () => {
      const name = 'mode-throw-rollback';
      const pool = guardPool(newPool({ max: 1 }), { name, mode: 'throw' });
      try {
        const client = await pool.connect();
        let refused: unknown;
        try {
          await client.query('BEGIN');
          await Promise.all([client.query('SELECT pg_sleep(0.05)'), client.query('SELECT 2')]);
          await client.query('COMMIT');
        } catch (err) {
          refused = err;
          await client.query('ROLLBACK');
        } finally {
          client.release();
        }
        assert.equal((refused as PoolGuardError).code, 'POOLGUARD_CONCURRENT_QUERY');
        // The sibling and the ROLLBACK were both sent while the sleep ran: two reports, one refusal.
        expectViolations(name, 'concurrent_query', 2);
        const next = await pool.connect();
        assert.equal(next.getTransactionStatus?.(), 'I', 'the ROLLBACK ran: no transaction for the next borrower');
        next.release();
        assert.deepEqual(poolViolations(name).map((r) => r.attributes['poolguard.violation.kind']), ['concurrent_query', 'concurrent_query']);
      } finally {
        await endPool(pool);
      }
    });

    it('mysql2: a rollback() after a refused sibling statement runs, so the next borrower gets no open transaction', () => withGuardedMysqlPool('mode-throw-rollback-mysql', { mode: 'throw' }, { connectionLimit: 1 }, async (pool) => {
      const connection = await getConnection(pool);
      await cb((done) => connection.beginTransaction(done as never));
      const sleeping = query(connection, 'SELECT SLEEP(0.05)');
      await assert.rejects(query(connection, 'SELECT 2'), { code: 'POOLGUARD_CONCURRENT_QUERY' });
      await cb((done) => connection.rollback(done as never));
      await sleeping;
      connection.release();
      const next = await getConnection(pool);
      const [row] = await query<{ open: number }[]>(next, 'SELECT @@in_transaction AS open');
      assert.equal(Number(row!.open), 0);
      next.release();
    }));

    it('does not throw on clean traffic, in tasks and outside them', async () => {
      const name = 'mode-throw-clean';
      const pool = guardPool(newPool({ max: 2 }), { name, mode: 'throw' });
      try {
        await Promise.all(Array.from({ length: 8 }, (_, i) => runInTask(async () => {
          const client = await pool.connect();
          try {
            await client.query('BEGIN');
            await client.query('SELECT $1::int', [i]);
            await client.query('COMMIT');
          } finally {
            client.release();
          }
          await pool.query('SELECT 1');
        })));
        const client = await pool.connect();
        await client.query('SELECT 1');
        client.release();
        expectSilent(name);
      } finally {
        await endPool(pool);
      }
    });
  });

  describe('per-detector levels', () => {
    it('detectors: { concurrent_query: "off" } silences that kind only', async () => {
      const name = 'mode-off';
      const pool = guardPool(newPool(), { name, detectors: { concurrent_query: 'off' } });
      try {
        const client = await pool.connect();
        await Promise.all([client.query('SELECT 1'), client.query('SELECT 2')]);
        client.release();
        expectSilent(name);
        await client.query('SELECT 1');
        expectViolations(name, 'use_after_release', 1);
      } finally {
        await endPool(pool);
      }
    });

    it('a use from no known task follows cross_task_use\'s own level, not the mode', async () => {
      for (const [label, options, thrown] of [
        ['report mode, cross_task_use "throw"', { detectors: { cross_task_use: 'throw' } }, true],
        ['throw mode, cross_task_use "report"', { mode: 'throw', detectors: { cross_task_use: 'report' } }, false],
      ] as const) {
        const name = `mode-unknown-current-${thrown}`;
        const pool = guardPool(newPool(), { name, ...options } as GuardPoolOptions);
        try {
          const client = await runInTask(() => pool.connect());
          // The mocha test body runs in no task.
          const outcome = await client.query('SELECT 1').then(() => 'ran', (err: PoolGuardError) => err.code);
          assert.equal(outcome, thrown ? 'POOLGUARD_CROSS_TASK_USE' : 'ran', label);
          await runInTask(async () => {
            adoptLease(client);
            client.release();
          });
          assert.equal(poolViolations(name).length, thrown ? 1 : 0, label);
        } finally {
          await endPool(pool);
        }
      }
    });

    it('detectors: { use_after_release: "throw" } in report mode throws only that kind', async () => {
      const name = 'mode-one-throw';
      const pool = guardPool(newPool(), { name, detectors: { use_after_release: 'throw' } });
      try {
        const client = await pool.connect();
        await Promise.all([client.query('SELECT 1'), client.query('SELECT 2')]); // reported, not thrown
        client.release();
        await assert.rejects(async () => client.query('SELECT 1'), isPoolGuardError('POOLGUARD_USE_AFTER_RELEASE', 'use_after_release'));
        assert.throws(() => client.release(), /already been released/); // pg's error, not poolguard's
        const kinds = poolViolations(name).map((r) => [r.attributes['poolguard.violation.kind'], r.severityNumber]);
        assert.deepEqual(kinds, [
          ['concurrent_query', SeverityNumber.WARN],
          ['use_after_release', SeverityNumber.ERROR],
          ['double_release', SeverityNumber.WARN],
        ]);
      } finally {
        await endPool(pool);
      }
    });

    it('detectors: { use_after_release: "report" } in throw mode reports without throwing', async () => {
      const name = 'mode-one-report';
      const pool = guardPool(newPool(), { name, mode: 'throw', detectors: { use_after_release: 'report' } });
      try {
        const client = await pool.connect();
        client.release();
        await client.query('SELECT 1'); // through the stale lease handle: reported, not thrown
        expectViolations(name, 'use_after_release', 1);
      } finally {
        await endPool(pool);
      }
    });
  });

  describe('report mode never throws into the app', () => {
    it('an onViolation hook that throws: the app gets its results, the violation is still exported', async () => {
      const name = 'mode-hook-throws';
      const seen: Violation[] = [];
      const pool = guardPool(newPool(), {
        name,
        onViolation: (v) => {
          seen.push(v);
          throw new Error('hook failure');
        },
      });
      try {
        const client = await pool.connect();
        const [a, b] = await Promise.all([client.query('SELECT 1 AS v'), client.query('SELECT 2 AS v')]);
        assert.deepEqual([a.rows[0].v, b.rows[0].v], [1, 2]);
        client.release();
        const res = await client.query('SELECT 3 AS v');
        assert.equal(res.rows[0].v, 3);
        assert.deepEqual(seen.map((v) => v.kind), ['concurrent_query', 'use_after_release']);
        assert.equal(poolViolations(name, 'concurrent_query').length, 1);
        assert.equal(poolViolations(name, 'use_after_release').length, 1);
      } finally {
        await endPool(pool);
      }
    });
    it('an async onViolation hook that rejects: no unhandled rejection reaches the process', async () => {
      const name = 'mode-hook-rejects';
      const seen: string[] = [];
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.prependListener('unhandledRejection', onUnhandled);
      const pool = guardPool(newPool(), {
        name,
        onViolation: async (v) => {
          seen.push(v.kind);
          await Promise.resolve();
          throw new Error('async hook failure');
        },
      });
      try {
        const client = await pool.connect();
        client.release();
        const res = await client.query('SELECT 3 AS v');
        assert.equal(res.rows[0].v, 3);
        await new Promise((resolve) => setImmediate(resolve));
        await new Promise((resolve) => setImmediate(resolve));
        assert.deepEqual(seen, ['use_after_release']);
        assert.deepEqual(unhandled, []);
        expectViolations(name, 'use_after_release', 1);
      } finally {
        process.removeListener('unhandledRejection', onUnhandled);
        await endPool(pool);
      }
    });
  });

  describe('an onViolation hook that uses the pool it watches', () => {
    it('a violation the hook causes while it runs is exported but calls no hook again', async () => {
      const name = 'mode-hook-reentry';
      const calls: string[] = [];
      const pool: ReturnType<typeof newPool> = guardPool(newPool({ max: 1 }), {
        name,
        onViolation: (v) => {
          calls.push(v.kind);
          // Records the violation through the same pool: from the task that holds its only client, a nested_checkout.
          pool.query('SELECT 1').catch(() => undefined);
        },
      });
      try {
        await runInTask(async () => {
          const held = await pool.connect();
          const second = pool.connect(); // nested_checkout: the hook runs, and its pool.query is another
          held.release();
          (await second).release();
        });
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.deepEqual(calls, ['nested_checkout'], 'the hook ran once');
        expectViolations(name, 'nested_checkout', 2);
      } finally {
        await endPool(pool);
      }
    });
  });

  describe('an async onViolation hook that misuses the pool after its first await', () => {
    it('under an OTel context manager, what it causes from its continuations is exported but calls no hook again', async () => {
      const name = 'mode-async-hook-reentry';
      let calls = 0;
      const pool: ReturnType<typeof newPool> = guardPool(newPool({ max: 1 }), {
        name,
        onViolation: async () => {
          if (++calls > 20) return;
          await new Promise((resolve) => setImmediate(resolve));
          await pool.query('SELECT 1').catch(() => undefined); // after end(): use_after_end again
        },
      });
      await pool.query('SELECT 1');
      await pool.end();
      await pool.query('SELECT 1').catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(calls, 1, 'the hook ran once');
      expectViolations(name, 'use_after_end', 2, { leaseId: null });
    });

    it('with no context manager, it is not called again for the same kind on the same lease or pool until its call settles', async () => {
      const [dump] = await runFixture('async-hook-no-context.js');
      assert.equal(dump.releaseCalls, 1, 'a double release the hook repeats: one call');
      assert.equal(dump.endCalls, 2, 'a use after end the hook repeats: one call, and one for the app\'s next, after it settled');
    });
  });

  describe('the stack of a PoolGuardError', () => {
    it('starts at the app\'s call, with as many of the app\'s frames as Error.stackTraceLimit says (the built package, in a fresh process)', async () => {
      const [dump] = await runFixture('error-stack.js');
      assert.equal(dump.code, 'POOLGUARD_USE_AFTER_RELEASE');
      assert.match(String(dump.header), /^PoolGuardError: poolguard use_after_release/);
      const frames = dump.frames as string[];
      assert.equal(dump.ownFrames, 0, `none of poolguard's own frames: ${frames.join('\n')}`);
      assert.match(frames[0]!, /error-stack\.js/, `the first frame is the app's: ${frames[0]}`);
      assert.equal(frames.length, dump.limit, 'the app keeps its frames');
      assert.equal(dump.unlimitedOwnFrames, 0, 'with Error.stackTraceLimit = Infinity too');
      assert.match(String(dump.unlimitedFirst), /error-stack\.js/);
    });
  });

  describe('the onViolation hook gets its own copy', () => {
    it('what the hook changes (a redacted message, another kind) is not what throw mode throws', async () => {
      const name = 'mode-hook-copy';
      const pool = guardPool(newPool(), {
        name,
        mode: 'throw',
        onViolation: (v) => {
          (v as { kind: string }).kind = 'redacted';
          (v as { message: string }).message = 'redacted';
        },
      });
      try {
        const client = await pool.connect();
        client.release();
        await assert.rejects(client.query('SELECT 1'), (err: PoolGuardError) => {
          assert.equal(err.code, 'POOLGUARD_USE_AFTER_RELEASE');
          assert.equal(err.violation.kind, 'use_after_release');
          assert.match(err.message, /use_after_release/);
          return true;
        });
      } finally {
        await endPool(pool);
      }
    });
  });

  describe('invalid configuration fails fast, naming the option', () => {
    const cases: [string, GuardPoolOptions, RegExp][] = [
      ['mode', { mode: 'loud' as 'report' }, /`mode`.*"loud"/],
      ['leakThresholdMs', { leakThresholdMs: -1 }, /`leakThresholdMs`.*-1/],
      ['detectors', { detectors: { nope: 'report' } as GuardPoolOptions['detectors'] }, /`detectors\.nope`.*unknown violation kind/],
      ['detector level', { detectors: { leak: 'loud' as 'off' } }, /`detectors\.leak`.*"loud"/],
      ['stackSampleRate', { stackSampleRate: 2 }, /`stackSampleRate`.*2/],
      ['onViolation', { onViolation: 'log' as unknown as () => void }, /`onViolation`/],
      ['leaseHandles', { leaseHandles: 'yes' as unknown as boolean }, /`leaseHandles`/],
      ['misspelt option', { leakThreshold: 100 } as GuardPoolOptions, /`leakThreshold`: unknown option; did you mean `leakThresholdMs`\?/],
      ['unknown option', { verbose: true } as GuardPoolOptions, /`verbose`: unknown option$/],
      ['leakThresholdMs (NaN)', { leakThresholdMs: Number.NaN }, /`leakThresholdMs`.*got NaN$/],
      ['checkServerLimit without poolMetrics', { checkServerLimit: true, poolMetrics: false }, /`checkServerLimit`: .*`poolMetrics` is false$/],
      ['enabled (an instrumentation option)', { enabled: false } as GuardPoolOptions, /`enabled`: an instrumentation option/],
      ['detectors (an array)', { detectors: [] as unknown as GuardPoolOptions['detectors'] }, /`detectors`: expected an object/],
      ['misspelt option (closest by length)', { stacks: true } as GuardPoolOptions, /`stacks`: unknown option; did you mean `captureStacks`\?/],
      ['adapter field', { adapter: { library: 'tiny', acquire: ['connect'], relase: ['end'] } } as unknown as GuardPoolOptions, /`adapter\.relase`: unknown option; did you mean `adapter\.release`\?/],
    ];
    it('rejects options that are not an object, naming them', async () => {
      const pool = newPool();
      try {
        assert.throws(() => guardPool(pool, null as unknown as GuardPoolOptions), (err: unknown) => err instanceof PoolGuardConfigError && /`options`: expected an object of options, got null/.test(err.message));
        assert.equal(Object.prototype.hasOwnProperty.call(pool, 'connect'), false);
      } finally {
        await endPool(pool);
      }
    });

    for (const [label, options, message] of cases) {
      it(`rejects an invalid ${label}`, async () => {
        const pool = newPool();
        try {
          assert.throws(() => guardPool(pool, { name: `mode-invalid-${label}`, ...options }), (err: unknown) => {
            assert.ok(err instanceof PoolGuardConfigError);
            assert.match((err as Error).message, message);
            return true;
          });
          // Nothing was installed: the pool is plain pg.
          assert.equal(Object.prototype.hasOwnProperty.call(pool, 'connect'), false);
        } finally {
          await endPool(pool);
        }
      });
    }
  });
});
