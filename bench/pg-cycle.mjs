// One benchmark process: runs checkout+query+release cycles against a pg pool
// in one configuration and prints one JSON line with client CPU µs per cycle
// (process.cpuUsage, user+system) and cycles per second.
//
//   node bench/pg-cycle.mjs '{"guard":true,"api":"connect","concurrency":16,"cycles":20000,"driver":"real"}'
//
// guard:    false (raw pg) | true (guardPool with `options`)
// api:      "connect" (pool.connect + client.query + release) | "query" (pool.query)
// driver:   "real" (PostgreSQL on 127.0.0.1:5432) | "fake" (in-memory client, no I/O)
// otel:     "none" | "sdk" (NodeTracerProvider with an async-hooks context manager, a span per task)
//           | "sdk+pg" (the same plus @opentelemetry/instrumentation-pg)
import { performance } from 'node:perf_hooks';
import { benchPool, startOtel, workload } from './lib/pg-workload.mjs';

const spec = { guard: false, api: 'connect', concurrency: 1, cycles: 10000, warmup: 1000, driver: 'real', otel: 'none', options: {}, ...JSON.parse(process.argv[2] ?? '{}') };
const tracer = startOtel(spec.otel);
const pool = benchPool({ ...spec, name: 'bench' });
const run = workload({ pool, api: spec.api, concurrency: spec.concurrency, tracer });

await run(spec.warmup);
// The measured cycles may run in blocks (`blocks`); the process then reports
// the median block, so that a moment of interference from elsewhere on the
// machine does not decide the figure.
const blocks = Math.max(1, spec.blocks ?? 1);
const perBlock = Math.ceil(spec.cycles / blocks);
const samples = [];
for (let b = 0; b < blocks; b++) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await run(perBlock);
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  samples.push({ cpu: (cpu.user + cpu.system) / perBlock, user: cpu.user / perBlock, system: cpu.system / perBlock, perSec: perBlock / (wallMs / 1000) });
}
await pool.end();
const medianOf = (key) => {
  const sorted = samples.map((s) => s[key]).sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
process.stdout.write(`${JSON.stringify({
  spec,
  cpuUsPerCycle: medianOf('cpu'),
  userUsPerCycle: medianOf('user'),
  systemUsPerCycle: medianOf('system'),
  cyclesPerSec: medianOf('perSec'),
})}\n`);
