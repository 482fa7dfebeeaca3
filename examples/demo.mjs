// The poolguard demo (`npm run demo`): lints a small cluster app with
// @poolguard/eslint-plugin, runs it with @poolguard/instrumentation under the
// OpenTelemetry SDK, drives requests that hit seven classic pool bugs next to
// clean traffic, and prints what was caught. About 30 seconds; exits 0 when
// every expected kind was caught and the clean traffic stayed silent.
//
// Database: DATABASE_URL, else a PostgreSQL on 127.0.0.1:5432, else an
// embedded one (PGlite behind pglite-socket on a free loopback port);
// POOLGUARD_DEMO_DB=embedded forces the embedded one.
// Telemetry: with OTEL_EXPORTER_OTLP_ENDPOINT set, the app exports traces,
// the poolguard.violation log events and metrics there over OTLP/HTTP.
// POOLGUARD_DEMO_SUMMARY=<file> also writes the results as JSON.
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const APP_DIR = path.join(HERE, 'app');
const REPO = path.dirname(HERE);
const POOL_MAX_TOTAL = 3 * 5 + 2 * 1; // the module-scope pool in 3 processes, the jobs pool in 2 workers
const EXPECTED = ['cross_task_use', 'use_after_release', 'leak', 'dirty_release', 'concurrent_query', 'transaction_on_pool', 'pool_before_fork'];
const CLEAN_FILE = path.join('examples', 'app', 'orders.js');

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const log = (line = '') => console.log(line);
const heading = (text) => log(`\n== ${text}`);

// ---------------------------------------------------------------- database

async function reachable(url) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function embeddedDatabase() {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const db = await PGlite.create();
  // One PGlite session, multiplexed: maxConnections must cover every pool's max, or the extra connections are refused.
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: POOL_MAX_TOTAL + 3 });
  await server.start();
  const port = Number(server.getServerConn().split(':').pop());
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    label: `embedded PostgreSQL (PGlite over pglite-socket on 127.0.0.1:${port}, maxConnections ${POOL_MAX_TOTAL + 3})`,
    kind: 'embedded',
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}

async function pickDatabase() {
  const forced = process.env.POOLGUARD_DEMO_DB;
  if (forced === 'embedded') return embeddedDatabase();
  if (process.env.DATABASE_URL) {
    return { url: process.env.DATABASE_URL, label: 'PostgreSQL from DATABASE_URL', kind: 'external', stop: async () => {} };
  }
  const local = 'postgres://postgres@127.0.0.1:5432/postgres';
  if (await reachable(local)) return { url: local, label: 'PostgreSQL on 127.0.0.1:5432', kind: 'local', stop: async () => {} };
  return embeddedDatabase();
}

// ---------------------------------------------------------------- 1. lint

async function lint() {
  const { ESLint } = await import('eslint');
  const { default: poolguard } = await import('@poolguard/eslint-plugin');
  const eslint = new ESLint({
    cwd: APP_DIR,
    overrideConfigFile: true,
    overrideConfig: [
      { files: ['**/*.js'], languageOptions: { sourceType: 'commonjs', ecmaVersion: 2022 } },
      poolguard.configs.recommended,
    ],
  });
  const findings = [];
  for (const result of await eslint.lintFiles(['*.js'])) {
    for (const message of result.messages) {
      findings.push({
        rule: message.ruleId ?? 'fatal',
        file: path.relative(REPO, result.filePath),
        line: message.line,
        message: message.message,
      });
    }
  }
  return findings;
}

// ---------------------------------------------------------------- 2. the app

function startApp(databaseUrl) {
  const child = fork(path.join(APP_DIR, 'server.js'), [], {
    cwd: REPO,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    detached: true, // its own process group: the primary and its workers are killed together
  });
  const prefix = (stream, out) => {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop();
      for (const line of lines) out.write(`   app │ ${line}\n`);
    });
  };
  prefix(child.stdout, process.stdout);
  prefix(child.stderr, process.stdout);
  const records = [];
  const ready = new Promise((resolve, reject) => {
    child.on('message', (message) => {
      if (message?.type === 'poolguard.violation') records.push(message.record);
      if (message?.type === 'ready') resolve(message.port);
    });
    child.once('exit', (code) => reject(new Error(`the app exited with code ${code} before it was ready`)));
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, records, ready, exited };
}

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

// ---------------------------------------------------------------- 3. traffic

function request(port, method, route, agent) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: route, agent, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${route} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** Clean traffic until stopped: every request must succeed and report nothing. */
function cleanTraffic(port, concurrency) {
  const routes = [['GET', '/orders'], ['POST', '/orders'], ['GET', '/health']];
  const state = { sent: 0, failed: 0, stopped: false };
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const loop = async (offset) => {
    for (let i = offset; !state.stopped; i++) {
      const [method, route] = routes[i % routes.length];
      const { status } = await request(port, method, route, agent).catch(() => ({ status: 0 }));
      state.sent++;
      if (status !== 200) state.failed++;
      await sleep(20);
    }
  };
  const loops = Array.from({ length: concurrency }, (_, i) => loop(i));
  state.stop = async () => {
    state.stopped = true;
    await Promise.all(loops);
    agent.destroy();
  };
  return state;
}

async function bugTraffic(port) {
  const call = async (route, agent) => {
    const { status, body } = await request(port, 'GET', route, agent);
    log(`   GET ${route} → ${status} ${body}`);
  };
  await call('/bugs/use-after-release');
  await call('/bugs/concurrent-query');
  // Two requests on one keep-alive connection reach the same worker, which caches the client.
  const sameWorker = new http.Agent({ keepAlive: true, maxSockets: 1 });
  await call('/bugs/cached-client', sameWorker);
  await call('/bugs/cached-client', sameWorker);
  sameWorker.destroy();
  await call('/bugs/slow-export');
  await call('/bugs/dirty-release');
  await call('/bugs/transaction-on-pool');
}

/** Resolves after `ms` without keeping the process alive. */
function after(ms, value) {
  return new Promise((resolve) => setTimeout(resolve, ms, value).unref());
}

async function waitFor(condition, ms) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

// ---------------------------------------------------------------- 4. summary

function summarise(records) {
  const rows = new Map();
  for (const r of records) {
    const key = `${r.kind}\0${r.pool}\0${r.site}`;
    const row = rows.get(key) ?? { kind: r.kind, count: 0, pool: r.pool, site: r.site, fix: r.fix, doc: r.doc, processes: new Set() };
    row.count++;
    row.processes.add(r.role);
    rows.set(key, row);
  }
  const order = (kind) => (EXPECTED.includes(kind) ? EXPECTED.indexOf(kind) : EXPECTED.length);
  return [...rows.values()]
    .sort((a, b) => order(a.kind) - order(b.kind) || a.kind.localeCompare(b.kind) || b.count - a.count)
    .map((row) => ({ ...row, processes: [...row.processes].sort() }));
}

function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `   ${cells.map((c, i) => String(c).padEnd(widths[i])).join('  ').trimEnd()}`;
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

// ---------------------------------------------------------------- main

async function main() {
  let database;
  let app;
  let clean;
  const result = { database: undefined, lint: [], violations: [], summary: [], clean: {}, missing: [], ok: false };
  try {
    heading('Database');
    database = await pickDatabase();
    result.database = database.kind;
    log(`   using ${database.label}`);

    heading('1. Lint examples/app with @poolguard/eslint-plugin (configs.recommended)');
    result.lint = await lint();
    for (const f of result.lint) log(`   ${f.file}:${f.line}  ${f.rule}\n      ${f.message.split('\n')[0]}`);
    log(`   ${result.lint.length} finding(s)`);

    heading('2. Start the app: a cluster of a primary and 2 workers, poolguard registered through NodeSDK');
    if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT) log(`   telemetry also goes to ${process.env.OTEL_EXPORTER_OTLP_ENDPOINT} (OTLP/HTTP)`);
    app = startApp(database.url);
    const port = await Promise.race([app.ready, after(30_000, 'timeout')]);
    if (port === 'timeout') throw new Error('the app did not get ready within 30 s');
    log(`   listening on 127.0.0.1:${port} (${elapsed()})`);

    heading('3. Drive requests: clean traffic, and one request per bug');
    clean = cleanTraffic(port, 2);
    await sleep(500);
    await bugTraffic(port);
    const caught = () => EXPECTED.every((kind) => app.records.some((r) => r.kind === kind));
    await waitFor(caught, 15_000);
    await sleep(500); // let the clean traffic run past the last bug
    await clean.stop();
    result.clean = { requests: clean.sent, failed: clean.failed };

    heading('Shut the app down');
    app.child.send({ type: 'shutdown' });
    const exit = await Promise.race([app.exited, after(15_000, undefined)]);
    if (exit === undefined) throw new Error('the app did not shut down within 15 s');
    log(`   the app exited with code ${exit.code} (${elapsed()})`);

    result.violations = app.records;
    result.summary = summarise(app.records);
    result.missing = EXPECTED.filter((kind) => !app.records.some((r) => r.kind === kind));
    const fromClean = app.records.filter((r) => r.site.includes(CLEAN_FILE) || r.at.includes(CLEAN_FILE));
    result.clean.violations = fromClean.length;

    heading(`4. What poolguard caught: ${app.records.length} violation(s) of ${new Set(app.records.map((r) => r.kind)).size} kind(s)`);
    log(table(
      ['kind', 'count', 'pool', 'checkout site', 'fix'],
      result.summary.map((r) => [r.kind, r.count, r.pool, r.site, r.fix]),
    ));
    log(`\n   clean traffic (examples/app/orders.js): ${clean.sent} requests, ${clean.failed} failed, ${fromClean.length} violation(s)`);
    log(`   docs: https://github.com/poolguard/poolguard/tree/main/docs/violations`);
    if (result.missing.length > 0) log(`   NOT caught: ${result.missing.join(', ')}`);
    result.ok = result.missing.length === 0 && fromClean.length === 0 && clean.failed === 0 && exit.code === 0;
    log(`\n${result.ok ? 'demo finished' : 'demo FAILED'} in ${elapsed()} on the ${database.kind} database`);
  } catch (err) {
    console.error(`demo FAILED: ${err.stack ?? err}`);
  } finally {
    if (clean !== undefined && !clean.stopped) await clean.stop().catch(() => {});
    if (app !== undefined && app.child.exitCode === null && app.child.signalCode === null) {
      killGroup(app.child, 'SIGTERM');
      await Promise.race([app.exited, after(3000)]);
    }
    if (app !== undefined) killGroup(app.child, 'SIGKILL'); // any worker left behind
    await database?.stop().catch(() => {});
  }
  if (process.env.POOLGUARD_DEMO_SUMMARY) writeFileSync(process.env.POOLGUARD_DEMO_SUMMARY, JSON.stringify(result, null, 2));
  process.exitCode = result.ok ? 0 : 1;
}

await main();
