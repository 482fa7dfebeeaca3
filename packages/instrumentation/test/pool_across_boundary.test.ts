/*
 * pool_across_boundary: pools and clients inside messages to other processes
 * and threads. Reported before the app's own error (DataCloneError, JSON's
 * TypeError), which poolguard never swallows or changes; plain messages stay
 * silent. In this process, pools are guarded by hand (guardPool), which
 * installs the boundary patches.
 */
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import path from 'node:path';
import { BroadcastChannel, MessageChannel, Worker } from 'node:worker_threads';
import mysql from 'mysql2';
import pg from 'pg';
import { Pool as TarnPool } from 'tarn';
import { guardPool } from '../src/guard';
import { PoolGuardError } from '../src/errors';
import { endMysqlPool, getConnection, mysqlConfig } from './helpers/mysql';
import { pgConfig } from './helpers/pg';
import { resetTelemetry, setupTelemetry, violationLogs } from './helpers/otel';
import { FIXTURES, kindsOf, runFixture } from './helpers/processes';
import { expectSilent, expectViolations, poolViolations } from './helpers/violations';

const ORIGINAL = Symbol.for('poolguard.boundary.original');

describe('pool_across_boundary', function () {
  this.timeout(30_000);
  setupTelemetry();
  beforeEach(() => resetTelemetry());

  const pools: pg.Pool[] = [];
  function guarded(name: string, options = {}): pg.Pool {
    const pool = guardPool(new pg.Pool(pgConfig({ max: 2 })), { name, ...options });
    pools.push(pool);
    return pool;
  }
  after(async () => {
    for (const pool of pools) await pool.end().catch(() => undefined);
  });

  it('process.send({ pool }) in a child reports, and the app still gets its own error; plain messages stay silent', async () => {
    const [dump] = await runFixture('send-pool.js');
    assert.deepEqual(kindsOf(dump), ['pool_across_boundary', 'pool_across_boundary'], 'the pool, then a client inside a Map in an array');
    assert.equal(dump!.messages[0]!.pool, '127.0.0.1:5432/test', 'a guarded pool is reported on itself');
    assert.match(dump!.messages[0]!.message, /A pg Pool was passed to process\.send\(\)/);
    assert.equal(dump!.messages[1]!.pool, 'pg', 'a client poolguard does not guard is reported under its library');
    assert.match(dump!.messages[1]!.message, /A pg Client was passed to process\.send\(\)/);
    assert.deepEqual(dump!.errors, ['TypeError'], 'JSON serialisation of the connected pool still throws to the app (circular)');
  });

  it('postMessage runs no getter the structured clone would not run, and a throwing one reaches the app from the clone', () => {
    const { port1, port2 } = new MessageChannel();
    try {
      let prototypeReads = 0;
      class Job {
        n = 1;
        get type(): string {
          prototypeReads++;
          return 'loadScript';
        }
      }
      port1.postMessage(new Job());
      assert.equal(prototypeReads, 0, 'a class instance\'s prototype getter is left alone');
      const failing = {
        get type(): string {
          throw new Error('the app\'s own getter');
        },
      };
      assert.throws(() => port1.postMessage(failing), /the app's own getter/);
    } finally {
      port1.close();
      port2.close();
    }
  });

  it('a pool that structured clone can copy (a new mysql2 pool) is reported and still copied: report mode changes nothing', async () => {
    const raw = mysql.createPool(mysqlConfig());
    const cloneable = (() => {
      const { port1, port2 } = new MessageChannel();
      try {
        port1.postMessage({ pool: raw });
        return true;
      } catch {
        return false;
      } finally {
        port1.close();
        port2.close();
      }
    })();
    assert.ok(cloneable, 'an unguarded new mysql2 pool can be cloned (the premise of this test)');
    const pool = guardPool(mysql.createPool(mysqlConfig()), { name: 'boundary-cloneable' });
    const { port1, port2 } = new MessageChannel();
    try {
      port1.postMessage({ pool });
      expectViolations('boundary-cloneable', 'pool_across_boundary', 1, { leaseId: null });
      // The guard still works after the copy: the pool lends and its connections are guarded.
      const conn = await getConnection(pool);
      conn.release();
      conn.release();
      expectViolations('boundary-cloneable', 'double_release', 1, { others: ['pool_across_boundary'] });
    } finally {
      port1.close();
      port2.close();
      await endMysqlPool(raw);
      await endMysqlPool(pool);
    }
  });

  it('a revoked Proxy or a throwing getPrototypeOf trap gets the platform\'s DataCloneError, never an error of poolguard\'s', () => {
    guarded('boundary-proxies');
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const trapped = new Proxy({}, { getPrototypeOf() { throw new Error('the app\'s own trap'); } });
    const { port1, port2 } = new MessageChannel();
    try {
      for (const message of [proxy, trapped]) {
        assert.throws(() => port1.postMessage(message), (err: Error) => err.name === 'DataCloneError');
      }
      expectSilent('boundary-proxies');
    } finally {
      port1.close();
      port2.close();
    }
  });

  it('postMessage with a pool reports before the DataCloneError the app still gets', () => {
    const pool = guarded('boundary-port');
    const { port1, port2 } = new MessageChannel();
    try {
      assert.throws(() => port1.postMessage({ job: 1, pool }), (err: Error) => err.name === 'DataCloneError');
      expectViolations('boundary-port', 'pool_across_boundary', 1, { leaseId: null });
      assert.match(String(violationLogs('pool_across_boundary')[0]!.body), /A pg Pool was passed to postMessage\(\)/);
      port1.postMessage({ job: 2, rows: [{ a: 1 }], text: 'x'.repeat(1024) });
      port1.postMessage('plain');
      expectViolations('boundary-port', 'pool_across_boundary', 1, { leaseId: null });
    } finally {
      port1.close();
      port2.close();
    }
  });

  it('the DataCloneError for a pg or tarn pool reads as without poolguard (its own listeners are not enumerable)', async () => {
    const cloneError = (value: unknown): string => {
      const { port1, port2 } = new MessageChannel();
      try {
        port1.postMessage({ value });
        return 'cloned';
      } catch (err) {
        return `${(err as Error).name}: ${(err as Error).message}`;
      } finally {
        port1.close();
        port2.close();
      }
    };
    const rawPg = new pg.Pool(pgConfig());
    const guardedPg = guardPool(new pg.Pool(pgConfig()), { name: 'boundary-clone-pg' });
    const tarnPool = () => new TarnPool({ create: (done: (err: Error | null, resource: object) => void) => done(null, {}), destroy: () => undefined, min: 0, max: 1 });
    const rawTarn = tarnPool();
    const guardedTarn = guardPool(tarnPool(), { name: 'boundary-clone-tarn' });
    try {
      assert.equal(cloneError(guardedPg), cloneError(rawPg));
      assert.equal(cloneError(guardedTarn), cloneError(rawTarn));
      const client = await guardedPg.connect(); // the pool still hears its own 'connect'
      client.release();
      assert.equal(guardedPg.listenerCount('connect'), 1);
    } finally {
      await Promise.all([rawPg.end(), guardedPg.end(), rawTarn.destroy(), guardedTarn.destroy()]);
    }
  });

  it('a leased client inside a Set, over BroadcastChannel, is reported on its pool, with its lease; an idle one without', async () => {
    const pool = guarded('boundary-broadcast');
    const client = await pool.connect();
    const channel = new BroadcastChannel('poolguard-test');
    try {
      assert.throws(() => channel.postMessage({ clients: new Set([client]) }), (err: Error) => err.name === 'DataCloneError');
      const [record] = expectViolations('boundary-broadcast', 'pool_across_boundary', 1);
      assert.equal(typeof record!.attributes['poolguard.lease.id'], 'number', 'the lease whose holder sent it');
      assert.match(String(violationLogs('pool_across_boundary')[0]!.body), /A pg PoolClient was passed to BroadcastChannel#postMessage\(\)/);
      client.release();
      assert.throws(() => channel.postMessage([client]), (err: Error) => err.name === 'DataCloneError');
      const idle = violationLogs('pool_across_boundary')[1]!;
      assert.equal(idle.attributes['poolguard.lease.id'], undefined, 'a released client is no lease');
    } finally {
      channel.close();
    }
  });

  it('a pooled pg client\'s protocol Connection (client.connection) is reported on its pool, leased or idle', async () => {
    const pool = guarded('boundary-pg-connection');
    const client = await pool.connect();
    const { port1, port2 } = new MessageChannel();
    try {
      const connection = (client as unknown as { connection: object }).connection;
      assert.throws(() => port1.postMessage({ connection }), (err: Error) => err.name === 'DataCloneError');
      client.release();
      assert.throws(() => port1.postMessage([connection]), (err: Error) => err.name === 'DataCloneError');
      expectViolations('boundary-pg-connection', 'pool_across_boundary', 2, { leaseId: null });
      assert.match(String(violationLogs('pool_across_boundary')[0]!.body), /A pg Connection was passed to postMessage\(\)/);
    } finally {
      port1.close();
      port2.close();
    }
  });

  it('Worker#postMessage and new Worker({ workerData }) report once each, before DataCloneError', async () => {
    const pool = guarded('boundary-worker');
    const worker = new Worker('require("node:worker_threads").parentPort.on("message", () => {})', { eval: true });
    try {
      assert.throws(() => worker.postMessage([pool]), (err: Error) => err.name === 'DataCloneError');
      expectViolations('boundary-worker', 'pool_across_boundary', 1, { leaseId: null });
      assert.match(String(violationLogs('pool_across_boundary')[0]!.body), /worker\.postMessage\(\)/, 'one report, from the outer call');
      assert.throws(() => new Worker('1', { eval: true, workerData: { db: { pool } } }), (err: Error) => err.name === 'DataCloneError');
      expectViolations('boundary-worker', 'pool_across_boundary', 2, { leaseId: null });
      assert.match(String(violationLogs('pool_across_boundary')[1]!.body), /new Worker\(\) workerData/);
      worker.postMessage({ plain: [1, 2, 3] });
      expectViolations('boundary-worker', 'pool_across_boundary', 2, { leaseId: null });
    } finally {
      await worker.terminate();
    }
  });

  it('child.send({ client }) and fork arguments report; a plain child.send stays silent', async () => {
    const pool = guarded('boundary-child');
    const client = await pool.connect();
    /** `count` reports in all; those after the first are of the pool itself, no lease. */
    const expectPoolLevel = (count: number) => {
      const records = poolViolations('boundary-child', 'pool_across_boundary');
      assert.equal(records.length, count);
      for (const record of records.slice(1)) assert.equal(record.attributes['poolguard.lease.id'], undefined);
    };
    const child = fork(path.join(FIXTURES, 'other-script.js'), [], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => child.once('message', resolve));
      try {
        child.send({ client }, () => undefined); // whatever the app gets from Node here is its own business
      } catch {
        // Node may throw synchronously while serialising; poolguard has reported before.
      }
      expectViolations('boundary-child', 'pool_across_boundary', 1); // with the client's lease
      child.send({ hello: 'world' });
      expectViolations('boundary-child', 'pool_across_boundary', 1);
    } finally {
      client.release();
      child.kill();
    }
    const withArgs = fork(path.join(FIXTURES, 'other-script.js'), [pool as unknown as string], { stdio: 'ignore' });
    withArgs.kill();
    expectPoolLevel(2);
    assert.match(String(violationLogs('pool_across_boundary')[1]!.body), /child_process\.fork\(\) arguments/);
    const withEnv = fork(path.join(FIXTURES, 'other-script.js'), [], { stdio: 'ignore', env: { ...process.env, DB: pool as unknown as string } });
    withEnv.kill();
    expectPoolLevel(3);
    assert.match(String(violationLogs('pool_across_boundary')[2]!.body), /child_process\.fork\(\) env/);
    // fork(path, undefined | null, options): Node reads the options from the third argument all the same.
    for (const args of [undefined, null]) {
      const withEnvOnly = fork(path.join(FIXTURES, 'other-script.js'), args as unknown as string[], { stdio: 'ignore', env: { ...process.env, DB: pool as unknown as string } });
      withEnvOnly.kill();
    }
    expectPoolLevel(5);
  });

  it("an object whose toJSON() leaves the pool out sends no pool over child.send()'s JSON: silent; the structured clone (serialization 'advanced', postMessage) ignores toJSON(): reported", async () => {
    const pool = guarded('boundary-tojson');
    const tenant = () => ({ name: 'acme', pool, toJSON(this: { name: string }) { return { name: this.name }; } });
    const child = fork(path.join(FIXTURES, 'echo-child.js'), [], { stdio: 'ignore' });
    try {
      const echoed = new Promise((resolve) => child.once('message', resolve));
      child.send({ tenant: tenant() });
      assert.deepEqual(await echoed, { tenant: { name: 'acme' } }, 'JSON sends what toJSON() returns');
      expectSilent('boundary-tojson');
    } finally {
      child.kill();
    }
    const advanced = fork(path.join(FIXTURES, 'echo-child.js'), [], { stdio: 'ignore', serialization: 'advanced' });
    try {
      advanced.on('error', () => undefined); // whatever Node makes of the pool's fields is the app's business
      try {
        advanced.send({ tenant: tenant() });
      } catch {
        // Node may throw while serialising; poolguard has reported before.
      }
      expectViolations('boundary-tojson', 'pool_across_boundary', 1, { leaseId: null });
    } finally {
      advanced.kill();
    }
    const { port1, port2 } = new MessageChannel();
    assert.throws(() => port1.postMessage({ tenant: tenant() }), { name: 'DataCloneError' });
    port1.close();
    port2.close();
    expectViolations('boundary-tojson', 'pool_across_boundary', 2, { leaseId: null });
  });

  it('unguarded values of other libraries are reported under their library name', () => {
    const before = violationLogs('pool_across_boundary').length;
    const client = new pg.Client(pgConfig());
    const { port1, port2 } = new MessageChannel();
    try {
      assert.throws(() => port1.postMessage(new Map([['db', client]])), (err: Error) => err.name === 'DataCloneError');
    } finally {
      port1.close();
      port2.close();
    }
    const records = violationLogs('pool_across_boundary').slice(before);
    assert.equal(records.length, 1);
    assert.equal(records[0]!.attributes['db.client.connection.pool.name'], 'pg');
  });

  it('throw mode throws a PoolGuardError in place of the call', () => {
    const pool = guarded('boundary-throw', { mode: 'throw' });
    const { port1, port2 } = new MessageChannel();
    try {
      assert.throws(() => port1.postMessage({ pool }), (err: unknown) => err instanceof PoolGuardError && err.code === 'POOLGUARD_POOL_ACROSS_BOUNDARY');
    } finally {
      port1.close();
      port2.close();
    }
  });

  it('the patches are installed once, marked, and ESM named imports see the Worker subclass', async () => {
    guarded('boundary-idempotent');
    guarded('boundary-idempotent-2');
    const postMessage = MessageChannel.prototype.constructor && (new MessageChannel()).port1.postMessage as unknown as Record<symbol, unknown>;
    assert.equal(typeof postMessage[ORIGINAL], 'function', 'MessagePort#postMessage is wrapped');
    assert.equal((postMessage[ORIGINAL] as Record<symbol, unknown>)[ORIGINAL], undefined, 'and wrapped once');
    for (const wrapped of [fork, require('node:cluster').fork, (new MessageChannel()).port1.postMessage, process.send ?? fork] as (((...args: unknown[]) => unknown) & Record<symbol, Function>)[]) {
      const original = wrapped[ORIGINAL]!;
      assert.deepEqual([wrapped.name, wrapped.length], [original.name, original.length], `${original.name} reads as Node's own`);
    }
    const esm = await import('node:worker_threads');
    assert.equal(esm.Worker, require('node:worker_threads').Worker, 'syncBuiltinESMExports: ESM sees the subclass');
    expectSilent('boundary-idempotent');
  });
});
