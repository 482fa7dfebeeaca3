// `npm run bench`: every benchmark, one table. Each suite runs as its own
// script (fresh processes inside) and prints JSON rows on its last line; this
// collects them, prints figure / value / budget / result, and with --write
// puts the table into bench/RESULTS.md between the generated markers.
//
//   npm run bench [-- --write] [-- --quick]
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { table } from './lib/stats.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const here = (file) => fileURLToPath(new URL(file, import.meta.url));

const suites = [
  { script: 'pg-overhead.mjs', args: quick ? ['--quick'] : ['--processes', '5'] },
  { script: 'memory.mjs', args: quick ? ['--cycles', '200000', '--held', '2000'] : [] },
  { script: 'http.mjs', args: quick ? ['--processes', '1', '--pairs', '2', '--seconds', '1'] : [] },
  { script: 'boundary.mjs', args: [] },
  { script: 'eslint.mjs', args: quick ? ['--pairs', '2'] : [] },
];

/** bench/eslint.mjs prints its own summary shape; turn it into rows. */
function eslintRows(summary) {
  if (summary.bench !== 'eslint') return [];
  const load = summary.load;
  const untypedLintMs = summary.untyped.baseMs;
  const loadRow = {
    figure: 'loading the plugin in a fresh process (once per `eslint` run; the side-by-side figures leave it out)',
    value: `${load.ms} ms, ${load.modules} modules${load.typescript ? ', TypeScript among them' : ''} (median of ${load.processes} processes; ${(100 * load.ms / untypedLintMs).toFixed(1)} % of the untyped lint without the plugin, ${(untypedLintMs / 1000).toFixed(1)} s)`,
    budget: 'reported',
    pass: undefined,
  };
  return [loadRow, ...['untyped', 'typed'].map((kind) => {
    const r = summary[kind];
    const rules = Object.entries(r.ruleTimesMs ?? {}).map(([rule, ms]) => `${rule.replace('poolguard/', '')} ${ms.toFixed(0)} ms`).join(', ');
    return {
      figure: `${kind === 'untyped' ? '@eslint/js recommended' : "typescript-eslint recommendedTypeChecked"} + poolguard, ${r.files} files (wall time, ${r.pairs} pairs side by side)`,
      value: `${r.medianRatio.toFixed(3)}× (CPU ${r.medianCpuRatio.toFixed(3)}×; pairs ${Math.min(...r.ratios).toFixed(3)}–${Math.max(...r.ratios).toFixed(3)}; TIMING=all ${rules} of a ${(r.timingRunMs / 1000).toFixed(1)} s lint)`,
      budget: `≤ ${r.budget.toFixed(2)}×`,
      pass: r.pass,
    };
  })];
}

const started = Date.now();
const rows = [];
const notes = [];
for (const suite of suites) {
  if (!existsSync(here(suite.script))) continue;
  process.stderr.write(`bench: ${suite.script} ${suite.args.join(' ')}\n`);
  const suiteStarted = Date.now();
  const out = execFileSync(process.execPath, [here(suite.script), ...suite.args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
  const last = out.trim().split('\n').pop();
  const parsed = JSON.parse(last);
  const seconds = Math.round((Date.now() - suiteStarted) / 1000);
  notes.push(`${parsed.suite ?? parsed.bench ?? suite.script} (${seconds} s)${parsed.note ? `: ${parsed.note}` : ''}`);
  for (const row of parsed.rows ?? eslintRows(parsed)) rows.push({ ...row, figure: `${parsed.suite ?? parsed.bench ?? suite.script}: ${row.figure}` });
}
const minutes = ((Date.now() - started) / 60000).toFixed(1);
const text = `${table(rows)}${notes.length ? `\n\n${notes.map((n) => `- ${n}`).join('\n')}` : ''}`;
console.log(text);
console.log(`\n${rows.filter((r) => r.pass === false).length} over budget, ${minutes} min, ${os.cpus().length} cores, Node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);

if (args.includes('--write')) {
  const file = here('RESULTS.md');
  const begin = '<!-- begin npm run bench -->';
  const end = '<!-- end npm run bench -->';
  const section = `${begin}\n## Latest \`npm run bench\`\n\nCommand: \`npm run bench -- --write${quick ? ' --quick' : ''}\` (${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, Node ${process.version}, ${minutes} min, load average at the end ${os.loadavg()[0].toFixed(1)}).\n\n${text}\n${end}`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n';
  const next = current.includes(begin)
    ? current.replace(new RegExp(`${begin}[\\s\\S]*${end}`), section)
    : current.replace(/^(# [^\n]*\n)?/, (title) => `${title || '# Benchmark results\n'}\n${section}\n\n`);
  writeFileSync(file, next);
}
