/*
 * The preload entry, with no code change in the app: a real ES module app
 * (`import pg from 'pg'`) started with only `--import
 * @poolguard/instrumentation/register`, and a real CommonJS app with only
 * `--require @poolguard/instrumentation/register`. Each app sets up its own
 * OTel SDK exporting over OTLP/HTTP (JSON) to a receiver this test runs on
 * loopback; the violations and pool metrics that arrive there are asserted.
 * POOLGUARD_* variables configure it, and a bad value fails fast.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

const FIXTURES = join(__dirname, 'fixtures');

type AnyValue = { stringValue?: string; intValue?: number | string; doubleValue?: number; boolValue?: boolean };
type KeyValue = { key: string; value: AnyValue };

interface Received {
  violations: { kind: string; pool: string; severity: string }[];
  events: string[];
  /** metric name → data points' attributes and values */
  metrics: Map<string, { attributes: Record<string, unknown>; value: number | undefined }[]>;
}

function attributes(list: KeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of list ?? []) out[key] = value.stringValue ?? value.intValue ?? value.doubleValue ?? value.boolValue;
  return out;
}

/** An OTLP/HTTP JSON receiver for /v1/logs and /v1/metrics on 127.0.0.1. */
class Receiver {
  private readonly server: Server;
  readonly received: Received = { violations: [], events: [], metrics: new Map() };

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        try {
          assert.match(String(req.headers['content-type']), /application\/json/, 'the JSON protocol');
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
          if (req.url === '/v1/logs') this.logs(body);
          else if (req.url === '/v1/metrics') this.metricsOf(body);
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        } catch (err) {
          res.writeHead(400).end(String(err));
        }
      });
    });
  }

  private logs(body: Record<string, unknown>): void {
    for (const rl of (body.resourceLogs ?? []) as { scopeLogs: { logRecords: { eventName?: string; severityText?: string; attributes?: KeyValue[] }[] }[] }[]) {
      for (const sl of rl.scopeLogs) {
        for (const record of sl.logRecords) {
          this.received.events.push(String(record.eventName));
          if (record.eventName !== 'poolguard.violation') continue;
          const attrs = attributes(record.attributes);
          this.received.violations.push({ kind: String(attrs['poolguard.violation.kind']), pool: String(attrs['db.client.connection.pool.name']), severity: String(record.severityText) });
        }
      }
    }
  }

  private metricsOf(body: Record<string, unknown>): void {
    type Point = { attributes?: KeyValue[]; asInt?: number | string; asDouble?: number; count?: number | string };
    type Metric = { name: string; sum?: { dataPoints: Point[] }; gauge?: { dataPoints: Point[] }; histogram?: { dataPoints: Point[] } };
    for (const rm of (body.resourceMetrics ?? []) as { scopeMetrics: { metrics: Metric[] }[] }[]) {
      for (const sm of rm.scopeMetrics) {
        for (const metric of sm.metrics) {
          const points = (metric.sum ?? metric.gauge ?? metric.histogram)?.dataPoints ?? [];
          const list = this.received.metrics.get(metric.name) ?? [];
          for (const p of points) {
            const raw = p.asInt ?? p.asDouble ?? p.count;
            list.push({ attributes: attributes(p.attributes), value: raw === undefined ? undefined : Number(raw) });
          }
          this.received.metrics.set(metric.name, list);
        }
      }
    }
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

interface Run { code: number | null; stdout: string; stderr: string; results: unknown[] | undefined }

/** Runs a fixture with `flags`, killing it after 30 s. */
function runNode(flags: string[], script: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...flags, join(FIXTURES, script), ...args], {
      cwd: FIXTURES,
      env: { ...process.env, NODE_OPTIONS: '', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const last = stdout.trim().split('\n').pop();
      let results: unknown[] | undefined;
      try {
        results = last ? (JSON.parse(last) as { results: unknown[] }).results : undefined;
      } catch {
        results = undefined;
      }
      resolve({ code, stdout, stderr, results });
    });
  });
}

const ESM = ['--import', '@poolguard/instrumentation/register'];
const CJS = ['--require', '@poolguard/instrumentation/register'];
const PG_POOL = '127.0.0.1:5432/test';
const MYSQL_POOL = '127.0.0.1:3306/test';

describe('preload: node --import / --require @poolguard/instrumentation/register', () => {
  let receiver: Receiver;
  let endpoint: string;

  beforeEach(async () => {
    receiver = new Receiver();
    endpoint = await receiver.listen();
  });
  afterEach(() => receiver.close());

  const run = (flags: string[], script: string, args: string[] = [], env: Record<string, string> = {}) =>
    runNode(flags, script, args, { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, ...env });

  function assertPoolMetrics(pool: string): void {
    const { metrics } = receiver.received;
    const count = metrics.get('db.client.connection.count') ?? [];
    // Exported twice (the app's flush while the pool is open, then shutdown): the first export counts.
    const byState = new Map<unknown, number | undefined>();
    for (const p of count) {
      if (p.attributes['db.client.connection.pool.name'] === pool && !byState.has(p.attributes['db.client.connection.state'])) byState.set(p.attributes['db.client.connection.state'], p.value);
    }
    assert.deepEqual(Object.fromEntries(byState), { idle: 1, used: 0 }, `db.client.connection.count of ${pool}: ${JSON.stringify(count)}`);
    const max = (metrics.get('db.client.connection.max') ?? []).find((p) => p.attributes['db.client.connection.pool.name'] === pool);
    assert.equal(max?.value, 2, `db.client.connection.max of ${pool}`);
    for (const name of ['db.client.connection.use_time', 'db.client.connection.wait_time', 'poolguard.violations']) {
      assert.ok((metrics.get(name) ?? []).some((p) => p.attributes['db.client.connection.pool.name'] === pool), `${name} of ${pool} in ${[...metrics.keys()].join(', ')}`);
    }
  }

  it('an ES module app (import pg from \'pg\') with only --import: violations and pool metrics reach the OTLP receiver', async () => {
    const { code, stderr, results } = await run(ESM, 'preload-app.mjs');
    assert.equal(code, 0, stderr);
    assert.deepEqual(results, [42, 'no error'], 'report mode: query results unchanged, no error');
    assert.deepEqual(receiver.received.violations, [{ kind: 'use_after_release', pool: PG_POOL, severity: 'WARN' }]);
    assertPoolMetrics(PG_POOL);
  });

  it('an ES module app that imports pool classes and factories by name (tarn, generic-pool, pg-pool, mysql2) with only --import: all guarded', async () => {
    const { code, stderr, results } = await run(ESM, 'preload-named-imports.mjs');
    assert.equal(code, 0, stderr);
    assert.deepEqual(results, ['tarn', 'generic-pool', 'pg-pool', 'mysql2']);
  });

  it('an ES module app that imports the preload on its first line, with no flag: the pools of the modules it imports after it are guarded', async () => {
    const { code, stderr, results } = await run([], 'preload-inline-import.mjs');
    assert.equal(code, 0, stderr);
    assert.deepEqual(results, ['pg', 'mysql2']);
  });

  it('a CommonJS app with only --require: mysql2/promise and pg pools are guarded', async () => {
    const { code, stderr, results } = await run(CJS, 'preload-app.cjs');
    assert.equal(code, 0, stderr);
    assert.deepEqual(results, [42, 7, 'no error']);
    assert.deepEqual(receiver.received.violations, [
      { kind: 'double_release', pool: MYSQL_POOL, severity: 'WARN' },
      { kind: 'use_after_release', pool: PG_POOL, severity: 'WARN' },
    ]);
    assertPoolMetrics(MYSQL_POOL);
    const pgCount = (receiver.received.metrics.get('db.client.connection.count') ?? []).filter((p) => p.attributes['db.client.connection.pool.name'] === PG_POOL);
    assert.deepEqual(new Set(pgCount.map((p) => p.attributes['db.client.connection.state'])), new Set(['idle', 'used']), 'pg pool occupancy too (no instrumentation-pg here)');
  });

  for (const [entry, flags] of [['--require', CJS], ['--import', ESM]] as const) {
    it(`a CommonJS app that starts its own NodeSDK after ${entry} keeps its HTTP spans, its violations carry the request's trace, and setConfig() on \`instrumentation\` reaches the pool guarded before`, async () => {
      const { code, stderr, results } = await run(flags, 'preload-app-http.cjs');
      assert.equal(code, 0, stderr);
      // Report mode, then throw mode; two server spans; two violations, each in its request's trace.
      assert.deepEqual(results, ['no error', 'POOLGUARD_USE_AFTER_RELEASE', 2, 2, true]);
    });
  }

  it('an app that also registers its own PoolGuardInstrumentation: it takes over the pools the preload guarded, and the preload\'s `instrumentation` is it', async () => {
    const { code, stderr, results } = await run(CJS, 'preload-app-own-instrumentation.cjs');
    assert.equal(code, 0, stderr);
    assert.deepEqual(results, [
      'POOLGUARD_USE_AFTER_RELEASE',
      'POOLGUARD_USE_AFTER_RELEASE',
      'POOLGUARD_USE_AFTER_RELEASE',
      true,
      ['use_after_release@127.0.0.1:5432/test', 'use_after_release@127.0.0.1:5432/test#2', 'use_after_release@by-hand'],
    ]);
  });

  it('an app that registers its own PoolGuardInstrumentation and disables it before creating pools: they stay unguarded, and `instrumentation` is that instance', async () => {
    const { code, stderr, results } = await run(CJS, 'preload-app-own-disabled.cjs', [], { POOLGUARD_MODE: 'throw' });
    assert.equal(code, 0, stderr);
    assert.deepEqual(results, ['no error', [], true, false]);
  });

  it('POOLGUARD_MODE=throw: the misuse throws PoolGuardError and is exported as ERROR', async () => {
    const { code, stderr, results } = await run(ESM, 'preload-app.mjs', [], { POOLGUARD_MODE: 'throw' });
    assert.equal(code, 0, stderr);
    assert.deepEqual(results, [42, 'POOLGUARD_USE_AFTER_RELEASE']);
    assert.deepEqual(receiver.received.violations, [{ kind: 'use_after_release', pool: PG_POOL, severity: 'ERROR' }]);
  });

  it('POOLGUARD_LEAK_THRESHOLD_MS=200: a 600 ms lease is a leak, released as unleaked', async () => {
    const { code, stderr } = await run(ESM, 'preload-app.mjs', ['leak'], { POOLGUARD_LEAK_THRESHOLD_MS: '200' });
    assert.equal(code, 0, stderr);
    assert.deepEqual(receiver.received.violations.map((v) => v.kind).sort(), ['leak', 'use_after_release']);
    assert.ok(receiver.received.events.includes('poolguard.unleaked'));
  });

  it('POOLGUARD_REPORTER=pretty prints the violation to stderr; unset, nothing', async () => {
    const pretty = await run(CJS, 'preload-app.cjs', [], { POOLGUARD_REPORTER: 'pretty' });
    assert.equal(pretty.code, 0, pretty.stderr);
    assert.match(pretty.stderr, /\[poolguard\] double_release on pool "127\.0\.0\.1:3306\/test"/);
    assert.match(pretty.stderr, /\[poolguard\] use_after_release on pool "127\.0\.0\.1:5432\/test"/);
    const quiet = await run(CJS, 'preload-app.cjs');
    assert.doesNotMatch(quiet.stderr, /\[poolguard\]/);
  });

  for (const [flags, script] of [[ESM, 'preload-app.mjs'], [CJS, 'preload-app.cjs']] as const) {
    it(`a bad value fails fast naming the variable (${flags[0]})`, async () => {
      const { code, stderr, results } = await run(flags, script, [], { POOLGUARD_MODE: 'loud' });
      assert.notEqual(code, 0);
      assert.equal(results, undefined, 'the app never ran');
      assert.match(stderr, /invalid option `POOLGUARD_MODE`: expected one of report, throw, got "loud"/);
    });
  }

  it('a bad number fails fast naming POOLGUARD_LEAK_THRESHOLD_MS', async () => {
    const { code, stderr } = await run(CJS, 'preload-app.cjs', [], { POOLGUARD_LEAK_THRESHOLD_MS: 'soon' });
    assert.notEqual(code, 0);
    assert.match(stderr, /`POOLGUARD_LEAK_THRESHOLD_MS`/);
  });
});
