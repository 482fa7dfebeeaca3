// The pg workload shared by bench/pg-cycle.mjs and bench/pg-interleaved.mjs:
// an optional OTel SDK, a pool against the local PostgreSQL or the in-memory
// driver, and `concurrency` workers running checkout+`SELECT 1`+release.
import { createRequire } from 'node:module';
import { FakePgClient } from './fake-pg-client.mjs';
import { PgWirePeer } from './pg-wire-peer.mjs';

const require = createRequire(import.meta.url);

/**
 * otel: "none" | "sdk" (NodeTracerProvider with its context manager) | "sdk+pg"
 * (the same plus @opentelemetry/instrumentation-pg) | "metrics" (a MeterProvider
 * only, so the pool metrics record). Returns a tracer, or undefined.
 */
export function startOtel(otel) {
  if (otel === 'none') return undefined;
  if (otel === 'metrics') {
    // A MeterProvider whose reader does not export during the run: the instruments record, nothing is sent.
    const { metrics } = require('@opentelemetry/api');
    const { MeterProvider, InMemoryMetricExporter, PeriodicExportingMetricReader, AggregationTemporality } = require('@opentelemetry/sdk-metrics');
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 })] }));
    return undefined;
  }
  const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
  const { trace } = require('@opentelemetry/api');
  new NodeTracerProvider().register();
  if (otel === 'sdk+pg') {
    const { registerInstrumentations } = require('@opentelemetry/instrumentation');
    const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg');
    registerInstrumentations({ instrumentations: [new PgInstrumentation()] });
  }
  return trace.getTracer('bench');
}

/** The local PostgreSQL the benchmarks use (PG* variables, else 127.0.0.1:5432/test as postgres). */
export function pgConnection() {
  return {
    host: process.env.PGHOST ?? '127.0.0.1',
    port: Number(process.env.PGPORT ?? 5432),
    user: process.env.PGUSER ?? 'postgres',
    database: process.env.PGDATABASE ?? 'test',
  };
}

/**
 * A pg.Pool sized for `concurrency`, guarded by guardPool when `guard` is set:
 * poolguard's, or `guardModule`'s (another build's directory, to compare two trees in one process).
 */
export function benchPool({ concurrency, driver, guard, guardModule, options, name }) {
  const pg = require('pg');
  let pool = new pg.Pool({
    ...pgConnection(),
    max: Math.max(1, Math.min(concurrency, 16)),
    ...(driver === 'fake' ? { Client: FakePgClient } : {}),
    ...(driver === 'wire' ? { stream: () => new PgWirePeer() } : {}),
  });
  if (guard) pool = require(guardModule ?? '@poolguard/instrumentation').guardPool(pool, { name, ...options });
  return pool;
}

const SPAN_KEY = Symbol.for('OpenTelemetry Context Key SPAN');
const API_GLOBALS = Symbol.for('opentelemetry.js.api.1');

/**
 * A control: one read of the active span context the way poolguard's task
 * layer reads it (the registered context manager's active context, its span,
 * the span's context), for a raw pool to make at the points where the exact
 * layer must.
 */
export function readSpanContext() {
  return globalThis[API_GLOBALS]?.context?.active().getValue(SPAN_KEY)?.spanContext();
}

/**
 * Returns run(total): `concurrency` workers share `total` cycles. api:
 * "connect" (pool.connect + client.query + release) | "query" (pool.query).
 * `before` runs at the start of each cycle; with a tracer, each cycle is a span.
 * `at` (a control) runs just before the app's connect, query and release calls.
 */
export function workload({ pool, api, concurrency, tracer, before, at }) {
  async function cycleConnect() {
    before?.();
    at?.();
    const client = await pool.connect();
    try {
      at?.();
      await client.query('SELECT 1');
    } finally {
      at?.();
      client.release();
    }
  }
  function cycleQuery() {
    before?.();
    return pool.query('SELECT 1');
  }
  const cycle = api === 'query' ? cycleQuery : cycleConnect;
  const task = tracer === undefined ? cycle : () => tracer.startActiveSpan('task', (span) => cycle().finally(() => span.end()));
  return async function run(total) {
    let left = total;
    const worker = async () => {
      while (left-- > 0) await task();
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  };
}
