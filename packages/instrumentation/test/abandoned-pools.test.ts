/*
 * Pools dropped without end() (per-tenant pools, tests): guarded, they are
 * garbage-collected as raw pg pools are, their sweep timers and metric
 * callbacks go with them, and their names are free again. In a fresh process
 * with --expose-gc.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

describe('pools dropped without end()', () => {
  it('are collected as raw pg pools are, and free their names', async () => {
    const { stdout } = await run(process.execPath, ['--expose-gc', join(__dirname, 'fixtures', 'abandoned-pools.js')], { timeout: 30_000 });
    const { raw, guarded, name } = JSON.parse(stdout.trim().split('\n').pop()!) as { raw: number; guarded: number; name: string };
    assert.ok(raw >= 299, `raw pg pools collected: ${raw} of 300`);
    assert.equal(guarded, raw, 'as many guarded pools are collected as raw ones');
    assert.equal(name, 'tenant', 'the name of a collected pool is free again');
  });
});
