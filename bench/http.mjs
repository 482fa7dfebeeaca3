// HTTP end to end: autocannon against a real HTTP app on loopback that does a
// checkout and a transaction per request, with and without poolguard, in
// fresh processes, alternated, median of the pairs. The app runs on core 0,
// PostgreSQL and autocannon (this process) on the other core(s), where
// taskset and the rights allow (bench/lib/pinning.mjs).
// Budgets: ≥ 0.98× requests/s; p99 latency within 1.05×.
//
//   node bench/http.mjs [--pairs 5] [--seconds 3]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { pinForBenchmark } from './lib/pinning.mjs';
import { fmt, median, table } from './lib/stats.mjs';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const pairs = option('--pairs', 5);
const seconds = option('--seconds', 3);
const pinning = pinForBenchmark();
pinning.joinServer();
const app = fileURLToPath(new URL('./http-app.mjs', import.meta.url));

async function measure(mode) {
  const [command, ...prefix] = [...pinning.clientPrefix, process.execPath];
  const child = spawn(command, [...prefix, app, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const [chunk] = await once(child.stdout, 'data');
    const port = Number(String(chunk).trim());
    const url = `http://127.0.0.1:${port}/`;
    await autocannon({ url, connections: 16, duration: 1 }); // warm-up
    const result = await autocannon({ url, connections: 16, duration: seconds });
    if (result.errors > 0 || result.non2xx > 0) throw new Error(`${mode}: ${result.errors} errors, ${result.non2xx} non-2xx`);
    return { rps: result.requests.average, p99: result.latency.p99 };
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
}

const ratios = { rps: [], p99: [] };
const raw = [];
const guarded = [];
for (let i = 0; i < pairs; i++) {
  const order = i % 2 === 0 ? ['raw', 'guarded'] : ['guarded', 'raw'];
  const results = {};
  for (const mode of order) results[mode] = await measure(mode);
  raw.push(results.raw);
  guarded.push(results.guarded);
  ratios.rps.push(results.guarded.rps / results.raw.rps);
  ratios.p99.push(results.guarded.p99 / results.raw.p99);
}
const rps = median(ratios.rps);
const p99 = median(ratios.p99);
const rows = [
  {
    figure: 'HTTP checkout+transaction per request, requests/s (16 connections)',
    value: `${fmt(rps)}× (${fmt(median(raw.map((r) => r.rps)), 0)} → ${fmt(median(guarded.map((r) => r.rps)), 0)} req/s)`,
    budget: '≥ 0.98×',
    pass: rps >= 0.98,
  },
  {
    figure: 'HTTP checkout+transaction per request, p99 latency',
    value: `${fmt(p99)}× (${fmt(median(raw.map((r) => r.p99)), 1)} → ${fmt(median(guarded.map((r) => r.p99)), 1)} ms)`,
    budget: '≤ 1.05×',
    pass: p99 <= 1.05,
  },
];
pinning.restore();
console.log(table(rows));
console.log(JSON.stringify({ suite: 'http', note: `${pairs} pairs of ${seconds} s, ${pinning.note.replace('client', 'app')}, autocannon beside PostgreSQL`, rows }));
