// One benchmark process that measures a baseline and a candidate side by side:
// two pools in the same process, run in alternating blocks (A B, B A, A B, ...),
// each block timed with process.cpuUsage (user+system) and the wall clock.
// Prints one JSON line: the median of the per-pair ratios (candidate/baseline)
// and each side's median block.
//
//   node bench/pg-interleaved.mjs '{"concurrency":16,"candidate":{"guard":true}}'
//
// Why in one process: on a shared 2-core machine, separate processes of the
// same code land in different steady states (±15 % client CPU between runs,
// steady within a run), which drowns a 2 % budget; blocks a few milliseconds
// apart see the same machine. Both pools are pg.Pool; the baseline is never
// guarded (guardPool wraps instances, not pg's prototypes).
//
// api:       "connect" (pool.connect + client.query + release) | "query" (pool.query)
// driver:    "real" (PostgreSQL on 127.0.0.1:5432) | "fake" (in-memory client, no I/O)
//           | "wire" (pg's own Client against an in-memory server, bench/lib/pg-wire-peer.mjs)
// otel:      "none" | "sdk" (a span per task) | "sdk+pg" (the same plus @opentelemetry/instrumentation-pg)
//            | "metrics" (a MeterProvider only: the pool metrics record)
// baseline / candidate: { guard: boolean, options: {...guardPool options}, guardModule: string, spinNs: number, contextReads: boolean }
//   guardModule: the directory of another poolguard build (a worktree's packages/instrumentation),
//   to compare two trees side by side; each side loads its own copy.
//   spinNs is a control: raw pg plus a fixed amount of busy work per cycle.
//   contextReads is a control: raw pg plus the three reads of the active span
//   context that poolguard's exact layer makes per cycle (api "connect" only).
// blockMs:  a cap on a block's wall time, for slower machines: see warmUp().
// candidateFirst: create the candidate's pool first and run its block first in
//   even pairs (pg-overhead.mjs alternates it between processes).
import { performance } from 'node:perf_hooks';
import { benchPool, readSpanContext, startOtel, workload } from './lib/pg-workload.mjs';
import { median } from './lib/stats.mjs';

const spec = {
  api: 'connect',
  concurrency: 16,
  driver: 'real',
  otel: 'none',
  warmup: 10000,
  pairs: 10,
  blockCycles: 3000,
  baseline: { guard: false },
  candidate: { guard: true },
  ...JSON.parse(process.argv[2] ?? '{}'),
};
const tracer = startOtel(spec.otel);

let sink = 0;
function spin(iterations) {
  let x = sink;
  for (let i = 0; i < iterations; i++) x = (x * 1103515245 + 12345) | 0;
  sink = x;
}
/** Iterations of spin() that take about `ns` nanoseconds here. */
function calibrateSpin(ns) {
  if (!ns) return 0;
  const probe = 5_000_000;
  spin(probe);
  const t = performance.now();
  spin(probe);
  return Math.max(1, Math.round((ns / 1e6) * (probe / (performance.now() - t))));
}

function side(name, config) {
  const pool = benchPool({ ...spec, guard: config.guard, guardModule: config.guardModule, options: config.options, name });
  const spins = calibrateSpin(config.spinNs);
  const at = config.contextReads ? () => { if (readSpanContext() === null) sink++; } : undefined;
  const run = workload({ pool, api: spec.api, concurrency: spec.concurrency, tracer, before: spins > 0 ? () => spin(spins) : undefined, at });
  async function block(cycles) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await run(cycles);
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return { cpu: (cpu.user + cpu.system) / cycles, user: cpu.user / cycles, system: cpu.system / cycles, perSec: cycles / (wallMs / 1000) };
  }
  return { run, block, end: () => pool.end() };
}

const [first, second] = spec.candidateFirst
  ? [['candidate', side('bench-candidate', spec.candidate)], ['baseline', side('bench-baseline', spec.baseline)]]
  : [['baseline', side('bench-baseline', spec.baseline)], ['candidate', side('bench-candidate', spec.candidate)]];
const base = first[0] === 'baseline' ? first[1] : second[1];
const cand = first[0] === 'candidate' ? first[1] : second[1];

/**
 * Warms both sides up in pairs of blocks (the JIT counts calls, not time, so
 * the warm-up keeps its count). The counts are set for the machine the budgets
 * were measured on; with `blockMs`, a slower machine then measures fewer cycles
 * per block: as many as the warm baseline's last block fits in blockMs, never
 * more than blockCycles, never under a tenth of it. The run keeps most of its
 * length there; the figures stay per cycle.
 */
async function warmUp() {
  let msPerCycle = 0;
  let done = 0;
  while (done < spec.warmup) {
    for (const [role, runner] of [first, second]) {
      const t0 = performance.now();
      await runner.run(spec.blockCycles);
      if (role === 'baseline') msPerCycle = (performance.now() - t0) / spec.blockCycles;
    }
    done += spec.blockCycles;
  }
  if (!spec.blockMs || done === 0) return { blockCycles: spec.blockCycles, warmup: done };
  const blockCycles = Math.min(spec.blockCycles, Math.max(Math.ceil(spec.blockCycles / 10), Math.floor(spec.blockMs / msPerCycle)));
  return { blockCycles, warmup: done };
}
const { blockCycles, warmup } = await warmUp();
const blocks = { baseline: [], candidate: [] };
for (let i = 0; i < spec.pairs; i++) {
  const [a, b] = i % 2 === 0 ? [first, second] : [second, first];
  blocks[a[0]].push(await a[1].block(blockCycles));
  blocks[b[0]].push(await b[1].block(blockCycles));
}
const baseBlocks = blocks.baseline;
const candBlocks = blocks.candidate;
await base.end();
await cand.end();

const of = (blocks, key) => median(blocks.map((b) => b[key]));
process.stdout.write(`${JSON.stringify({
  spec,
  sized: { blockCycles, warmup },
  cpuRatio: median(baseBlocks.map((b, i) => candBlocks[i].cpu / b.cpu)),
  pairRatios: baseBlocks.map((b, i) => Number((candBlocks[i].cpu / b.cpu).toFixed(3))),
  userRatio: median(baseBlocks.map((b, i) => candBlocks[i].user / b.user)),
  throughputRatio: median(baseBlocks.map((b, i) => candBlocks[i].perSec / b.perSec)),
  baseline: { cpuUsPerCycle: of(baseBlocks, 'cpu'), userUsPerCycle: of(baseBlocks, 'user'), systemUsPerCycle: of(baseBlocks, 'system'), cyclesPerSec: of(baseBlocks, 'perSec') },
  candidate: { cpuUsPerCycle: of(candBlocks, 'cpu'), userUsPerCycle: of(candBlocks, 'user'), systemUsPerCycle: of(candBlocks, 'system'), cyclesPerSec: of(candBlocks, 'perSec') },
})}\n`);
