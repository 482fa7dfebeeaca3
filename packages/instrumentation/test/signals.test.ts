/*
 * What poolguard exports, checked through the real OTel SDK: the Violation an
 * onViolation hook gets, the absence of SQL text, bind values and passwords
 * from every exported signal, the semantic-convention pool metrics, and
 * default pool names.
 */
import assert from 'node:assert/strict';
import { threadId } from 'node:worker_threads';
import type { Attributes } from '@opentelemetry/api';
import mysql from 'mysql2';
import pg from 'pg';
import { guardPool, runInTask, type Violation } from '../src';
import type { PgPoolLike } from '../src/adapters/pg';
import { pgEndpoint } from '../src/adapters/pg-endpoint';
import { poolStateOf } from '../src/guard';
import { collectMetric, finishedSpans, inSpan, resetTelemetry, setupTelemetry } from './helpers/otel';
import { newPool, pgConfig, sleep } from './helpers/pg';
import { endPool, expectViolations, gate, poolKinds, poolViolations, violationCount, waitFor } from './helpers/violations';

const DOCS = 'https://github.com/poolguard/poolguard/blob/main/docs/violations/';

describe('signals', () => {
  before(() => setupTelemetry());
  beforeEach(() => resetTelemetry());

  describe('onViolation', () => {
    it('gets the full Violation', async () => {
      const name = 'sig-violation';
      const seen: Violation[] = [];
      const pool = guardPool(newPool(), { name, onViolation: (v) => seen.push(v) });
      try {
        const client = await pool.connect();
        client.release();
        await client.query('SELECT 1');
        assert.equal(seen.length, 1);
        const v = seen[0]!;
        assert.equal(v.kind, 'use_after_release');
        assert.equal(v.poolName, name);
        assert.equal(typeof v.leaseId, 'number');
        assert.equal(v.pid, process.pid);
        assert.equal(v.threadId, threadId);
        assert.ok(v.message.endsWith(`${DOCS}use_after_release.md`), v.message);
        assert.ok(v.message.includes(name));
        assert.equal(typeof v.stack, 'string');
        assert.match(v.stack!.split('\n')[1]!, /signals\.test\.ts:\d+/, 'the stack starts at the app\'s call, not in poolguard');
        assert.equal(v.checkoutStack, undefined, 'no checkout stack unless captureStacks');
        // The exported record and the hook agree.
        const [record] = poolViolations(name, 'use_after_release');
        assert.equal(record!.body, v.message);
        assert.equal(record!.attributes['poolguard.lease.id'], v.leaseId);
      } finally {
        await endPool(pool);
      }
    });

    it('names the owner and the current trace for cross_task_use', async () => {
      const name = 'sig-owner';
      const seen: Violation[] = [];
      const pool = guardPool(newPool(), { name, onViolation: (v) => seen.push(v) });
      try {
        const handed = gate<pg.PoolClient>();
        const used = gate();
        let ownerIds = { traceId: '', spanId: '' };
        let currentTrace = '';
        const owner = inSpan('sig-owner-span', async (span) => {
          ownerIds = span.spanContext();
          const client = await pool.connect();
          handed.open(client);
          await used.promise;
          client.release();
        });
        await inSpan('sig-other-span', async (span) => {
          currentTrace = span.spanContext().traceId;
          await (await handed.promise).query('SELECT 1');
          used.open();
        });
        await owner;
        assert.deepEqual(seen.map((v) => v.kind), ['cross_task_use']);
        assert.equal(seen[0]!.ownerTraceId, ownerIds.traceId);
        assert.equal(seen[0]!.ownerSpanId, ownerIds.spanId);
        assert.equal(seen[0]!.currentTraceId, currentTrace);
        assert.ok(seen[0]!.message.endsWith(`${DOCS}cross_task_use.md`));
      } finally {
        await endPool(pool);
      }
    });

    it('with stacks on, code.stacktrace shows where the misuse happened, then where the lease was checked out', async () => {
      const name = 'sig-stacktrace';
      const pool = guardPool(newPool(), { name, captureStacks: true });
      try {
        const handed = gate<pg.PoolClient>();
        const used = gate();
        const owner = runInTask(async function checkOutHere() {
          const client = await pool.connect();
          handed.open(client);
          await used.promise;
          client.release();
        });
        await runInTask(async function misuseHere() {
          await (await handed.promise).query('SELECT 1');
          used.open();
        });
        await owner;
        const [record] = expectViolations(name, 'cross_task_use', 1);
        const stack = String(record!.attributes['code.stacktrace']);
        assert.match(stack, /misuseHere[\s\S]*checked out at:[\s\S]*checkOutHere/);
      } finally {
        await endPool(pool);
      }
    });

    it('with stacks on, a use after release shows the ended lease\'s checkout, and a release judged at a later ReadyForQuery shows the release', async () => {
      const name = 'sig-stacktrace-ended';
      const pool = guardPool(newPool({ max: 1 }), { name, captureStacks: true });
      try {
        const client = await (async function checkOutEnded() {
          return pool.connect();
        })();
        client.release();
        await (async function useAfterRelease() {
          await client.query('SELECT 1');
        })();
        const [uar] = expectViolations(name, 'use_after_release', 1);
        assert.match(String(uar!.attributes['code.stacktrace']), /useAfterRelease[\s\S]*checked out at:[\s\S]*checkOutEnded/);
        const again = await pool.connect();
        await again.query('BEGIN');
        const inFlight = again.query('SELECT pg_sleep(0.05)');
        (function releaseInFlight() {
          again.release();
        })();
        await inFlight.catch(() => undefined);
        await waitFor(() => poolViolations(name, 'dirty_release').length > 0, 2000, 'the dirty_release report');
        const [dirty] = poolViolations(name, 'dirty_release');
        assert.match(String(dirty!.attributes['code.stacktrace']), /^Error\n[^]*releaseInFlight/);
        await pool.query('ROLLBACK');
      } finally {
        await endPool(pool);
      }
    });

    it('every kind\'s message ends with its doc link', async () => {
      const name = 'sig-links';
      const seen: Violation[] = [];
      const pool = guardPool(newPool({ max: 1, connectionTimeoutMillis: 100 }), { name, onViolation: (v) => seen.push(v) });
      const client = await runInTask(() => pool.connect());
      await Promise.all([client.query('SELECT 1'), client.query('SELECT 1')]);
      // Not in a task: pool.query waits (it times out) without being a nested checkout.
      await assert.rejects(pool.query('BEGIN'), /timeout/);
      await client.query('BEGIN');
      client.release();
      assert.throws(() => client.release());
      await client.query('SELECT 1');
      await pool.end();
      await assert.rejects(pool.connect());
      assert.deepEqual(seen.map((v) => v.kind), ['concurrent_query', 'transaction_on_pool', 'dirty_release', 'double_release', 'use_after_release', 'use_after_end']);
      for (const v of seen) assert.ok(v.message.endsWith(`${DOCS}${v.kind}.md`), v.message);
    });
  });

  describe('a faulty log pipeline', () => {
    const API_GLOBALS = Symbol.for('opentelemetry.js.api.1');
    const apiGlobals = () => (globalThis as unknown as Record<symbol, Record<string, unknown>>)[API_GLOBALS]!;
    // A log processor or exporter that throws from emit (the SDK does not catch those), registered in
    // api 1.10's slot, which poolguard prefers to api-logs'.
    beforeEach(() => {
      apiGlobals().logs = { getLogger: () => ({ emit: () => { throw new Error('log pipeline broken'); } }) };
    });
    afterEach(() => {
      delete apiGlobals().logs;
    });

    for (const mode of ['report', 'throw'] as const) {
      it(`drops only the log event in ${mode} mode: the counter, the span event and onViolation still work`, async () => {
        const name = `sig-faulty-log-${mode}`;
        const seen: string[] = [];
        const pool = guardPool(newPool(), { name, mode, onViolation: (v) => seen.push(v.kind) });
        try {
          const client = await pool.connect();
          client.release();
          const outcome = await inSpan(`${name}-span`, async () => client.query('SELECT 1').then(() => 'ran', (err: { code?: string }) => err.code));
          assert.equal(outcome, mode === 'throw' ? 'POOLGUARD_USE_AFTER_RELEASE' : 'ran');
          assert.deepEqual(seen, ['use_after_release']);
          assert.equal(await violationCount(name, 'use_after_release'), 1);
          const span = finishedSpans().find((s) => s.name === `${name}-span`)!;
          assert.deepEqual(span.events.map((e) => e.name), ['poolguard.violation']);
          assert.deepEqual(poolViolations(name), [], 'the broken pipeline got nothing through');
        } finally {
          await endPool(pool);
        }
      });
    }
  });

  it('a MeterProvider that breaks after a pool was guarded costs its sweep ticks nothing but the metrics', async () => {
    const API_GLOBALS = Symbol.for('opentelemetry.js.api.1');
    const apiGlobals = (globalThis as unknown as Record<symbol, Record<string, unknown>>)[API_GLOBALS]!;
    const name = 'sig-meter-breaks-later';
    // A short threshold: the sweep ticks, and re-reads the MeterProvider, every few tens of ms.
    const pool = guardPool(newPool(), { name, leakThresholdMs: 200 });
    const registered = apiGlobals.metrics;
    const fail = () => {
      throw new Error('instruments unavailable');
    };
    apiGlobals.metrics = { getMeter: () => new Proxy({}, { get: () => fail }) };
    try {
      await sleep(150); // several ticks; a throw from one would fail this test as uncaught
      const client = await pool.connect();
      client.release();
      await client.query('SELECT 1');
      assert.deepEqual(poolKinds(name), ['use_after_release']);
    } finally {
      apiGlobals.metrics = registered;
      await endPool(pool);
    }
  });

  describe('a MeterProvider that cannot make instruments', () => {
    const API_GLOBALS = Symbol.for('opentelemetry.js.api.1');
    const apiGlobals = () => (globalThis as unknown as Record<symbol, Record<string, unknown>>)[API_GLOBALS]!;
    let registered: unknown;
    beforeEach(() => {
      registered = apiGlobals().metrics;
      const fail = () => {
        throw new Error('instruments unavailable');
      };
      apiGlobals().metrics = { getMeter: () => new Proxy({}, { get: () => fail }) };
    });
    afterEach(() => {
      apiGlobals().metrics = registered;
    });

    it('costs the pool its metrics, never its guard: guardPool() returns and violations still reach onViolation and the logs', async () => {
      const name = 'sig-faulty-meter';
      const seen: string[] = [];
      const pool = guardPool(newPool(), { name, onViolation: (v) => seen.push(v.kind) });
      try {
        const client = await pool.connect();
        client.release();
        assert.equal((await client.query('SELECT 1 AS one')).rows[0].one, 1);
        assert.deepEqual(seen, ['use_after_release']);
        assert.deepEqual(poolKinds(name), ['use_after_release']);
      } finally {
        await endPool(pool);
      }
    });
  });

  describe('no SQL text, bind values or passwords', () => {
    it('appear in no exported log record, span event, metric attribute or Violation', async () => {
      const name = 'sig-secrets';
      const PASSWORD = 'pw-Secret-9981';
      const BIND = 'bind-Value-4242';
      const SQL_MARK = 'sql_marker_col';
      const seen: Violation[] = [];
      const pool = guardPool(new pg.Pool(pgConfig({ max: 2, password: PASSWORD })), {
        name, captureStacks: true, leakThresholdMs: 100, onViolation: (v) => seen.push(v),
      });
      try {
        await inSpan('sig-secrets-span', async () => {
          const client = await pool.connect();
          await Promise.all([
            client.query(`SELECT $1::text AS ${SQL_MARK}`, [BIND]),
            client.query(`SELECT $1::text AS ${SQL_MARK}`, [BIND]),
          ]);
          await pool.query(`BEGIN /* ${SQL_MARK} */`).catch(() => undefined);
          await client.query(`BEGIN ISOLATION LEVEL SERIALIZABLE`);
          await client.query(`SELECT $1::text AS ${SQL_MARK}`, [BIND]);
          await waitFor(() => poolViolations(name, 'leak').length === 1, 1000, 'the leak report');
          client.release();
          await client.query(`SELECT $1::text AS ${SQL_MARK}`, [BIND]);
          await assert.rejects(client.query(`SELECT nope_${SQL_MARK}($1)`, [BIND]));
        });
        // pool.query('BEGIN') is transaction_on_pool; its internal lease going back dirty is not reported again.
        assert.deepEqual(poolKinds(name).sort(),
          ['concurrent_query', 'dirty_release', 'leak', 'transaction_on_pool', 'use_after_release', 'use_after_release']);
        const exported = JSON.stringify({
          logs: setupTelemetry().logs.getFinishedLogRecords().map((r) => ({ body: r.body, attributes: r.attributes })),
          spans: finishedSpans().map((s) => s.events.map((e) => e.attributes)),
          metrics: (await collectMetric('poolguard.violations')).flatMap((m) => m.dataPoints.map((p) => p.attributes)),
          violations: seen,
        });
        assert.ok(exported.includes('code.stacktrace'), 'stacks were on');
        for (const secret of [PASSWORD, BIND, SQL_MARK, 'SERIALIZABLE']) {
          assert.ok(!exported.includes(secret), `"${secret}" was exported`);
        }
      } finally {
        await endPool(pool);
      }
    });

    it('a default pool name from a connection string carries no credentials', async () => {
      const { host, port, database, user } = pgConfig();
      const url = `postgres://${user}:pw-Secret-1234@${host}:${port}/${database}`;
      const pool = guardPool(new pg.Pool({ connectionString: url, max: 1 }), { captureStacks: true });
      try {
        const client = await pool.connect();
        client.release();
        await client.query('SELECT 1');
        const records = setupTelemetry().logs.getFinishedLogRecords();
        assert.equal(records.length, 1);
        const poolName = String(records[0]!.attributes['db.client.connection.pool.name']);
        assert.match(poolName, new RegExp(`^${host}:${port}/${database}(#\\d+)?$`));
        assert.ok(!JSON.stringify(records.map((r) => [r.body, r.attributes])).includes('pw-Secret-1234'));
      } finally {
        await endPool(pool);
      }
    });
  });

  it('a password with an unescaped "/" in a connection string, which URL parsing puts in the host and database, is kept out of the pool name and server.address (pg, mysql2)', async () => {
    const pools = [
      guardPool(new pg.Pool({ connectionString: 'postgres://alice:12/PW2secret@db.example:6543/orders', max: 1 }), { poolMetrics: true }),
      guardPool(mysql.createPool({ uri: 'mysql://alice:34/PW3secret@db.example:3307/orders', connectionLimit: 1 }), { poolMetrics: true }),
      guardPool(new pg.Pool({ connectionString: 'postgres://bob@/PW4secret@sock?host=/var/run/postgresql', max: 1 }), { poolMetrics: true }),
    ];
    try {
      const names = pools.map((pool) => poolStateOf(pool)!.name);
      assert.ok(!JSON.stringify(names).includes('secret'), JSON.stringify(names));
      const series = JSON.stringify((await collectMetric('db.client.connection.max')).flatMap((m) => m.dataPoints.map((p) => p.attributes)));
      assert.ok(series.includes(names[0]!) && series.includes(names[1]!), series);
      assert.ok(!series.includes('secret'), series);
    } finally {
      await endPool(pools[0] as pg.Pool);
      await new Promise((resolve) => (pools[1] as mysql.Pool).end(resolve));
      await endPool(pools[2] as pg.Pool);
    }
  });

  it('a default pool name is the server pg connects to: a connection string\'s parts win over the separate options, and ?host= names the host', () => {
    const endpointOf = (options: object) => {
      const { address, port, namespace } = pgEndpoint({ options } as PgPoolLike);
      return `${address}:${port}/${namespace}`;
    };
    assert.equal(endpointOf({ connectionString: 'postgres://u@10.1.2.3:6543/orders', database: 'postgres', host: 'db', port: 5432 }), '10.1.2.3:6543/orders');
    assert.equal(endpointOf({ connectionString: 'postgres:///orders?host=10.1.2.3&user=u' }), '10.1.2.3:5432/orders');
    assert.equal(endpointOf({ connectionString: 'postgres://u@10.1.2.3/orders', port: 6543 }), '10.1.2.3:6543/orders');
    assert.equal(endpointOf({ host: '10.1.2.3', port: '6543', database: 'orders' }), '10.1.2.3:6543/orders');
    assert.equal(endpointOf({ connectionString: 'postgres://u@/orders?host=10.1.2.3&port=6543' }), '10.1.2.3:6543/orders', 'an empty host, named by ?host=');
    assert.equal(endpointOf({ connectionString: 'socket://u@/var/run/postgresql?db=orders' }), '/var/run/postgresql:5432/orders');
    assert.equal(endpointOf({ connectionString: 'postgres://u@%2Fvar%2Frun%2Fpostgresql/orders' }), '/var/run/postgresql:5432/orders');
  });

  describe('pool metrics', () => {
    function point(metrics: Awaited<ReturnType<typeof collectMetric>>, pool: string, state?: string) {
      const all: { attributes: Attributes; value: unknown }[] = metrics.flatMap((m) => m.dataPoints as { attributes: Attributes; value: unknown }[]);
      const points = all.filter((p) =>
        p.attributes['db.client.connection.pool.name'] === pool &&
        (state === undefined || p.attributes['db.client.connection.state'] === state));
      assert.equal(points.length, 1, `one data point for ${pool} ${state ?? ''}`);
      return points[0]!;
    }

    it('exports count (idle/used), max, pending_requests, wait_time and use_time with the pool name', async () => {
      const name = 'sig-metrics';
      const pool = guardPool(newPool({ max: 2 }), { name, poolMetrics: true });
      try {
        const a = await pool.connect();
        const b = await pool.connect();
        a.release();
        const waiting = [pool.connect(), pool.connect()];
        await new Promise((resolve) => setTimeout(resolve, 10));
        assert.equal(pool.waitingCount, 1);
        const count = await collectMetric('db.client.connection.count');
        assert.equal(count[0]!.descriptor.unit, '{connection}');
        assert.equal(point(count, name, 'used').value, 2);
        assert.equal(point(count, name, 'idle').value, 0);
        assert.equal(point(await collectMetric('db.client.connection.max'), name).value, 2);
        assert.equal(point(await collectMetric('db.client.connection.pending_requests'), name).value, 1);
        b.release();
        const [c, d] = await Promise.all(waiting);
        c!.release();
        d!.release();
        const idle = await collectMetric('db.client.connection.count');
        assert.equal(point(idle, name, 'used').value, 0);
        assert.equal(point(idle, name, 'idle').value, 2);
        const wait = point(await collectMetric('db.client.connection.wait_time'), name).value as { count: number; sum: number };
        assert.equal(wait.count, 4);
        assert.ok(wait.sum > 0);
        const use = await collectMetric('db.client.connection.use_time');
        assert.equal(use[0]!.descriptor.unit, 's');
        assert.equal((point(use, name).value as { count: number }).count, 4);
        // Observed series carry the server too (a rule sums max per server); recorded ones the pool name alone.
        const server = { 'server.address': pgConfig().host ?? '127.0.0.1', 'server.port': pgConfig().port ?? 5432 };
        assert.deepEqual(point(await collectMetric('db.client.connection.max'), name).attributes, { 'db.client.connection.pool.name': name, ...server });
        assert.deepEqual(point(use, name).attributes, { 'db.client.connection.pool.name': name });
        assert.deepEqual(point(await collectMetric('db.client.connection.wait_time'), name).attributes, { 'db.client.connection.pool.name': name });
      } finally {
        await endPool(pool);
      }
    });
  });

  describe('pool names', () => {
    it('default to server.address:server.port/db.namespace, and a second pool gets #2', async () => {
      const { host, port, database } = pgConfig();
      const base = `${host}:${port}/${database}`;
      const names: string[] = [];
      const pools = [newPool(), newPool()].map((p) => guardPool(p, { onViolation: (v) => names.push(v.poolName) }));
      try {
        for (const pool of pools) {
          const client = await pool.connect();
          client.release();
          await client.query('SELECT 1');
        }
        assert.equal(names.length, 2);
        // Other test files in this process may have named pools after the same server first.
        const first = /#(\d+)$/.exec(names[0]!);
        const n = first === null ? 1 : Number(first[1]);
        assert.equal(names[0], n === 1 ? base : `${base}#${n}`);
        assert.equal(names[1], `${base}#${n + 1}`);
      } finally {
        for (const pool of pools) await endPool(pool);
      }
    });

    it('with no database named, db.namespace is the user\'s, the database pg connects to', async () => {
      const { host, port } = pgConfig();
      const user = process.env.PGDATABASE ?? pgConfig().user;
      const config: pg.PoolConfig = { ...pgConfig({ max: 1 }), database: undefined };
      const names: string[] = [];
      const pool = guardPool(new pg.Pool(config), { onViolation: (v) => names.push(v.poolName) });
      try {
        const client = await pool.connect();
        assert.equal((await client.query('SELECT current_database() AS db')).rows[0].db, user);
        client.release();
        await client.query('SELECT 1');
        assert.match(names[0]!, new RegExp(`^${host}:${port}/${user}(#\\d+)?$`));
      } finally {
        await endPool(pool);
      }
    });

    it('the name option wins', async () => {
      const pool = guardPool(newPool(), { name: 'sig-named' });
      try {
        const client = await pool.connect();
        client.release();
        await client.query('SELECT 1');
        assert.equal(poolViolations('sig-named').length, 1);
      } finally {
        await endPool(pool);
      }
    });

    it('an ended pool keeps its name while a lease of it is held, and gives it back when that lease is released', async () => {
      const ended = guardPool(newPool(), { name: 'sig-held-through-end' });
      const held = await ended.connect();
      const ending = ended.end(); // pg-pool's end() waits for the lease
      const second = guardPool(newPool(), { name: 'sig-held-through-end' });
      held.release();
      await ending;
      const third = guardPool(newPool(), { name: 'sig-held-through-end' });
      try {
        const client = await second.connect();
        client.release();
        await client.query('SELECT 1'); // use_after_release on the second pool
        await third.query('BEGIN'); // transaction_on_pool on the third
        await third.query('ROLLBACK');
        assert.deepEqual(poolViolations('sig-held-through-end#2').map((r) => r.attributes['poolguard.violation.kind']), ['use_after_release'], 'a pool made while the ended one still held a lease is #2');
        assert.deepEqual(poolViolations('sig-held-through-end').map((r) => r.attributes['poolguard.violation.kind']), ['transaction_on_pool'], 'the name is free again once the lease is released');
      } finally {
        await endPool(second);
        await endPool(third);
      }
    });

    it('guardPool() with a name on an ended pool takes no name from a live pool', async () => {
      const ended = guardPool(newPool(), { name: 'sig-reused' });
      await ended.end();
      const live = guardPool(newPool(), { name: 'sig-reused' });
      try {
        guardPool(ended, { name: 'sig-renamed-after-end' });
        const third = guardPool(newPool(), { name: 'sig-reused' });
        try {
          const client = await third.connect();
          client.release();
          await client.query('SELECT 1');
          assert.deepEqual(poolViolations('sig-reused#2').map((r) => r.attributes['poolguard.violation.kind']), ['use_after_release'], 'the live pool keeps its name, so the next one is #2');
        } finally {
          await endPool(third);
        }
      } finally {
        await endPool(live);
      }
    });
  });
});
