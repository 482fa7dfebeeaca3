// HTTP end to end: autocannon against a real HTTP app on loopback that does a
// checkout and a transaction per request, with and without poolguard. A raw
// and a guarded app run side by side and take alternating bursts of load;
// each pair of apps gives the median of its burst ratios, and the figure is
// the median over fresh pairs of apps. The apps run on core 0, PostgreSQL and
// autocannon (this process) on the other core(s), where taskset and the
// rights allow (bench/lib/pinning.mjs). p99 comes from each response's own
// time, not from autocannon's whole-millisecond histogram.
// Budgets: ≥ 0.98× requests/s; p99 latency within 1.05×.
//
//   node bench/http.mjs [--processes 3] [--pairs 4] [--seconds 2]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { pinForBenchmark } from './lib/pinning.mjs';
import { fmt, median, numberOption, table } from './lib/stats.mjs';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');
const processes = numberOption('--processes', 3);
const pairs = numberOption('--pairs', 4);
const seconds = numberOption('--seconds', 2);
const pinning = pinForBenchmark();
pinning.joinServer();
const app = fileURLToPath(new URL('./http-app.mjs', import.meta.url));

/**
 * One autocannon run. autocannon's own percentiles are whole milliseconds;
 * with `latencies`, each response's time (hrtime, in ms) is collected instead.
 */
function load(url, duration, latencies) {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ url, connections: 16, duration }, (err, result) => (err ? reject(err) : resolve(result)));
    if (latencies !== undefined) instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  });
}

/** Starts the app in `mode` ('raw' | 'guarded'); returns its URL and a stop function. */
async function startApp(mode) {
  const [command, ...prefix] = [...pinning.clientPrefix, process.execPath];
  const child = spawn(command, [...prefix, app, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = await once(child.stdout, 'data');
  const url = `http://127.0.0.1:${Number(String(chunk).trim())}/`;
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** One burst against `url`: requests/s and the p99 of its response times. */
async function burst(url, mode) {
  const latencies = [];
  const result = await load(url, seconds, latencies);
  if (result.errors > 0 || result.non2xx > 0) throw new Error(`${mode}: ${result.errors} errors, ${result.non2xx} non-2xx`);
  latencies.sort((a, b) => a - b);
  return { rps: result.requests.average, p99: latencies[Math.floor(latencies.length * 0.99)] };
}

/**
 * A raw and a guarded app side by side (both on the app core, one loaded at a
 * time): `bursts` alternating bursts against each, ratios per pair of bursts.
 */
async function sideBySide(bursts, guardedFirst) {
  const apps = { raw: await startApp('raw'), guarded: await startApp('guarded') };
  try {
    for (const mode of ['raw', 'guarded']) await load(apps[mode].url, 1); // warm-up
    const pairsOf = { rps: [], p99: [], raw: [], guarded: [] };
    for (let i = 0; i < bursts; i++) {
      const order = (i % 2 === 0) !== guardedFirst ? ['raw', 'guarded'] : ['guarded', 'raw'];
      const results = {};
      for (const mode of order) results[mode] = await burst(apps[mode].url, mode);
      pairsOf.raw.push(results.raw);
      pairsOf.guarded.push(results.guarded);
      pairsOf.rps.push(results.guarded.rps / results.raw.rps);
      pairsOf.p99.push(results.guarded.p99 / results.raw.p99);
    }
    return pairsOf;
  } finally {
    await apps.raw.stop();
    await apps.guarded.stop();
  }
}

const ratios = { rps: [], p99: [] };
const raw = [];
const guarded = [];
for (let i = 0; i < processes; i++) {
  const r = await sideBySide(pairs, i % 2 === 1);
  ratios.rps.push(median(r.rps));
  ratios.p99.push(median(r.p99));
  raw.push(...r.raw);
  guarded.push(...r.guarded);
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
    value: `${fmt(p99)}× (${fmt(median(raw.map((r) => r.p99)), 2)} → ${fmt(median(guarded.map((r) => r.p99)), 2)} ms)`,
    budget: '≤ 1.05×',
    pass: p99 <= 1.05,
  },
];
pinning.restore();
console.log(table(rows));
console.log(JSON.stringify({ suite: 'http', note: `${processes} pairs of apps, ${pairs} pairs of ${seconds} s bursts each, ${pinning.note.replace('client', 'apps')}, autocannon beside PostgreSQL`, rows }));
