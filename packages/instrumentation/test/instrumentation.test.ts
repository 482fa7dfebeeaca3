/*
 * Registration through module hooks, in fresh processes: PoolGuardInstrumentation
 * guards every pg pool created after registration, alone and together with
 * @opentelemetry/instrumentation-pg in both load orders, and query results
 * stay unchanged.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const FIXTURES = join(__dirname, 'fixtures');

interface Dump {
  violations: { kind: string; pool: string }[];
  metricNames: string[];
  spanNames: string[];
  spanEvents: string[];
  results: number[];
  metricsWhileOpen: string[];
  scopesWhileOpen: Record<string, string[]>;
}

async function runApp(order: string): Promise<Dump> {
  const { stdout } = await run(process.execPath, [join(FIXTURES, 'registered-app.js'), order], { timeout: 30_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Dump;
}

describe('PoolGuardInstrumentation registration', () => {
  it('guardPool() on a pool the hook guarded, or on its facade, applies its options; a pool guarded by hand takes the registered config', async () => {
    const { stdout } = await run(process.execPath, [join(FIXTURES, 'registered-guard-pool.js')], { timeout: 30_000 });
    const { seen } = JSON.parse(stdout.trim().split('\n').pop()!) as { seen: { kind: string; pool: string }[] };
    assert.deepEqual(seen, [
      { kind: 'leak', pool: 'orders' },
      { kind: 'leak', pool: 'orders-mysql' },
      { kind: 'leak', pool: 'orders-knex' },
      { kind: 'use_after_release', pool: 'list' },
    ]);
  });

  it('with taskTracking "auto", requests are tasks from the first one after the app\'s SDK registers a context manager', async () => {
    const { stdout } = await run(process.execPath, [join(FIXTURES, 'late-sdk-http.js')], { timeout: 30_000 });
    const { seen } = JSON.parse(stdout.trim().split('\n').pop()!) as { seen: string[] };
    assert.deepEqual(seen, ['cross_task_use', 'cross_task_use']);
  });

  it('an SDK registered after the OTel API\'s globals object was deleted (a test suite\'s reset) is seen from the next checkout, as the first was', async () => {
    const { stdout } = await run(process.execPath, [join(FIXTURES, 'otel-globals-reset.js')], { timeout: 30_000 });
    assert.deepEqual(JSON.parse(stdout.trim().split('\n').pop()!), { seen: [['cross_task_use'], ['cross_task_use']] });
  });

  it('disable() unguards the pools its hook guarded, keeps those the app passed to guardPool(), and guards no new pool; enable() guards them again, and those created meanwhile', async () => {
    const { stdout } = await run(process.execPath, [join(FIXTURES, 'disable-app.js')], { timeout: 30_000 });
    const { seen, wrapped, enabled } = JSON.parse(stdout.trim().split('\n').pop()!) as { seen: string[]; wrapped: boolean[]; enabled: string[] };
    assert.deepEqual(seen, ['by-hand'], 'only the pool guarded by hand still reports');
    assert.deepEqual(wrapped, [false, true, false], 'hooked pool unwrapped, hand-guarded kept, later pool plain');
    assert.equal(enabled.length, 3, `after enable(), the hooked pool, the pool created while disabled and a new pool report: ${enabled.join(', ')}`);
  });

  it('two instrumentations: the first created guards new pools; disabled, it leaves its pools and the new ones to the other', async () => {
    const { stdout } = await run(process.execPath, [join(FIXTURES, 'two-instrumentations.js')], { timeout: 30_000 });
    assert.deepEqual(JSON.parse(stdout.trim().split('\n').pop()!), {
      seen: ['first:double_release', 'second:double_release', 'second:double_release'],
      // pg's own error in report mode; the second's PoolGuardError in throw mode.
      thrown: ['Error', 'PoolGuardError', 'PoolGuardError'],
    });
  });

  it('knex\'s pool is named after its connection config before any query; its own one-statement leases are not held (no nested_checkout)', async () => {
    const { stdout } = await run(process.execPath, [join(FIXTURES, 'knex-runner-app.js')], { timeout: 30_000 });
    assert.deepEqual(JSON.parse(stdout.trim().split('\n').pop()!), { seen: [], errors: [], nameBeforeQueries: '127.0.0.1:5432/test' });
  });

  it('guards the pools of a mysql2 PoolCluster, which it builds with new Pool(), not createPool()', async () => {
    const { stdout } = await run(process.execPath, [join(FIXTURES, 'mysql2-cluster-app.js')], { timeout: 30_000 });
    assert.deepEqual(JSON.parse(stdout.trim().split('\n').pop()!), { seen: [{ kind: 'double_release', pool: '127.0.0.1:3306/test' }] });
  });

  it('a mysql2 PoolCluster namespace\'s query()/execute() lease is the pool\'s own, as pool.query\'s: no nested_checkout, no leak, and BEGIN through it is transaction_on_pool', async () => {
    const { stdout } = await run(process.execPath, [join(FIXTURES, 'mysql2-cluster-statements.js')], { timeout: 30_000 });
    const { seen } = JSON.parse(stdout.trim().split('\n').pop()!) as { seen: { label: string; kinds: string[] }[] };
    for (const { label, kinds } of seen) {
      assert.deepEqual(kinds, label.endsWith('START TRANSACTION') ? ['transaction_on_pool'] : [], label);
    }
    assert.equal(seen.length, 9);
  });

  it('mysql2 PoolCluster, throw mode: a refused checkout reaches the app at once, is not retried, and never takes the node out of the cluster', async () => {
    const { stdout } = await run(process.execPath, [join(FIXTURES, 'mysql2-cluster-throw.js')], { timeout: 30_000 });
    assert.deepEqual(JSON.parse(stdout.trim().split('\n').pop()!), {
      nested: Array(6).fill('POOLGUARD_NESTED_CHECKOUT'),
      begin: 'POOLGUARD_TRANSACTION_ON_POOL',
      open: 0,
      after: 'ran',
      removed: [],
      kinds: [...Array(6).fill('nested_checkout'), 'transaction_on_pool'],
    });
  });

  for (const guarded of ['instrumentation', 'by-hand'] as const) {
    it(`mysql2/promise: a stale wrapper's statement and release, after the core connection was lent again, are use_after_release and foreign_release (not passed on), with no task identity (${guarded === 'by-hand' ? 'guardPool() alone, no module hook' : 'the registered instrumentation'})`, async () => {
      const { stdout } = await run(process.execPath, [join(FIXTURES, 'mysql2-promise-stale.js'), guarded], { timeout: 30_000 });
      assert.deepEqual(JSON.parse(stdout.trim().split('\n').pop()!), {
        sameCore: true,
        staleQuery: 2,
        freeAfterStale: 0,
        one: 1,
        freeAfterHolder: 1,
        kinds: ['use_after_release', 'foreign_release', 'double_release'],
      });
    });
  }

  it('setConfig() reaches the pools guarded by hand with the registered config as defaults; what guardPool() named, poolMetrics and checkServerLimit stay', async () => {
    const { stdout } = await run(process.execPath, [join(FIXTURES, 'set-config-by-hand.js')], { timeout: 30_000 });
    assert.deepEqual(JSON.parse(stdout.trim().split('\n').pop()!), {
      error: null,
      outcomes: ['POOLGUARD_USE_AFTER_RELEASE', 'POOLGUARD_USE_AFTER_RELEASE', 'ran'],
    });
  });

  it('setConfig() reaches the pools the hook guarded already, keeps what guardPool() named, and the constructor refuses per-pool options', async () => {
    const { stdout } = await run(process.execPath, [join(FIXTURES, 'set-config-app.js')], { timeout: 30_000 });
    const { refused, outcomes, seen } = JSON.parse(stdout.trim().split('\n').pop()!) as { refused: string[]; outcomes: string[]; seen: string[] };
    assert.equal(refused.length, 2);
    assert.match(refused[0]!, /`name`: a guardPool\(\) option/);
    assert.match(refused[1]!, /`adapter`: a guardPool\(\) option/);
    assert.deepEqual(outcomes, ['POOLGUARD_USE_AFTER_RELEASE', 'ran'], 'the hooked pool throws now; the pool guarded by hand keeps its report level');
    assert.deepEqual(seen, ['127.0.0.1:5432/test', 'by-hand'], 'both pools call the new hook');
  });

  it('a pool guarded before the app\'s SDK started exports its metrics from the first checkout after, not the next sweep tick', async () => {
    const { stdout } = await run(process.execPath, [join(FIXTURES, 'late-sdk-metrics.js')], { timeout: 30_000 });
    const { names } = JSON.parse(stdout.trim().split('\n').pop()!) as { names: string[] };
    for (const name of ['count', 'max', 'pending_requests', 'wait_time', 'use_time', 'create_time']) {
      assert.ok(names.includes(`db.client.connection.${name}`), `${name} in ${names.join(', ')}`);
    }
  });

  it('a MeterProvider handed to the instrumentation after its pools exist takes them at once: a held lease counted, the next one timed', async () => {
    const { stdout } = await run(process.execPath, [join(FIXTURES, 'late-meter-provider.js')], { timeout: 30_000 });
    assert.deepEqual(JSON.parse(stdout.trim().split('\n').pop()!), { used: [1], waitTimes: [1], useTimes: [1] });
  });

  it('guards a pg pool created after registerInstrumentations()', async () => {
    const dump = await runApp('guard-only');
    assert.deepEqual(dump.results, [42, 7]);
    assert.deepEqual(dump.violations, [{ kind: 'use_after_release', pool: '127.0.0.1:5432/test' }]);
    assert.ok(dump.metricNames.includes('poolguard.violations'));
    for (const name of ['db.client.connection.count', 'db.client.connection.max', 'db.client.connection.pending_requests', 'db.client.connection.wait_time', 'db.client.connection.use_time']) {
      assert.ok(dump.metricsWhileOpen.includes(name), `${name} in ${dump.metricsWhileOpen.join(', ')}`);
    }
    assert.ok(dump.spanEvents.includes('poolguard.violation'));
  });

  for (const order of ['pg-first', 'guard-first']) {
    it(`coexists with instrumentation-pg (${order})`, async () => {
      const dump = await runApp(order);
      assert.deepEqual(dump.results, [42, 7]);
      assert.deepEqual(dump.violations.map((v) => v.kind), ['use_after_release']);
      assert.ok(dump.spanNames.includes('pg-pool.connect'), `instrumentation-pg spans: ${dump.spanNames.join(', ')}`);
      assert.ok(dump.spanNames.some((n) => n.startsWith('pg.query')), `instrumentation-pg spans: ${dump.spanNames.join(', ')}`);
      assert.ok(dump.metricNames.includes('db.client.operation.duration'));
      assert.ok(dump.metricNames.includes('poolguard.violations'));
      // poolMetrics 'auto': count and pending requests come from instrumentation-pg only, the rest from poolguard.
      const guardMetrics = dump.scopesWhileOpen['@poolguard/instrumentation'] ?? [];
      const pgMetrics = dump.scopesWhileOpen['@opentelemetry/instrumentation-pg'] ?? [];
      assert.ok(pgMetrics.includes('db.client.connection.count'), pgMetrics.join(', '));
      assert.ok(!guardMetrics.includes('db.client.connection.count'), guardMetrics.join(', '));
      assert.ok(!guardMetrics.includes('db.client.connection.pending_requests'), guardMetrics.join(', '));
      assert.ok(guardMetrics.includes('db.client.connection.use_time'), guardMetrics.join(', '));
    });
  }

  for (const order of ['pg-first', 'guard-first']) {
    it(`with instrumentation-pg (${order}), the promise form of connect still claims each lease where pg-pool starts it`, async () => {
      const { stdout } = await run(process.execPath, [join(FIXTURES, 'instrumentation-pg-leases.js'), order], { timeout: 30_000 });
      const dump = JSON.parse(stdout.trim().split('\n').pop()!) as Dump & {
        seen: Record<string, unknown>;
        connectSpans: { parent: string | null; status: number }[];
      };
      // The holder's second release reached the waiter's lease: reported, not passed on.
      assert.equal(dump.seen.waitingBeforeRelease, 1);
      assert.equal(dump.seen.idleWhileWaiterHolds, 0, 'the waiter still held its lease');
      assert.equal(dump.seen.waiterResult, 5);
      assert.deepEqual(dump.violations.map((v) => v.kind), ['foreign_release', 'use_after_end']);
      // pg-pool's own errors reach the app unchanged, and the timeout is counted.
      assert.equal(dump.seen.timeoutError, 'timeout exceeded when trying to connect');
      assert.equal(dump.seen.afterEnd, 'Cannot use a pool after calling end on the pool');
      assert.ok((dump.seen.guardMetrics as string[]).includes('db.client.connection.timeouts'));
      assert.equal(dump.seen.answer, 42);
      // Every query has its instrumentation-pg span, callback forms included: 5, 42, 101–103 and 104.
      assert.deepEqual([dump.seen.callbackQueries, dump.seen.callbackApi], [[101, 102, 103], 104]);
      assert.equal(dump.spanNames.filter((name) => name.startsWith('pg.query')).length, 6, dump.spanNames.join(', '));
      // instrumentation-pg keeps its pg-pool.connect span per checkout, under the caller's span.
      assert.deepEqual(dump.connectSpans.map((s) => s.parent), ['request-a', 'request-b', 'holder', 'late', 'request-c', 'request-d', 'request-e', null]);
    });
  }
});
