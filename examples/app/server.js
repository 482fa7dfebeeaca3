'use strict';
/*
 * The demo app: an orders API on a cluster of a primary and 2 workers, with
 * poolguard registered through the OpenTelemetry SDK (telemetry.js).
 *
 * It has bugs on purpose, each marked BUG. Two are for the linter (a pool
 * created before the fork, and a pool sent over IPC on a path the demo never
 * runs); the runtime ones are in bugs.js. orders.js is the clean half, and
 * must stay silent. Run it with `npm run demo`, which drives it.
 */
const { sdk } = require('./telemetry'); // first: registers poolguard before pg loads
const cluster = require('node:cluster');
const http = require('node:http');
const { Pool } = require('pg');
const bugs = require('./bugs');
const orders = require('./orders');
const { forward } = require('./report');

const WORKERS = 2;
const connectionString = process.env.DATABASE_URL;

// BUG (pool_before_fork): a pool at module scope. The primary creates it, and
// so does every copy that cluster.fork() starts: 3 pools, 3 × max connections.
const pool = new Pool({ connectionString, max: 5 });

if (cluster.isPrimary) {
  runPrimary().catch(fail);
} else {
  runWorker();
}

async function runPrimary() {
  await orders.migrate(pool);
  const ports = new Map();
  cluster.on('message', (worker, message) => {
    if (message?.type === 'poolguard.violation') forward(message.record);
    if (message?.type === 'listening') {
      ports.set(worker.id, message.port);
      if (ports.size === WORKERS) process.send?.({ type: 'ready', port: message.port, workers: [...ports.keys()] });
    }
  });
  for (let i = 0; i < WORKERS; i++) cluster.fork();
  process.on('message', (message) => {
    if (message?.type === 'shutdown') shutdownPrimary().catch(fail);
  });
  process.on('disconnect', () => shutdownPrimary().catch(fail));
}

let stopping = false;

async function shutdownPrimary() {
  if (stopping) return;
  stopping = true;
  const exited = Object.values(cluster.workers ?? {}).map((worker) => new Promise((resolve) => {
    worker.once('exit', resolve);
    worker.send({ type: 'shutdown' });
  }));
  const timeout = setTimeout(() => {
    for (const worker of Object.values(cluster.workers ?? {})) worker.process.kill('SIGKILL');
  }, 8000);
  await Promise.all(exited);
  clearTimeout(timeout);
  await pool.end();
  await sdk.shutdown();
  process.exit(0);
}

function runWorker() {
  // Created in the worker branch: each worker has one, the primary none. Max 1: the job queue runs one job at a time.
  const jobs = new Pool({ connectionString, max: 1 });
  const routes = {
    'GET /health': () => orders.health(pool),
    'GET /orders': () => orders.list(pool),
    'POST /orders': () => orders.place(pool),
    'GET /bugs/use-after-release': () => bugs.auditAfterRelease(jobs),
    'GET /bugs/concurrent-query': () => bugs.dashboard(pool),
    'GET /bugs/cached-client': () => bugs.cachedClientCount(pool),
    'GET /bugs/slow-export': () => bugs.slowExport(pool),
    'GET /bugs/dirty-release': () => bugs.claimJob(jobs),
    'GET /bugs/transaction-on-pool': () => bugs.finishJob(jobs),
  };
  const server = http.createServer((req, res) => {
    const route = routes[`${req.method} ${req.url}`];
    const reply = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (route === undefined) return reply(404, { error: 'not found' });
    route().then((body) => reply(200, body ?? {}), (err) => reply(500, { error: err.message }));
  });
  server.listen(0, '127.0.0.1', () => process.send({ type: 'listening', port: server.address().port }));

  process.on('message', (message) => {
    // BUG (pool_across_boundary): the primary asks for pool stats and gets the
    // pool itself, which cannot cross IPC. The demo never sends 'pool-stats';
    // the linter finds it anyway.
    if (message === 'pool-stats') process.send({ type: 'pool-stats', pool });
    if (message?.type === 'shutdown') {
      server.close();
      server.closeAllConnections();
      Promise.all([pool.end(), jobs.end()])
        .then(() => sdk.shutdown())
        .catch(fail)
        .finally(() => process.exit(0));
    }
  });
}

function fail(err) {
  console.error(err);
  process.exit(1);
}
