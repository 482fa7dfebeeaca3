// Where poolguard's time goes: CPU-profiles raw pg and guarded pg in one
// configuration (node --cpu-prof, one fresh process each) and prints the
// functions whose self time per cycle differs most, in µs per cycle.
//
//   node bench/profile-diff.mjs '{"driver":"fake","concurrency":16,"otel":"sdk+pg","cycles":500000}'
//
// The spec is bench/pg-cycle.mjs's. The sampling profiler adds its own cost,
// most on real I/O (signals interrupt the socket calls), so read the
// differences between the two columns, not the totals. With the fake driver
// the attribution is steadiest.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const spec = { driver: 'fake', concurrency: 16, cycles: 500000, warmup: 50000, ...JSON.parse(process.argv[2] ?? '{}') };
const top = Number(process.argv[3] ?? 25);
const cycleScript = fileURLToPath(new URL('./pg-cycle.mjs', import.meta.url));

/** Self time in µs per cycle, by "function file:line". */
function profile(guard) {
  const dir = mkdtempSync(join(tmpdir(), 'poolguard-prof-'));
  try {
    execFileSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval', '100', cycleScript, JSON.stringify({ ...spec, guard })], { encoding: 'utf8' });
    const [file] = readdirSync(dir);
    const { nodes, samples, timeDeltas } = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const self = new Map();
    const cycles = spec.cycles + spec.warmup;
    samples.forEach((id, i) => {
      const { functionName, url, lineNumber } = byId.get(id).callFrame;
      const key = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
      self.set(key, (self.get(key) ?? 0) + (timeDeltas[i] ?? 0) / cycles);
    });
    return self;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const raw = profile(false);
const guarded = profile(true);
const total = (m) => [...m.values()].reduce((a, b) => a + b, 0);
const rows = [...new Set([...raw.keys(), ...guarded.keys()])]
  .map((key) => ({ key, raw: raw.get(key) ?? 0, guarded: guarded.get(key) ?? 0 }))
  .map((r) => ({ ...r, diff: r.guarded - r.raw }))
  .sort((a, b) => Math.abs(b.diff) - Math.abs(a.diff))
  .slice(0, top);
console.log(`spec ${JSON.stringify(spec)}`);
console.log(`sampled µs per cycle: raw ${total(raw).toFixed(3)}, guarded ${total(guarded).toFixed(3)}`);
console.log('| raw µs | guarded µs | difference | function |\n|---:|---:|---:|---|');
for (const r of rows) console.log(`| ${r.raw.toFixed(3)} | ${r.guarded.toFixed(3)} | ${r.diff >= 0 ? '+' : ''}${r.diff.toFixed(3)} | \`${r.key}\` |`);
