/*
 * Module hooks, in fresh processes (require caches are per process):
 * registering PoolGuardInstrumentation before requiring mysql2,
 * mysql2/promise, generic-pool or knex guards their pools with no code change,
 * names them after their server, and leaves results unchanged.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const APP = join(__dirname, '..', 'fixtures', 'hooked-pools-app.js');

interface Dump {
  violations: { kind: string; pool: string }[];
  metricNames: string[];
  results: unknown[];
}

async function runApp(library: string): Promise<Dump> {
  const { stdout } = await run(process.execPath, [APP, library], { timeout: 30_000, killSignal: 'SIGKILL' });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Dump;
}

describe('module hooks (child processes)', () => {
  const dumps = new Map<string, Promise<Dump>>();
  const dump = (library: string) => {
    if (!dumps.has(library)) dumps.set(library, runApp(library));
    return dumps.get(library)!;
  };
  // Start all four at once; each test awaits its own.
  before(() => {
    for (const library of ['mysql2', 'mysql2-promise', 'generic-pool', 'knex']) void dump(library).catch(() => undefined);
  });

  it("mysql2 (callback API): createPool() is guarded; JSON's circular-structure error names mysql2's class", async () => {
    const { results, violations, metricNames } = await dump('mysql2');
    assert.deepEqual(results, [42, 'Pool']);
    assert.deepEqual(violations, [
      { kind: 'double_release', pool: '127.0.0.1:3306/test' },
      { kind: 'use_after_release', pool: '127.0.0.1:3306/test' },
    ]);
    assert.ok(metricNames.includes('db.client.connection.use_time'), metricNames.join(', '));
  });

  it('mysql2/promise: createPool() is guarded through mysql2/lib/create_pool.js', async () => {
    const { results, violations } = await dump('mysql2-promise');
    assert.deepEqual(results, [42]);
    assert.deepEqual(violations, [
      { kind: 'double_release', pool: '127.0.0.1:3306/test' },
      { kind: 'use_after_release', pool: '127.0.0.1:3306/test' },
    ]);
  });

  it('generic-pool: createPool() is guarded; its own rejection still reaches the app; its pools, and pg\'s, are instances of the exported classes (not of an app\'s subclass)', async () => {
    const { results, violations } = await dump('generic-pool');
    assert.deepEqual(results, [42, 'Resource not currently part of this pool', true, true, true, false]);
    assert.deepEqual(violations, [{ kind: 'double_release', pool: 'generic-pool' }]);
  });

  it('knex: its tarn pool is guarded and named after the server it connects to', async () => {
    const { results, violations } = await dump('knex');
    assert.deepEqual(results, [42]);
    assert.deepEqual(violations, [
      { kind: 'dirty_release', pool: '127.0.0.1:5432/test' },
      { kind: 'double_release', pool: '127.0.0.1:5432/test' },
    ]);
  });
});
