// One benchmark process: runs checkout+query+release cycles against a pg pool
// in one configuration and prints one JSON line with client CPU µs per cycle
// (process.cpuUsage, user+system) and cycles per second. bench/profile-diff.mjs
// profiles it; bench/pg-interleaved.mjs is the side-by-side measurement.
//
//   node bench/pg-cycle.mjs '{"guard":true,"api":"connect","concurrency":16,"cycles":20000,"driver":"real"}'
//
// guard:    false (raw pg) | true (guardPool with `options`)
// api:      "connect" (pool.connect + client.query + release) | "query" (pool.query)
// driver:   "real" (PostgreSQL on 127.0.0.1:5432) | "fake" (in-memory client, no I/O)
//           | "wire" (pg's own Client against an in-memory server, bench/lib/pg-wire-peer.mjs)
// otel:     "none" | "sdk" (NodeTracerProvider with an async-hooks context manager, a span per task)
//           | "sdk+pg" (the same plus @opentelemetry/instrumentation-pg) | "metrics" (a MeterProvider only)
import { performance } from 'node:perf_hooks';
import { benchPool, startOtel, workload } from './lib/pg-workload.mjs';

const spec = { guard: false, api: 'connect', concurrency: 1, cycles: 10000, warmup: 1000, driver: 'real', otel: 'none', options: {}, ...JSON.parse(process.argv[2] ?? '{}') };
const tracer = startOtel(spec.otel);
const pool = benchPool({ ...spec, name: 'bench' });
const run = workload({ pool, api: spec.api, concurrency: spec.concurrency, tracer });

await run(spec.warmup);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await run(spec.cycles);
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
await pool.end();
process.stdout.write(`${JSON.stringify({
  spec,
  cpuUsPerCycle: (cpu.user + cpu.system) / spec.cycles,
  userUsPerCycle: cpu.user / spec.cycles,
  systemUsPerCycle: cpu.system / spec.cycles,
  cyclesPerSec: spec.cycles / (wallMs / 1000),
})}\n`);
