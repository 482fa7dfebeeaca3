/*
 * The demo end to end (issue 7): `node examples/demo.mjs` twice, once on the
 * embedded PGlite (POOLGUARD_DEMO_DB=embedded) and once on the real
 * PostgreSQL, each with an OTLP/HTTP receiver on loopback in this process.
 * Each run must exit 0, list the lint findings and every expected kind in its
 * summary, keep the clean traffic silent, and export the violation log
 * events and the metrics over OTLP/JSON, with no SQL text in them.
 *
 * Needs the packages built (npm test builds first).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

const REPO = path.resolve(__dirname, '..');
const DEMO = path.join(REPO, 'examples', 'demo.mjs');
const SERVER = path.join(REPO, 'examples', 'app', 'server.js');
const EXPECTED_KINDS = ['cross_task_use', 'use_after_release', 'leak', 'dirty_release', 'concurrent_query', 'transaction_on_pool', 'pool_before_fork'];
const RUN_TIMEOUT_MS = 120_000;

type AnyValue = { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean };
type KeyValue = { key: string; value: AnyValue };

interface LogRecordJson {
  eventName?: string;
  severityText?: string;
  body?: AnyValue;
  attributes?: KeyValue[];
}

interface MetricJson {
  name: string;
  unit?: string;
  sum?: { dataPoints: { attributes?: KeyValue[]; asInt?: string | number; asDouble?: number }[] };
  gauge?: { dataPoints: unknown[] };
  histogram?: { dataPoints: unknown[] };
}

/** A minimal OTLP/HTTP JSON receiver: /v1/logs, /v1/metrics and /v1/traces. */
class OtlpReceiver {
  readonly logs: LogRecordJson[] = [];
  readonly metrics: MetricJson[] = [];
  readonly paths = new Map<string, number>();
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const route = req.url ?? '';
      this.paths.set(route, (this.paths.get(route) ?? 0) + 1);
      try {
        assert.match(String(req.headers['content-type']), /application\/json/, `${route} is OTLP/JSON`);
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        if (route === '/v1/logs') {
          for (const rl of body.resourceLogs ?? []) for (const sl of rl.scopeLogs ?? []) this.logs.push(...(sl.logRecords ?? []));
        } else if (route === '/v1/metrics') {
          for (const rm of body.resourceMetrics ?? []) for (const sm of rm.scopeMetrics ?? []) this.metrics.push(...(sm.metrics ?? []));
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      } catch (err) {
        res.writeHead(400);
        res.end(String(err));
      }
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function attr(attributes: KeyValue[] | undefined, key: string): string | number | boolean | undefined {
  const value = attributes?.find((a) => a.key === key)?.value;
  if (value === undefined) return undefined;
  return value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : undefined) ?? value.doubleValue ?? value.boolValue;
}

interface DemoResult {
  database: string;
  lint: { rule: string; file: string; line: number; message: string }[];
  violations: { kind: string; pool: string; site: string; at: string; fix: string; doc: string; role: string }[];
  summary: { kind: string; count: number; pool: string; site: string; fix: string }[];
  clean: { requests: number; failed: number; violations: number };
  missing: string[];
  ok: boolean;
}

interface Run {
  code: number | null;
  output: string;
  result: DemoResult;
  ms: number;
}

async function runDemo(env: Record<string, string>): Promise<Run> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'poolguard-demo-'));
  const summary = path.join(dir, 'summary.json');
  const started = Date.now();
  try {
    const child = spawn(process.execPath, [DEMO], {
      cwd: REPO,
      env: { ...process.env, POOLGUARD_DEMO_SUMMARY: summary, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    let timer: NodeJS.Timeout | undefined;
    const code = await new Promise<number | null>((resolve, reject) => {
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the demo did not finish within ${RUN_TIMEOUT_MS} ms:\n${output}`));
      }, RUN_TIMEOUT_MS);
      child.once('exit', (exitCode) => resolve(exitCode));
    }).finally(() => clearTimeout(timer));
    const result = JSON.parse(readFileSync(summary, 'utf8')) as DemoResult;
    return { code, output, result, ms: Date.now() - started };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The 1-based line of the first line of the app's server.js containing `text`. */
function serverLine(text: string): number {
  const index = readFileSync(SERVER, 'utf8').split('\n').findIndex((line) => line.includes(text));
  assert.ok(index >= 0, `server.js contains ${text}`);
  return index + 1;
}

function assertDemo(run: Run, receiver: OtlpReceiver, database: string): void {
  const { result, output } = run;
  assert.equal(run.code, 0, output);
  assert.equal(result.ok, true, output);
  assert.equal(result.database, database);
  assert.match(output, database === 'embedded' ? /using embedded PostgreSQL \(PGlite over pglite-socket/ : /using PostgreSQL/);

  // 1. The lint findings: one bug per rule, on the lines that have them.
  assert.deepEqual(
    result.lint.map((f) => [f.rule, f.file, f.line]),
    [
      ['poolguard/no-pool-before-fork', 'examples/app/server.js', serverLine('const pool = new Pool(')],
      ['poolguard/no-pool-across-boundary', 'examples/app/server.js', serverLine("process.send({ type: 'pool-stats', pool })")],
    ],
  );
  assert.match(output, /examples\/app\/server\.js:\d+ {2}poolguard\/no-pool-before-fork/);
  assert.match(output, /examples\/app\/server\.js:\d+ {2}poolguard\/no-pool-across-boundary/);

  // 4. The summary table names every expected kind with its fix, from the buggy half only.
  assert.deepEqual(result.missing, []);
  for (const kind of EXPECTED_KINDS) {
    assert.ok(result.summary.some((row) => row.kind === kind && row.count > 0), `${kind} in the summary`);
    assert.match(output, new RegExp(`^ +${kind} +\\d+ +\\S+`, 'm'), `${kind} is a row of the printed table`);
  }
  for (const v of result.violations) {
    assert.ok(EXPECTED_KINDS.includes(v.kind), `unexpected kind ${v.kind} at ${v.site}`);
    assert.ok(!v.site.includes('orders.js') && !v.at.includes('orders.js'), `the clean traffic was reported: ${JSON.stringify(v)}`);
    assert.match(v.doc, new RegExp(`/docs/violations/${v.kind}\\.md$`));
  }
  const fork = result.violations.filter((v) => v.kind === 'pool_before_fork');
  assert.deepEqual(fork.map((v) => v.role), ['primary'], 'the primary reports its fork once');
  assert.match(fork[0]!.site, /server\.js/);
  const cross = result.violations.find((v) => v.kind === 'cross_task_use');
  assert.match(cross!.site, /cachedClientCount \(examples\/app\/bugs\.js:\d+\)/);

  // Clean traffic ran the whole time, and stayed silent.
  assert.ok(result.clean.requests >= 20, `clean requests: ${result.clean.requests}`);
  assert.equal(result.clean.failed, 0);
  assert.equal(result.clean.violations, 0);
  assert.match(output, /clean traffic \(examples\/app\/orders\.js\): \d+ requests, 0 failed, 0 violation\(s\)/);

  // 5. OTLP: the violation log events ...
  const events = receiver.logs.filter((r) => r.eventName === 'poolguard.violation');
  const exportedKinds = new Set(events.map((r) => attr(r.attributes, 'poolguard.violation.kind')));
  for (const kind of EXPECTED_KINDS) assert.ok(exportedKinds.has(kind), `a ${kind} log event reached the receiver`);
  assert.equal(events.length, result.violations.length, 'one log event per violation');
  for (const record of events) {
    assert.equal(record.severityText, 'WARN');
    assert.equal(typeof attr(record.attributes, 'db.client.connection.pool.name'), 'string');
    assert.equal(typeof attr(record.attributes, 'process.pid'), 'number');
    assert.match(String(record.body?.stringValue), /See https:\/\/github\.com\/poolguard\/poolguard\/blob\/main\/docs\/violations\/\w+\.md$/);
  }
  // ... with no SQL text, bind values or credentials anywhere.
  const exported = JSON.stringify(receiver.logs);
  for (const secret of ['poolguard_demo', 'SELECT', 'UPDATE', 'INSERT', 'claimed', 'postgres://']) {
    assert.ok(!exported.includes(secret), `the exported logs contain ${secret}`);
  }

  // ... and the metrics: the violation counter by kind, and the pool metrics.
  const counted = new Map<string, number>();
  for (const metric of receiver.metrics.filter((m) => m.name === 'poolguard.violations')) {
    assert.equal(metric.unit, '{violation}');
    for (const point of metric.sum?.dataPoints ?? []) {
      const kind = String(attr(point.attributes, 'poolguard.violation.kind'));
      counted.set(kind, Math.max(counted.get(kind) ?? 0, Number(point.asInt ?? point.asDouble ?? 0)));
    }
  }
  for (const kind of EXPECTED_KINDS) assert.ok((counted.get(kind) ?? 0) >= 1, `poolguard.violations counted ${kind}`);
  const names = new Set(receiver.metrics.map((m) => m.name));
  assert.ok(names.has('db.client.connection.count'), `pool metrics exported: ${[...names].join(', ')}`);
  assert.ok(names.has('db.client.connection.max'), `pool metrics exported: ${[...names].join(', ')}`);
}

describe('demo (npm run demo)', function () {
  this.timeout(RUN_TIMEOUT_MS + 30_000);
  this.slow(40_000);

  for (const database of ['embedded', 'real'] as const) {
    it(`runs on the ${database === 'embedded' ? 'embedded PGlite' : 'real PostgreSQL'}, catches every bug, and exports over OTLP/HTTP`, async () => {
      const receiver = new OtlpReceiver();
      const endpoint = await receiver.start();
      try {
        const env: Record<string, string> = {
          OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        };
        if (database === 'embedded') env.POOLGUARD_DEMO_DB = 'embedded';
        else env.DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
        const run = await runDemo(env);
        assertDemo(run, receiver, database === 'embedded' ? 'embedded' : 'external');
        console.log(`      (${database}: ${(run.ms / 1000).toFixed(1)} s)`);
      } finally {
        await receiver.stop();
      }
    });
  }
});
