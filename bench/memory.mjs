// Memory of the pg guard, against the in-memory fake driver (no I/O):
//  1. retention: heap after a forced GC, before and after 1,000,000 checkout
//     cycles in the default config (budget: within 2 MB; no lease state kept
//     after release);
//  2. per-lease bytes: heap growth while N leases are held at once, with and
//     without poolguard; the difference per lease is poolguard's. Measured at
//     N/5 and N held: equal bytes per lease at both means linear growth.
// Runs each measurement in a fresh process with --expose-gc. The last line is
// JSON for bench/run.mjs.
//
//   node bench/memory.mjs [--cycles 1000000] [--held 5000]
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { fmt, numberOption, table } from './lib/stats.mjs';

const args = process.argv.slice(2);

if (args[0] === '--child') {
  const spec = JSON.parse(args[1]);
  const require = createRequire(import.meta.url);
  const pg = require('pg');
  const { guardPool } = require('@poolguard/instrumentation');
  const { FakePgClient } = await import('./lib/fake-pg-client.mjs');
  let pool = new pg.Pool({ Client: FakePgClient, max: spec.max, idleTimeoutMillis: 0 });
  if (spec.guard) pool = guardPool(pool, { name: 'memory' });
  const heap = () => {
    global.gc();
    global.gc();
    return process.memoryUsage().heapUsed;
  };
  const cycle = async () => {
    const client = await pool.connect();
    await client.query('SELECT 1');
    client.release();
  };
  if (spec.mode === 'retention') {
    const run = async (n) => {
      let left = n;
      await Promise.all(Array.from({ length: 16 }, async () => { while (left-- > 0) await cycle(); }));
    };
    await run(20_000); // warm up: connections, JIT, pool internals
    const before = heap();
    await run(spec.cycles);
    const after = heap();
    process.stdout.write(`${JSON.stringify({ before, after })}\n`);
  } else {
    // From an empty pool: each held lease brings its connection, as in an app under load.
    await cycle();
    const before = heap();
    const held = await Promise.all(Array.from({ length: spec.held }, () => pool.connect()));
    const during = heap();
    for (const client of held) client.release();
    process.stdout.write(`${JSON.stringify({ before, during })}\n`);
  }
  await pool.end();
  process.exit(0);
}

const self = fileURLToPath(import.meta.url);
const child = (spec) => JSON.parse(execFileSync(process.execPath, ['--expose-gc', self, '--child', JSON.stringify(spec)], { encoding: 'utf8' }).trim().split('\n').pop());

const cycles = numberOption('--cycles', 1_000_000);
const heldCount = numberOption('--held', 5_000);
const retention = child({ mode: 'retention', guard: true, cycles, max: 16 });
const grew = retention.after - retention.before;
/** poolguard's bytes per lease with `held` leases held at once (guarded minus raw). */
function bytesPerLease(held) {
  const raw = child({ mode: 'held', guard: false, held, max: held });
  const guarded = child({ mode: 'held', guard: true, held, max: held });
  return ((guarded.during - guarded.before) - (raw.during - raw.before)) / held;
}
const fewer = Math.max(1, Math.round(heldCount / 5));
const perLeaseFewer = bytesPerLease(fewer);
const perLease = bytesPerLease(heldCount);
// Linear: the per-lease figure at N/5 within 20 % (or 100 B) of the one at N.
const linear = Math.abs(perLeaseFewer - perLease) <= Math.max(0.2 * perLease, 100);

const rows = [
  {
    figure: `heap growth over ${cycles.toLocaleString('en')} cycles (default config, after forced GC)`,
    value: `${fmt(grew / 1024 / 1024, 2)} MB (${fmt(retention.before / 1024 / 1024, 1)} → ${fmt(retention.after / 1024 / 1024, 1)} MB)`,
    budget: '≤ 2 MB',
    pass: grew <= 2 * 1024 * 1024,
  },
  {
    figure: `bytes per held lease and its connection (${heldCount.toLocaleString('en')} held at once, guarded minus raw)`,
    value: `${fmt(perLease, 0)} B`,
  },
  {
    figure: `growth with leases held: bytes per lease at ${fewer.toLocaleString('en')} and at ${heldCount.toLocaleString('en')} held`,
    value: `${fmt(perLeaseFewer, 0)} B and ${fmt(perLease, 0)} B`,
    budget: 'linear (within 20 %)',
    pass: linear,
  },
];
console.log(table(rows));
console.log(JSON.stringify({ suite: 'memory', rows }));
