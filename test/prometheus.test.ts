/*
 * The connection budget end to end (issue 4): a real Prometheus from Debian's
 * `prometheus` package, on loopback with a temporary config and data dir,
 * scrapes @opentelemetry/exporter-prometheus in a cluster of a primary and 2
 * workers (each process its own port and its process.pid / thread.id /
 * service.instance.id labels), loads the shipped rules, and is asked over its
 * HTTP API for the per-process db_client_connection_max series, the server
 * limit, the violations counter and the budget alert. Every pool's max is
 * set so that 3 processes exceed the server's max_connections.
 *
 * Needs the packages built (npm test builds first), PostgreSQL on
 * 127.0.0.1:5432 and the prometheus binary (.ci/run installs both).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

const REPO = path.resolve(__dirname, '..');
const CLUSTER_APP = path.join(__dirname, 'fixtures', 'prometheus-cluster.js');
const RULES = path.join(REPO, 'packages', 'instrumentation', 'prometheus', 'poolguard.rules.yml');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Polls `probe` until it returns a value, for at most `timeoutMs`. */
async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await sleep(250);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last === undefined ? '' : `: ${String(last)}`}`);
}

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

function stop(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

describe('Prometheus scrapes a cluster (end to end)', function () {
  this.timeout(120_000);

  let dir: string;
  let prometheus: ChildProcess | undefined;
  let app: ChildProcess | undefined;
  let promLog = '';
  let api = '';
  let pids: number[] = [];
  let serverLimit = 0;

  async function query(expr: string): Promise<Sample[]> {
    const response = await fetch(`${api}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await response.json()) as { status: string; data: { result: Sample[] } };
    assert.equal(body.status, 'success', JSON.stringify(body));
    return body.data.result;
  }

  before(async () => {
    const which = spawnSync('prometheus', ['--version'], { encoding: 'utf8' });
    if (which.error !== undefined) {
      assert.fail('the prometheus binary is not installed: `apt-get install -y prometheus` (Debian\'s package; .ci/run installs it)');
    }
    const client = new pg.Client({ host: process.env.PGHOST ?? '127.0.0.1', port: Number(process.env.PGPORT ?? 5432), user: process.env.PGUSER ?? 'postgres', database: process.env.PGDATABASE ?? 'test' });
    await client.connect();
    serverLimit = Number((await client.query('SHOW max_connections')).rows[0].max_connections);
    await client.end();

    dir = mkdtempSync(path.join(os.tmpdir(), 'poolguard-prometheus-'));
    const exporterPorts = [await freePort(), await freePort(), await freePort()];
    const promPort = await freePort();
    api = `http://127.0.0.1:${promPort}`;

    // Each process's pools may reach max; 3 processes together exceed the server's limit.
    const poolMax = Math.floor(serverLimit / 3) + 1;
    app = spawn(process.execPath, [CLUSTER_APP], {
      env: { ...process.env, EXPORTER_PORTS: exporterPorts.join(','), POOL_MAX: String(poolMax) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let appOut = '';
    let appErr = '';
    app.stderr!.on('data', (chunk: Buffer) => { appErr += chunk.toString(); });
    const ready = new Promise<number[]>((resolve, reject) => {
      app!.stdout!.on('data', (chunk: Buffer) => {
        appOut += chunk.toString();
        const line = appOut.split('\n').find((l) => l.includes('"ready"'));
        if (line !== undefined) resolve((JSON.parse(line) as { pids: number[] }).pids);
      });
      app!.once('exit', (code) => reject(new Error(`the cluster app exited with ${code}: ${appErr}`)));
    });
    pids = await Promise.race([ready, sleep(30_000).then(() => { throw new Error(`the cluster app was not ready in 30 s: ${appErr}`); })]);

    copyFileSync(RULES, path.join(dir, 'poolguard.rules.yml'));
    writeFileSync(path.join(dir, 'prometheus.yml'), [
      'global:',
      '  scrape_interval: 1s',
      '  evaluation_interval: 1s',
      'rule_files:',
      '  - poolguard.rules.yml',
      'scrape_configs:',
      '  - job_name: poolguard-e2e',
      '    static_configs:',
      `      - targets: [${exporterPorts.map((p) => `'127.0.0.1:${p}'`).join(', ')}]`,
      '',
    ].join('\n'));
    prometheus = spawn('prometheus', [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    prometheus.stdout!.on('data', (chunk: Buffer) => { promLog += chunk.toString(); });
    prometheus.stderr!.on('data', (chunk: Buffer) => { promLog += chunk.toString(); });
    await until('Prometheus to be ready', 30_000, async () => ((await fetch(`${api}/-/ready`)).ok ? true : undefined));
  });

  after(async () => {
    await stop(prometheus);
    await stop(app);
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('has one db_client_connection_max series per process, told apart by process_pid', async () => {
    const series = await until('3 db_client_connection_max series', 30_000, async () => {
      const result = await query('db_client_connection_max{job="poolguard-e2e"}');
      return result.length === 3 ? result : undefined;
    }).catch((err: Error) => assert.fail(`${err.message}\nprometheus log:\n${promLog.slice(-2000)}`));
    assert.deepEqual(series.map((s) => Number(s.metric.process_pid)).sort(), [...pids].sort(), 'the primary and both workers');
    for (const s of series) {
      assert.equal(s.metric.server_address, process.env.PGHOST ?? '127.0.0.1');
      assert.equal(s.metric.server_port, '5432');
      assert.equal(s.metric.thread_id, '0');
      assert.match(s.metric.service_instance_id ?? '', new RegExp(`-${s.metric.process_pid}$`));
      assert.equal(Number(s.value[1]), Math.floor(serverLimit / 3) + 1);
    }
  });

  it('has the server limit, and the violations counter of the primary\'s pool_before_fork', async () => {
    const limit = await until('poolguard_server_connection_limit', 30_000, async () => {
      const result = await query('max(poolguard_server_connection_limit)');
      return result.length === 1 ? result : undefined;
    });
    assert.equal(Number(limit[0]!.value[1]), serverLimit);
    const violations = await until('poolguard_violations_total', 30_000, async () => {
      const result = await query('poolguard_violations_total');
      return result.length > 0 ? result : undefined;
    });
    assert.deepEqual(violations.map((v) => [v.metric.poolguard_violation_kind, Number(v.metric.process_pid), Number(v.value[1])]), [['pool_before_fork', pids[0], 1]]);
  });

  it('evaluates the shipped rules on the real series: the budget alert is raised for the server', async () => {
    const alerts = await until('the PoolguardConnectionBudgetExceeded alert', 30_000, async () => {
      const result = await query('ALERTS{alertname="PoolguardConnectionBudgetExceeded"}');
      return result.length > 0 ? result : undefined;
    });
    assert.equal(alerts[0]!.metric.server_address, process.env.PGHOST ?? '127.0.0.1');
    assert.equal(alerts[0]!.metric.server_port, '5432');
    const sum = await query('poolguard:db_client_connection_max:sum_by_server');
    assert.equal(Number(sum[0]!.value[1]), 3 * (Math.floor(serverLimit / 3) + 1));
    const violation = await until('the PoolguardViolation alert', 30_000, async () => {
      const result = await query('ALERTS{alertname="PoolguardViolation"}');
      return result.length > 0 ? result : undefined;
    });
    assert.equal(violation[0]!.metric.poolguard_violation_kind, 'pool_before_fork');
  });
});
