/*
 * NodeSDK from @opentelemetry/sdk-node 0.223 with PoolGuardInstrumentation
 * and getNodeAutoInstrumentations() (auto-instrumentations-node 0.81, whose
 * instrumentation-pg is 0.76) together, in a child process: poolguard's
 * violations and instrumentation-pg's spans both arrive, and query results
 * are unchanged.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

interface Dump {
  results: number[];
  violations: { kind: string; pool: string; traceId?: string }[];
  requestTraceId: string;
  spanNames: string[];
  pgScopes: string[];
  spanEvents: string[];
  metricNames: string[];
}

describe('NodeSDK with PoolGuardInstrumentation and getNodeAutoInstrumentations()', () => {
  let dump: Dump;

  before(async function () {
    this.timeout(40_000);
    const { stdout } = await run(process.execPath, [join(__dirname, 'fixtures', 'node-sdk-app.js')], {
      timeout: 30_000,
      killSignal: 'SIGKILL',
      env: { ...process.env, NODE_OPTIONS: '', OTEL_LOG_LEVEL: 'none' },
    });
    dump = JSON.parse(stdout.trim().split('\n').pop()!) as Dump;
  });

  it('query results are unchanged', () => {
    assert.deepEqual(dump.results, [42, 7]);
  });

  it('poolguard\'s violations arrive, in the request\'s trace', () => {
    assert.deepEqual(dump.violations.map(({ kind, pool }) => ({ kind, pool })), [
      { kind: 'dirty_release', pool: '127.0.0.1:5432/test' },
      { kind: 'use_after_release', pool: '127.0.0.1:5432/test' },
    ]);
    for (const v of dump.violations) assert.equal(v.traceId, dump.requestTraceId);
    assert.equal(dump.spanEvents.filter((e) => e === 'poolguard.violation').length, 2);
    assert.ok(dump.metricNames.includes('poolguard.violations'));
  });

  it('instrumentation-pg\'s spans and metrics arrive too', () => {
    assert.ok(dump.pgScopes.includes('@opentelemetry/instrumentation-pg'), dump.pgScopes.join(', '));
    assert.ok(dump.spanNames.includes('pg-pool.connect'), dump.spanNames.join(', '));
    assert.ok(dump.spanNames.filter((n) => n.startsWith('pg.query')).length >= 4, dump.spanNames.join(', '));
    assert.ok(dump.metricNames.includes('db.client.operation.duration'));
    // poolMetrics 'auto': instrumentation-pg reports count/pending for pg, poolguard the rest.
    assert.ok(dump.metricNames.includes('db.client.connection.use_time'), dump.metricNames.join(', '));
  });
});
