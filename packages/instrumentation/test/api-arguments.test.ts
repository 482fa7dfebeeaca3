/*
 * Bad arguments to the public functions get a clear error that names the
 * function, thrown before anything is switched on (no pool name is taken);
 * an object adoptLease() does not know is handed back untouched.
 */
import assert from 'node:assert/strict';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import mysql from 'mysql2';
import pg from 'pg';
import { adoptLease, guardPool, PoolGuardConfigError, runInTask } from '../src';
import { mysqlConfig } from './helpers/mysql';
import { pgConfig } from './helpers/pg';

describe('API arguments', () => {
  it('runInTask() without a function throws a TypeError that names it', () => {
    for (const bad of ['job', undefined, null, 42, {}]) {
      assert.throws(() => runInTask(bad as unknown as () => void), { name: 'TypeError', message: /^poolguard: runInTask\(\) expects a function, got (string|undefined|null|number|object)$/ });
    }
    assert.equal(runInTask(() => 'ran'), 'ran');
  });

  it('guardPool() without an object throws a TypeError that names it', () => {
    for (const bad of [null, undefined, 'pool', 42]) {
      assert.throws(() => guardPool(bad as unknown as object), { name: 'TypeError', message: /^poolguard: guardPool\(\) expects a pool object/ });
    }
  });

  it('guardPool() of a client, a connection or a mysql2 PoolCluster says what it got and what to guard instead; of an unknown object, to pass `adapter`', async () => {
    const client = new pg.Client(pgConfig());
    assert.throws(() => guardPool(client), { name: 'PoolGuardConfigError', option: 'adapter', message: /^poolguard: guardPool\(\) takes a pool, and this is a pg Client, one connection: guard the pool it comes from/ });
    const connection = mysql.createConnection(mysqlConfig());
    try {
      assert.throws(() => guardPool(connection), { name: 'PoolGuardConfigError', option: 'adapter', message: /this is a mysql2 Connection, one connection/ });
    } finally {
      await connection.promise().end();
    }
    const cluster = mysql.createPoolCluster();
    try {
      assert.throws(() => guardPool(cluster), { name: 'PoolGuardConfigError', option: 'adapter', message: /cannot guard a mysql2 PoolCluster as one pool: register PoolGuardInstrumentation/ });
    } finally {
      cluster.end(() => undefined);
    }
    assert.throws(() => guardPool({ acquire() {} }), { name: 'PoolGuardConfigError', option: 'adapter', message: /does not recognise this object as a pool .*pass the `adapter` option/ });
    assert.throws(() => guardPool({ acquire() {} }), (err: unknown) => err instanceof PoolGuardConfigError && err instanceof TypeError);
  });

  it('guardPool() of a frozen or sealed pool throws a TypeError that says why, and takes no pool name', () => {
    const name = 'frozen-pool';
    for (const seal of [Object.freeze, Object.seal, Object.preventExtensions]) {
      const pool = seal(new pg.Pool(pgConfig({ max: 1 })));
      assert.throws(() => guardPool(pool, { name }), { name: 'TypeError', message: /cannot guard a frozen, sealed or non-extensible pool/ });
    }
    const names: string[] = [];
    const pool = guardPool(new pg.Pool(pgConfig({ max: 1 })), { name, onViolation: (v) => names.push(v.poolName) });
    return (async () => {
      const lease = await pool.connect();
      lease.release();
      await lease.query('SELECT 1');
      await pool.end();
      assert.deepEqual(names, [name], 'the failed calls took no name: the next pool is not #2');
    })();
  });

  it('options that are not an object of options fail naming it, and show what they got', () => {
    const pool = new pg.Pool(pgConfig({ max: 1 }));
    assert.throws(() => guardPool(pool, [] as never), { name: 'PoolGuardConfigError', message: /`options`: expected an object of options, got \[\]/ });
    assert.throws(() => guardPool(pool, { detectors: new Map([['leak', 'off']]) } as never), { message: /`detectors`: expected an object of kind .*, got a Map object/ });
    assert.throws(() => guardPool(pool, { leakThresholdMs: new Number(5) } as never), { message: /`leakThresholdMs`: expected a number from 1 to \d+, got a Number object/ });
    assert.throws(() => guardPool(pool, { leakThresholdMs: BigInt(10) } as never), { message: /`leakThresholdMs`: expected a number from 1 to \d+, got 10n, a BigInt/ });
    void pool.end();
  });

  it('a blank pool name fails naming `name`, and so does a malformed adapter for a pool guarded already', () => {
    const pool = new pg.Pool(pgConfig({ max: 1 }));
    for (const blank of ['', '   ', '\t\n']) {
      assert.throws(() => guardPool(pool, { name: blank }), { name: 'PoolGuardConfigError', option: 'name', message: /`name`: expected a non-empty string, got / });
    }
    guardPool(pool, { name: 'orders' });
    // The instrumentation's hook guards pools at construction, so guardPool(pool, { adapter }) often meets a guarded pool.
    assert.throws(() => guardPool(pool, { adapter: 'pg' as never }), { name: 'PoolGuardConfigError', option: 'adapter', message: /`adapter`: expected an object/ });
    assert.throws(() => guardPool(pool, { adapter: { library: 'x' } as never }), { option: 'adapter.acquire' });
    assert.throws(() => guardPool(pool, { adapter: { library: 'x', acquire: ['connect'], release: ['connect'] } }), { option: 'adapter.release', message: /"connect" is named in adapter\.acquire too/ });
    void pool.end();
  });

  it('adoptLease() of an object that is no guarded connection, or of a released one, returns it unchanged and says so to diag', async () => {
    const warned: unknown[] = [];
    diag.setLogger({ error: () => undefined, warn: (message: unknown) => warned.push(message), info: () => undefined, debug: () => undefined, verbose: () => undefined }, DiagLogLevel.WARN);
    const pool = guardPool(new pg.Pool(pgConfig({ max: 1 })), { name: 'adopt-released' });
    try {
      const plain = { query() {} };
      assert.equal(adoptLease(plain), plain);
      const client = await pool.connect();
      client.release();
      assert.equal(adoptLease(client), client);
      assert.equal(warned.length, 2);
      assert.match(String(warned[0]), /not a guarded connection/);
      assert.match(String(warned[1]), /adoptLease\(\) was given a connection of pool "adopt-released" that is not leased/);
    } finally {
      diag.disable();
      await pool.end();
    }
  });
});
