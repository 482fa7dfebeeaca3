// Instructions and simulated cache misses per checkout+query+release, raw pg
// against guarded pg, counted by valgrind's cachegrind. Timing figures on this
// shared VM move by a few per cent from run to run; these counts do not move
// with the machine's load, and they say whether added time comes from more
// instructions or from cache misses. A diagnostic, not part of `npm run bench`:
// each configuration takes about four minutes (four runs under valgrind, two at a
// time).
//
//   node bench/instructions.mjs '{"otel":"sdk+pg","concurrency":16}'
//
// The spec is bench/pg-cycle.mjs's (driver "real" unless given). Each side
// runs twice, with `short` and `long` measured cycles after the same warm-up;
// the difference between the two runs divided by the extra cycles is the
// per-cycle figure, so start-up, warm-up and JIT compilation cancel out.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const spec = { driver: 'real', concurrency: 16, otel: 'none', api: 'connect', warmup: 12000, short: 2000, long: 6000, ...JSON.parse(process.argv[2] ?? '{}') };
const cycleScript = fileURLToPath(new URL('./pg-cycle.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'poolguard-cachegrind-'));

/** cachegrind's totals for one run: instructions, I1 misses, data refs, D1 misses, last-level misses. */
async function counts(guard, cycles) {
  const out = join(dir, `${guard ? 'guarded' : 'raw'}-${cycles}.out`);
  const { short, long, ...cycleSpec } = spec;
  await run('valgrind', ['--tool=cachegrind', '--cache-sim=yes', `--cachegrind-out-file=${out}`, process.execPath, cycleScript, JSON.stringify({ ...cycleSpec, guard, cycles })], { maxBuffer: 64 * 1024 * 1024 });
  const text = readFileSync(out, 'utf8');
  const events = /^events: (.*)$/m.exec(text)[1].split(' ');
  const totals = /^summary: (.*)$/m.exec(text)[1].split(' ').map(Number);
  const of = (name) => totals[events.indexOf(name)];
  return {
    instructions: of('Ir'),
    i1Misses: of('I1mr'),
    dataRefs: of('Dr') + of('Dw'),
    d1Misses: of('D1mr') + of('D1mw'),
    llMisses: of('ILmr') + of('DLmr') + of('DLmw'),
  };
}

try {
  // Two at a time: the counts do not depend on what else runs.
  const [rawShort, guardedShort] = await Promise.all([counts(false, spec.short), counts(true, spec.short)]);
  const [rawLong, guardedLong] = await Promise.all([counts(false, spec.long), counts(true, spec.long)]);
  const extra = spec.long - spec.short;
  console.log(`spec ${JSON.stringify(spec)}`);
  console.log('| per cycle | raw | guarded | difference |');
  console.log('|---|---:|---:|---:|');
  const rows = {};
  for (const key of Object.keys(rawShort)) {
    const raw = (rawLong[key] - rawShort[key]) / extra;
    const guarded = (guardedLong[key] - guardedShort[key]) / extra;
    rows[key] = { raw, guarded };
    console.log(`| ${key} | ${raw.toFixed(0)} | ${guarded.toFixed(0)} | ${(guarded - raw).toFixed(0)} (${(((guarded - raw) / raw) * 100).toFixed(1)} %) |`);
  }
  console.log(JSON.stringify({ spec, rows }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
