// Overhead of the pg guard against raw pg, measured side by side. Each figure
// comes from several fresh processes (bench/pg-interleaved.mjs); each process
// runs a baseline pool and a candidate pool in alternating blocks and reports
// the median of its per-pair ratios; the figure is the median over processes,
// with their spread. Odd processes create and run the candidate first.
// Prints a table and, as its last line, JSON rows for bench/run.mjs.
//
//   node bench/pg-overhead.mjs [--processes 5] [--quick]
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pinForBenchmark } from './lib/pinning.mjs';
import { fmt, median, numberOption, table } from './lib/stats.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const processes = numberOption('--processes', quick ? 3 : 5);
const script = fileURLToPath(new URL('./pg-interleaved.mjs', import.meta.url));
const pinning = pinForBenchmark();

function measure(spec) {
  const [command, ...prefix] = [...pinning.clientPrefix, process.execPath];
  const out = execFileSync(command, [...prefix, script, JSON.stringify(spec)], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop());
}

/** Runs `spec` in `processes` fresh processes, alternating which side goes first. */
function sideBySide(spec) {
  const runs = [];
  for (let i = 0; i < processes; i++) runs.push(measure({ ...spec, candidateFirst: i % 2 === 1 }));
  const ratios = runs.map((r) => r.cpuRatio);
  return {
    cpuRatio: median(ratios),
    spread: [Math.min(...ratios), Math.max(...ratios)],
    throughputRatio: median(runs.map((r) => r.throughputRatio)),
    cpuBase: median(runs.map((r) => r.baseline.cpuUsPerCycle)),
    cpuCand: median(runs.map((r) => r.candidate.cpuUsPerCycle)),
    addedUs: median(runs.map((r) => r.candidate.cpuUsPerCycle - r.baseline.cpuUsPerCycle)),
    blockCycles: median(runs.map((r) => r.sized.blockCycles)),
  };
}

// blockMs: about a block's wall time where the counts were set (raw pg 20–30 µs per cycle, the
// fake driver 0.7 µs, the wire peer 6 µs); a slower machine runs smaller blocks, not longer ones.
const real = quick ? { pairs: 6, blockCycles: 1500, warmup: 4000, blockMs: 45 } : { pairs: 8, blockCycles: 2000, warmup: 6000, blockMs: 60 };
const fake = quick ? { pairs: 6, blockCycles: 10000, warmup: 50000, blockMs: 8 } : { pairs: 12, blockCycles: 30000, warmup: 100000, blockMs: 25 };
const wire = quick ? { pairs: 6, blockCycles: 5000, warmup: 20000, blockMs: 30 } : { pairs: 10, blockCycles: 10000, warmup: 30000, blockMs: 60 };
const guarded = (options = {}) => ({ guard: true, options });
const cases = [
  { figure: 'default, connect+query+release, c=1', spec: { concurrency: 1 }, candidate: guarded(), cpu: 1.02, tput: 0.98 },
  { figure: 'default, connect+query+release, c=16', spec: { concurrency: 16 }, candidate: guarded(), cpu: 1.02, tput: 0.98 },
  { figure: 'default, pool.query, c=1', spec: { api: 'query', concurrency: 1 }, candidate: guarded(), cpu: 1.02, tput: 0.98 },
  { figure: 'default, pool.query, c=16', spec: { api: 'query', concurrency: 16 }, candidate: guarded(), cpu: 1.02, tput: 0.98 },
  { figure: 'default under an OTel SDK (trace-id tasks), a span per task, c=16', spec: { concurrency: 16, otel: 'sdk' }, candidate: guarded(), cpu: 1.02 },
  { figure: 'with instrumentation-pg, against it alone, c=16', spec: { concurrency: 16, otel: 'sdk+pg' }, candidate: guarded(), cpu: 1.02 },
  { figure: 'leaseHandles: true, c=16', spec: { concurrency: 16 }, candidate: guarded({ leaseHandles: true }), cpu: 1.03 },
  { figure: 'captureStacks, stackSampleRate 0.01, c=16', spec: { concurrency: 16 }, candidate: guarded({ captureStacks: true, stackSampleRate: 0.01 }), cpu: 1.03 },
  { figure: 'captureStacks, stackSampleRate 1, c=16', spec: { concurrency: 16 }, candidate: guarded({ captureStacks: true, stackSampleRate: 1 }) },
  { figure: 'fake driver (no I/O), µs added per cycle, c=16', spec: { concurrency: 16, driver: 'fake', ...fake }, candidate: guarded(), addedUs: 0.5 },
  { figure: 'pg\'s own client against an in-memory PostgreSQL peer (no I/O), µs added per cycle, c=16', spec: { concurrency: 16, driver: 'wire', ...wire }, candidate: guarded(), addedUs: 0.5 },
  { figure: 'fake driver with a MeterProvider (the pool metrics record wait and use time), µs added per cycle, c=16', spec: { concurrency: 16, driver: 'fake', otel: 'metrics', ...fake }, candidate: guarded(), addedUs: null },
  { figure: 'control: raw against raw (the method\'s noise), c=16', spec: { concurrency: 16 }, candidate: { guard: false }, control: true },
  { figure: 'control: raw + 0.5 µs of busy work per cycle (the method\'s resolution), c=1', spec: { concurrency: 1 }, candidate: { guard: false, spinNs: 500 }, control: true },
  { figure: 'control: instrumentation-pg + the three span-context reads per cycle that the exact layer needs (at connect, query and release), no poolguard, c=16', spec: { concurrency: 16, otel: 'sdk+pg' }, candidate: { guard: false, contextReads: true }, control: true },
];

const rows = [];
const shrunk = [];
for (const c of cases) {
  const spec = { ...real, ...c.spec, baseline: { guard: false }, candidate: c.candidate };
  const r = sideBySide(spec);
  if (r.blockCycles < spec.blockCycles) shrunk.push(`${c.figure}: ${r.blockCycles} of ${spec.blockCycles}`);
  if (c.addedUs !== undefined) {
    // addedUs: null is a figure reported without a budget.
    const budgeted = c.addedUs !== null;
    rows.push({ figure: c.figure, value: `+${fmt(r.addedUs)} µs (${fmt(r.cpuBase)} → ${fmt(r.cpuCand)})`, budget: budgeted ? `≤ ${c.addedUs} µs` : undefined, pass: budgeted ? r.addedUs <= c.addedUs : undefined });
    continue;
  }
  const tputNote = c.tput === undefined && !c.control ? '' : `, throughput ${fmt(r.throughputRatio)}×`;
  const pass = c.cpu === undefined ? undefined : r.cpuRatio <= c.cpu && (c.tput === undefined || r.throughputRatio >= c.tput);
  rows.push({
    figure: c.figure,
    value: `${fmt(r.cpuRatio)}× CPU (processes ${fmt(r.spread[0])}–${fmt(r.spread[1])}; ${fmt(r.cpuBase, 2)} → ${fmt(r.cpuCand, 2)} µs/cycle)${tputNote}`,
    budget: c.cpu === undefined ? undefined : `≤ ${c.cpu}× CPU${c.tput === undefined ? '' : `, ≥ ${c.tput}× throughput`}`,
    pass,
  });
}
pinning.restore();
const note = `${processes} processes per figure, ${pinning.note}${shrunk.length ? `; blocks cut to fit their time on this machine (median cycles per block): ${shrunk.join('; ')}` : ''}`;
console.log(`pg: ${note}`);
console.log(table(rows));
console.log(JSON.stringify({ suite: 'pg', note, rows }));
