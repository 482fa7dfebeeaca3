// Memory of the pg guard, against the in-memory fake driver (no I/O):
//  1. retention: heap after a forced GC, before and after 1,000,000 checkout
//     cycles in the default config (budget: within 2 MB; no lease state kept
//     after release);
//  2. per-lease bytes: heap growth while leases are held at once, with and
//     without poolguard, at N/5, 2N/5, ... N held, raw and guarded in one
//     process after a warm-up round has compiled the code; each point the
//     median of 3 processes. The slope of the line through the differences is
//     poolguard's bytes per lease; the growth is linear when every point lies
//     within 5 % (of the growth at N) of that line.
// Runs each measurement in a fresh process with --expose-gc. The last line is
// JSON for bench/run.mjs.
//
//   node bench/memory.mjs [--cycles 1000000] [--held 10000]
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { fmt, median, numberOption, table } from './lib/stats.mjs';

const args = process.argv.slice(2);

if (args[0] === '--child') {
  const spec = JSON.parse(args[1]);
  const require = createRequire(import.meta.url);
  const pg = require('pg');
  const { guardPool } = require('@poolguard/instrumentation');
  const { FakePgClient } = await import('./lib/fake-pg-client.mjs');
  const newPool = (guard, max, name) => {
    const pool = new pg.Pool({ Client: FakePgClient, max, idleTimeoutMillis: 0 });
    return guard ? guardPool(pool, { name }) : pool;
  };
  const heap = () => {
    global.gc();
    global.gc();
    return process.memoryUsage().heapUsed;
  };
  const { workload } = await import('./lib/pg-workload.mjs');
  if (spec.mode === 'retention') {
    const pool = newPool(true, 16, 'memory');
    const run = workload({ pool, api: 'connect', concurrency: 16 });
    await run(20_000); // warm up: connections, JIT, pool internals
    const before = heap();
    await run(spec.cycles);
    const after = heap();
    await pool.end();
    process.stdout.write(`${JSON.stringify({ before, after })}\n`);
  } else {
    // Heap growth at each count in `points` of leases held, for a raw pool and then a guarded one, in
    // one process. Each pool starts empty: a held lease brings its connection, as in an app under load.
    const hold = async (guard, name) => {
      const pool = newPool(guard, spec.points.at(-1), name);
      await workload({ pool, api: 'connect', concurrency: 1 })(1);
      const before = heap();
      const held = [];
      const growth = [];
      for (const count of spec.points) {
        held.push(...await Promise.all(Array.from({ length: count - held.length }, () => pool.connect())));
        growth.push(heap() - before);
      }
      for (const client of held) client.release();
      await pool.end();
      return growth;
    };
    // A first round compiles the code that the measured round runs (compiled code counts in the heap).
    await hold(false, 'warm-up');
    await hold(true, 'warm-up');
    const raw = await hold(false, 'memory');
    const guarded = await hold(true, 'memory');
    process.stdout.write(`${JSON.stringify({ raw, guarded })}\n`);
  }
  process.exit(0);
}
const self = fileURLToPath(import.meta.url);
const child = (spec) => JSON.parse(execFileSync(process.execPath, ['--expose-gc', self, '--child', JSON.stringify(spec)], { encoding: 'utf8' }).trim().split('\n').pop());

const cycles = numberOption('--cycles', 1_000_000);
const heldCount = numberOption('--held', 10_000);
const retention = child({ mode: 'retention', cycles });
const grew = retention.after - retention.before;

// poolguard's heap growth (guarded minus raw) at 5 counts of leases held, each the median of 3 processes.
const points = Array.from({ length: 5 }, (_, i) => Math.round((heldCount * (i + 1)) / 5));
const runs = Array.from({ length: 3 }, () => child({ mode: 'held', points }));
const added = points.map((_, i) => median(runs.map(({ raw, guarded }) => guarded[i] - raw[i])));
// Least-squares line through them: its slope is the bytes per lease; linear when no point is
// further from the line than 5 % of the line's growth at the largest count.
const meanX = points.reduce((a, b) => a + b, 0) / points.length;
const meanY = added.reduce((a, b) => a + b, 0) / added.length;
const slope = points.reduce((sum, x, i) => sum + (x - meanX) * (added[i] - meanY), 0) / points.reduce((sum, x) => sum + (x - meanX) ** 2, 0);
const intercept = meanY - slope * meanX;
const worst = Math.max(...points.map((x, i) => Math.abs(added[i] - (intercept + slope * x))));
const deviation = worst / (slope * heldCount);
const perLeaseAt = (i) => fmt(added[i] / points[i], 0);

const rows = [
  {
    figure: `heap growth over ${cycles.toLocaleString('en')} cycles (default config, after forced GC)`,
    value: `${fmt(grew / 1024 / 1024, 2)} MB (${fmt(retention.before / 1024 / 1024, 1)} → ${fmt(retention.after / 1024 / 1024, 1)} MB)`,
    budget: '≤ 2 MB',
    pass: grew <= 2 * 1024 * 1024,
  },
  {
    figure: `bytes per held lease and its connection (slope over ${points[0].toLocaleString('en')}–${heldCount.toLocaleString('en')} held at once, guarded minus raw)`,
    value: `${fmt(slope, 0)} B (${perLeaseAt(0)} B per lease at ${points[0].toLocaleString('en')} held, ${perLeaseAt(points.length - 1)} B at ${heldCount.toLocaleString('en')})`,
  },
  {
    figure: 'growth with leases held: furthest point from a straight line, against the growth at the largest count',
    value: `${fmt(deviation * 100, 1)} %`,
    budget: 'linear (within 5 %)',
    pass: deviation <= 0.05,
  },
];
console.log(table(rows));
console.log(JSON.stringify({ suite: 'memory', rows }));
