#!/usr/bin/env node
/**
 * What poolguard's ESLint rules cost on top of a normal setup.
 *
 *   untyped: ~3,500 real JS files from this repo's node_modules (sorted, capped,
 *            no minified bundles) with @eslint/js recommended, alone vs. plus
 *            poolguard.configs.recommended.            budget: ≤ 1.05×
 *   typed:   a generated 300-file TypeScript app that uses pg's types, with
 *            typescript-eslint recommendedTypeChecked, alone vs. plus
 *            poolguard.configs['recommended-type-checked'].  budget: ≤ 1.10×
 *
 * Each tree is measured side by side in one process through ESLint's Node API
 * (what the `eslint` command runs): the base and the plugin setup lint the same
 * files in alternating order, and the figure is the median of the per-pair
 * wall-time ratios, with CPU time beside it (see sideBySideChild). One more
 * plugin lint per tree with TIMING=all gives the rules' own times. The last
 * line printed is JSON, for bench/run.mjs to aggregate.
 *
 * Usage: npx tsc -b packages/eslint-plugin && node bench/eslint.mjs [--pairs N]
 *   --pairs: typed pairs (each a whole fresh lint per side; default 6). The
 *            untyped tree always gives one pair per chunk of UNTYPED_CHUNK files.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require_ = createRequire(import.meta.url);
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NODE_MODULES = path.join(REPO, 'node_modules');
const PLUGIN_ENTRY = path.join(REPO, 'packages', 'eslint-plugin', 'dist', 'index.js');
const MAX_UNTYPED_FILES = 3500;
const MAX_BYTES = 200 * 1024;
const TYPED_FILES = 300;
const BUDGETS = { untyped: 1.05, typed: 1.1 };
/** Files per untyped pair: about 1.3 s of linting each. */
const UNTYPED_CHUNK = 250;

// ---------------------------------------------------------------- the trees

/** Sorted real JS files; `esm` marks the .js ones that need sourceType module. */
function untypedTree() {
  const files = [];
  const esm = [];
  const walk = dir => {
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (files.length >= MAX_UNTYPED_FILES) return;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '.bin' && entry.name !== '.cache') walk(full);
      } else if (entry.isFile() && /\.[cm]?js$/.test(entry.name) && !entry.name.endsWith('.min.js')) {
        if (fs.statSync(full).size > MAX_BYTES) continue;
        files.push(full);
        const text = fs.readFileSync(full, 'utf8');
        if (full.endsWith('.mjs') || (!full.endsWith('.cjs') && /^\s*(?:import\s*[\w{*'"]|export\s)/m.test(text))) {
          esm.push(full);
        }
      }
    }
  };
  walk(NODE_MODULES);
  return { root: REPO, files, esm };
}

/** A deterministic TypeScript app of TYPED_FILES modules over pg, in a temp dir. */
function typedTree() {
  const root = path.join(os.tmpdir(), `poolguard-eslint-bench-${TYPED_FILES}`);
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(path.join(root, 'src'), { recursive: true });
  fs.symlinkSync(NODE_MODULES, path.join(root, 'node_modules'), 'dir');
  fs.writeFileSync(
    path.join(root, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'Node16',
        moduleResolution: 'Node16',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
      },
      include: ['src/**/*.ts'],
    }),
  );
  const files = [];
  for (let i = 0; i < TYPED_FILES; i++) {
    const file = path.join(root, 'src', `module-${i}.ts`);
    fs.writeFileSync(file, typedModule(i));
    files.push(file);
  }
  return { root, files, esm: [] };
}

function typedModule(i) {
  const previous = i === 0 ? '' : `import { load${i - 1}, type Row${i - 1} } from './module-${i - 1}';\n`;
  return `import { Pool, type PoolClient, type QueryResult } from 'pg';
import { parentPort, Worker } from 'node:worker_threads';
${previous}
export interface Row${i} {
  id: number;
  name: string;
  tags: string[];
}

let shared: Pool | undefined;

export function getPool${i}(): Pool {
  return (shared ??= new Pool({ connectionString: process.env.DATABASE_URL, max: 2 }));
}

export async function load${i}(ids: readonly number[]): Promise<Row${i}[]> {
  const client: PoolClient = await getPool${i}().connect();
  try {
    const result: QueryResult<Row${i}> = await client.query('select id, name, tags from t${i} where id = any($1)', [ids]);
    return result.rows.filter(row => row.name.length > 0).map(row => ({ ...row, tags: [...row.tags].sort() }));
  } finally {
    client.release();
  }
}

export function report${i}(rows: readonly Row${i}[]): void {
  const byTag = new Map<string, number>();
  for (const row of rows) for (const tag of row.tags) byTag.set(tag, (byTag.get(tag) ?? 0) + 1);
  parentPort?.postMessage({ kind: 'report', module: ${i}, total: rows.length, tags: [...byTag] });
}

export class Service${i} {
  constructor(private readonly pool: Pool, private readonly worker?: Worker) {}

  async count(): Promise<number> {
    const result = await this.pool.query<{ count: string }>('select count(*) from t${i}');
    return Number(result.rows[0]?.count ?? 0);
  }

  async publish(): Promise<void> {
    const total = await this.count();
    this.worker?.postMessage({ module: ${i}, total, idle: this.pool.idleCount });
    ${i === 0 ? '' : `const earlier: Row${i - 1}[] = await load${i - 1}([total]);\n    process.send?.({ earlier: earlier.length });`}
  }
}
`;
}

// ---------------------------------------------------------------- child: the lint setups

/** The ESLint options for `kind` ('untyped' | 'typed') and `variant` ('base' | 'plugin'). */
async function eslintOptions(kind, variant, tree) {
  const { default: plugin } = await import(PLUGIN_ENTRY);
  const esm = new Set(tree.esm);
  let config;
  if (kind === 'untyped') {
    const { default: js } = await import('@eslint/js');
    config = [
      { ignores: ['!**/node_modules/'] },
      { files: ['**/*.js', '**/*.cjs', '**/*.mjs'], ...js.configs.recommended },
      { files: ['**/*.js', '**/*.cjs'], languageOptions: { sourceType: 'commonjs' } },
      { files: [file => esm.has(file)], languageOptions: { sourceType: 'module' } },
      { linterOptions: { reportUnusedDisableDirectives: 'off' } },
    ];
    if (variant === 'plugin') config.push(plugin.configs.recommended);
  } else {
    const { default: tseslint } = await import('typescript-eslint');
    config = [
      ...tseslint.configs.recommendedTypeChecked,
      { languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: tree.root } } },
    ];
    if (variant === 'plugin') config.push(plugin.configs['recommended-type-checked']);
  }
  return { cwd: tree.root, overrideConfigFile: true, overrideConfig: config, cache: false };
}

function tally(results) {
  let fatal = 0;
  let poolguard = 0;
  for (const result of results) {
    for (const message of result.messages) {
      if (message.fatal) fatal++;
      if (message.ruleId?.startsWith('poolguard/')) poolguard++;
    }
  }
  return { files: results.length, fatal, poolguard };
}

/** One lint of `files`, timed: wall ms and CPU ms (user+system). */
async function timedLint(eslint, files) {
  const started = process.hrtime.bigint();
  const cpuStarted = process.cpuUsage();
  const results = await eslint.lintFiles(files);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = process.cpuUsage(cpuStarted);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, results };
}

/**
 * Side by side in one process: the base and the plugin setup lint the same
 * files in alternating order (A B, B A, …), each lint timed on its own, so
 * both see the same machine seconds apart (separate processes of the same lint
 * differed by up to ±40 % on this shared machine). A full GC before each lint
 * starts both from the same heap.
 *
 * untyped: the tree in chunks of UNTYPED_CHUNK files, each chunk a pair.
 * typed:   each lint is the whole tree from scratch: typescript-eslint's
 *          caches (programs, project service) are cleared first, so every lint
 *          builds the program and type-checks as a fresh `eslint` run does.
 */
async function sideBySideChild(kind, treeFile, pairs) {
  const tree = JSON.parse(fs.readFileSync(treeFile, 'utf8'));
  const { ESLint } = await import('eslint');
  const options = { base: await eslintOptions(kind, 'base', tree), plugin: await eslintOptions(kind, 'plugin', tree) };
  const gc = globalThis.gc ?? (() => undefined);
  let clearCaches = () => undefined;
  let blocks;
  if (kind === 'untyped') {
    blocks = [];
    for (let i = 0; i < tree.files.length; i += UNTYPED_CHUNK) blocks.push(tree.files.slice(i, i + UNTYPED_CHUNK));
  } else {
    ({ clearCaches } = await import('@typescript-eslint/parser'));
    blocks = Array.from({ length: pairs }, () => tree.files);
  }
  const lint = async (variant, files) => {
    clearCaches();
    gc();
    return timedLint(new ESLint(options[variant]), files);
  };
  // Warm-up: the plugin setup runs everything the base one does, and the plugin's rules.
  for (const files of kind === 'untyped' ? blocks.slice(0, 2) : [tree.files]) {
    await lint('plugin', files);
    await lint('base', files);
  }
  const base = [];
  const plugin = [];
  let findings = { files: 0, fatal: 0, poolguard: 0 };
  for (let i = 0; i < blocks.length; i++) {
    const order = i % 2 === 0 ? ['base', 'plugin'] : ['plugin', 'base'];
    for (const variant of order) {
      const run = await lint(variant, blocks[i]);
      (variant === 'base' ? base : plugin).push({ ms: run.ms, cpuMs: run.cpuMs });
      if (variant === 'plugin') {
        const t = tally(run.results);
        findings = kind === 'untyped'
          ? { files: findings.files + t.files, fatal: findings.fatal + t.fatal, poolguard: findings.poolguard + t.poolguard }
          : t;
      }
    }
  }
  console.log(`RESULT ${JSON.stringify({ base, plugin, ...findings })}`);
}

/** One plugin lint of the whole tree, for TIMING=all (ESLint prints its table at exit). */
async function timingChild(kind, treeFile) {
  const tree = JSON.parse(fs.readFileSync(treeFile, 'utf8'));
  const { ESLint } = await import('eslint');
  const run = await timedLint(new ESLint(await eslintOptions(kind, 'plugin', tree)), tree.files);
  console.log(`RESULT ${JSON.stringify({ ms: run.ms, cpuMs: run.cpuMs, ...tally(run.results) })}`);
}

// ---------------------------------------------------------------- parent: run and report

function runChild(mode, kind, treeFile, extra = [], env = {}) {
  const out = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), mode, kind, treeFile, ...extra], {
    cwd: REPO,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (out.status !== 0) throw new Error(`${kind} ${mode} child failed:\n${out.stderr}`);
  const line = out.stdout.split('\n').find(l => l.startsWith('RESULT '));
  if (!line) throw new Error(`${kind} ${mode} child printed no result:\n${out.stdout}\n${out.stderr}`);
  return { ...JSON.parse(line.slice('RESULT '.length)), stdout: out.stdout };
}

/** `TIMING=all` rows for the plugin's rules, in ms. */
function ruleTimes(stdout) {
  const times = {};
  for (const line of stdout.split('\n')) {
    const match = /^\s*(poolguard\/[\w-]+)\s*\|\s*([\d.]+)/.exec(line);
    if (match) times[match[1]] = Number(match[2]);
  }
  return times;
}

const median = values => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const sum = values => values.reduce((a, b) => a + b, 0);

function measure(kind, tree, pairs) {
  const treeFile = path.join(os.tmpdir(), `poolguard-eslint-bench-${kind}.json`);
  fs.writeFileSync(treeFile, JSON.stringify(tree));
  const run = runChild('--side-by-side', kind, treeFile, [String(pairs)]);
  const timed = runChild('--timing', kind, treeFile, [], { TIMING: 'all' });
  const ratios = run.base.map((b, i) => run.plugin[i].ms / b.ms);
  const cpuRatios = run.base.map((b, i) => run.plugin[i].cpuMs / b.cpuMs);
  const ratio = median(ratios);
  return {
    files: tree.files.length,
    lintedFiles: run.files,
    fatal: run.fatal,
    findings: run.poolguard,
    pairs: ratios.length,
    baseMs: Math.round(sum(run.base.map(b => b.ms))),
    pluginMs: Math.round(sum(run.plugin.map(p => p.ms))),
    ratios: ratios.map(r => Number(r.toFixed(4))),
    medianRatio: Number(ratio.toFixed(4)),
    medianCpuRatio: Number(median(cpuRatios).toFixed(4)),
    totalRatio: Number((sum(run.plugin.map(p => p.ms)) / sum(run.base.map(b => b.ms))).toFixed(4)),
    budget: BUDGETS[kind],
    pass: ratio <= BUDGETS[kind],
    timingRunMs: Math.round(timed.ms),
    ruleTimesMs: ruleTimes(timed.stdout),
  };
}

/**
 * What loading the plugin costs each `eslint` run, once, before any file:
 * `require()` of the built plugin in fresh processes (the side-by-side lints
 * above load it once for both sides, so their ratio leaves it out). The
 * median over LOAD_PROCESSES processes, with the modules it brought in.
 */
const LOAD_PROCESSES = 5;

function loadChild() {
  const before = Object.keys(require_.cache).length;
  const started = process.hrtime.bigint();
  require_(PLUGIN_ENTRY);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const loaded = Object.keys(require_.cache);
  process.stdout.write(`${JSON.stringify({ ms, modules: loaded.length - before, typescript: loaded.some(f => /[\\/]node_modules[\\/]typescript[\\/]/.test(f)) })}\n`);
}

function measureLoad() {
  const runs = Array.from({ length: LOAD_PROCESSES }, () => {
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--load'], { encoding: 'utf8' });
    return JSON.parse(out.trim().split('\n').pop());
  });
  return { ms: Number(median(runs.map(r => r.ms)).toFixed(1)), modules: runs[0].modules, typescript: runs[0].typescript, processes: runs.length };
}

/** Runs both figures; returns the JSON summary. */
export function runEslintBench({ pairs = 6 } = {}) {
  if (!fs.existsSync(PLUGIN_ENTRY)) throw new Error('Build first: npx tsc -b packages/eslint-plugin');
  const typed = typedTree();
  try {
    return {
      bench: 'eslint',
      node: process.version,
      cpus: os.cpus().length,
      loadavg: os.loadavg().map(l => Number(l.toFixed(2))),
      typedPairs: pairs,
      untypedChunk: UNTYPED_CHUNK,
      note: `one process per tree, base and plugin linting the same files in alternating order (untyped: a pair per ${UNTYPED_CHUNK} files; typed: ${pairs} pairs of whole lints from cleared caches)`,
      load: measureLoad(),
      untyped: measure('untyped', untypedTree(), pairs),
      typed: measure('typed', typed, pairs),
    };
  } finally {
    fs.rmSync(typed.root, { recursive: true, force: true });
  }
}

function printTable(summary) {
  const rows = [
    ['figure', 'files', 'pairs', 'base ms (sum)', 'plugin ms (sum)', 'wall ratio (median)', 'cpu ratio', 'budget', 'result'],
    ...['untyped', 'typed'].map(kind => {
      const r = summary[kind];
      return [
        kind === 'untyped' ? 'untyped: @eslint/js recommended' : 'typed: recommendedTypeChecked',
        String(r.files),
        String(r.pairs),
        String(r.baseMs),
        String(r.pluginMs),
        `${r.medianRatio.toFixed(3)}×`,
        `${r.medianCpuRatio.toFixed(3)}×`,
        `≤ ${r.budget.toFixed(2)}×`,
        r.pass ? 'pass' : 'FAIL',
      ];
    }),
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map(row => row[c].length)));
  for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c])).join('  '));
  console.log(`(load average at start: ${summary.loadavg.join(', ')})`);
  console.log(`loading the plugin, fresh process: ${summary.load.ms} ms, ${summary.load.modules} modules${summary.load.typescript ? ', TypeScript among them' : ''} (median of ${summary.load.processes})`);
  console.log('');
  for (const kind of ['untyped', 'typed']) {
    const times = Object.entries(summary[kind].ruleTimesMs)
      .map(([rule, ms]) => `${rule} ${ms.toFixed(1)} ms`)
      .join(', ');
    console.log(`TIMING=all ${kind}: ${times || '(no poolguard rows)'}; findings ${summary[kind].findings}, parse errors ${summary[kind].fatal}`);
  }
}

if (process.argv[2] === '--side-by-side') {
  await sideBySideChild(process.argv[3], process.argv[4], Number(process.argv[5]));
} else if (process.argv[2] === '--load') {
  loadChild();
} else if (process.argv[2] === '--timing') {
  await timingChild(process.argv[3], process.argv[4]);
} else if (path.resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  const index = process.argv.indexOf('--pairs');
  const pairs = index === -1 ? 6 : Math.max(1, Number(process.argv[index + 1]));
  const summary = runEslintBench({ pairs });
  printTable(summary);
  console.log(JSON.stringify(summary));
}
