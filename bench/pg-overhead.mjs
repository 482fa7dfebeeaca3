// Paired overhead benchmark of the pg guard: each configuration against raw
// pg in the same run, alternated in fresh processes, median of the pairs.
// Prints a table and, as its last line, JSON rows for bench/run.mjs.
//
//   node bench/pg-overhead.mjs [--pairs 5] [--quick]
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fmt, median, table } from './lib/stats.mjs';

const args = process.argv.slice(2);
const pairs = Number(args[args.indexOf('--pairs') + 1]) || 5;
const quick = args.includes('--quick');
const cycleScript = fileURLToPath(new URL('./pg-cycle.mjs', import.meta.url));

function measure(spec) {
  const out = execFileSync(process.execPath, [cycleScript, JSON.stringify(spec)], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop());
}

/** Runs baseline and candidate alternately; returns medians and ratios. */
function paired(baseline, candidate) {
  const base = [];
  const cand = [];
  for (let i = 0; i < pairs; i++) {
    const [first, second] = i % 2 === 0 ? [baseline, candidate] : [candidate, baseline];
    const a = measure(first);
    const b = measure(second);
    (first === baseline ? base : cand).push(a);
    (first === baseline ? cand : base).push(b);
  }
  const cpuBase = median(base.map((r) => r.cpuUsPerCycle));
  const cpuCand = median(cand.map((r) => r.cpuUsPerCycle));
  return {
    cpuBase,
    cpuCand,
    cpuRatio: median(base.map((r, i) => cand[i].cpuUsPerCycle / r.cpuUsPerCycle)),
    throughputRatio: median(base.map((r, i) => cand[i].cyclesPerSec / r.cyclesPerSec)),
  };
}

const real = quick ? 4000 : 20000;
const fake = quick ? 50000 : 300000;
const cases = [
  { figure: 'default, connect+query+release, c=1', base: { concurrency: 1, cycles: real / 2 }, cand: { guard: true }, cpu: 1.02, tput: 0.98 },
  { figure: 'default, connect+query+release, c=16', base: { concurrency: 16, cycles: real }, cand: { guard: true }, cpu: 1.02, tput: 0.98 },
  { figure: 'default, pool.query, c=16', base: { api: 'query', concurrency: 16, cycles: real }, cand: { guard: true }, cpu: 1.02, tput: 0.98 },
  { figure: 'default, OTel SDK spans (trace-id tasks), c=16', base: { concurrency: 16, cycles: real, otel: 'sdk' }, cand: { guard: true }, cpu: 1.02 },
  { figure: 'with instrumentation-pg, against it alone, c=16', base: { concurrency: 16, cycles: real, otel: 'sdk+pg' }, cand: { guard: true }, cpu: 1.02 },
  { figure: 'leaseHandles: true, c=16', base: { concurrency: 16, cycles: real }, cand: { guard: true, options: { leaseHandles: true } }, cpu: 1.03 },
  { figure: 'captureStacks, stackSampleRate 0.01, c=16', base: { concurrency: 16, cycles: real }, cand: { guard: true, options: { captureStacks: true, stackSampleRate: 0.01 } }, cpu: 1.03 },
  { figure: 'captureStacks, stackSampleRate 1, c=16', base: { concurrency: 16, cycles: real }, cand: { guard: true, options: { captureStacks: true, stackSampleRate: 1 } } },
  { figure: 'fake driver (no I/O), µs added per cycle, c=16', base: { concurrency: 16, cycles: fake, driver: 'fake' }, cand: { guard: true }, addedUs: 0.5 },
];

const rows = [];
for (const c of cases) {
  const base = { guard: false, ...c.base };
  const cand = { ...base, ...c.cand };
  const r = paired(base, cand);
  if (c.addedUs !== undefined) {
    const added = r.cpuCand - r.cpuBase;
    rows.push({ figure: c.figure, value: `+${fmt(added)} µs (${fmt(r.cpuBase)} → ${fmt(r.cpuCand)})`, budget: `≤ ${c.addedUs} µs`, pass: added <= c.addedUs });
    continue;
  }
  const tputNote = c.tput === undefined ? '' : `, throughput ${fmt(r.throughputRatio)}×`;
  const pass = c.cpu === undefined ? undefined : r.cpuRatio <= c.cpu && (c.tput === undefined || r.throughputRatio >= c.tput);
  rows.push({
    figure: c.figure,
    value: `${fmt(r.cpuRatio)}× CPU (${fmt(r.cpuBase, 2)} → ${fmt(r.cpuCand, 2)} µs/cycle)${tputNote}`,
    budget: c.cpu === undefined ? undefined : `≤ ${c.cpu}× CPU${c.tput === undefined ? '' : `, ≥ ${c.tput}× throughput`}`,
    pass,
  });
}
console.log(table(rows));
console.log(JSON.stringify({ suite: 'pg', rows }));
