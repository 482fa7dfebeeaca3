/*
 * Forked children are not kept alive by poolguard: a cluster that respawns
 * its workers, or a job runner that forks a child per job, forks without end,
 * and poolguard wraps each child's `send`. In a fresh process with --expose-gc.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

describe('forked children', () => {
  it('are collected after they exit, with the boundary patches on, as without them', async () => {
    const { stdout } = await run(process.execPath, ['--expose-gc', join(__dirname, 'fixtures', 'forked-children-gc.js')], { timeout: 60_000 });
    const { raw, guarded, count } = JSON.parse(stdout.trim().split('\n').pop()!) as { raw: number; guarded: number; count: number };
    assert.ok(raw >= count - 1, `children collected without poolguard: ${raw} of ${count}`);
    assert.ok(guarded >= raw - 1, `children collected with poolguard: ${guarded}, without: ${raw}`);
  });
});
