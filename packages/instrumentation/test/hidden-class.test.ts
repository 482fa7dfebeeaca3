/*
 * A structural guard for the hot path: guarded pg clients keep one shared V8
 * hidden class. Per-client accessor closures would give every client its own
 * class and make every property access in pg's own code on a client
 * megamorphic (measured at +20 % client CPU per query). Not a timing test.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

describe('hidden classes of guarded pg clients', () => {
  it('two guarded clients, and the same clients after a release, share one hidden class', () => {
    const out = execFileSync(process.execPath, ['--allow-natives-syntax', join(__dirname, 'fixtures', 'hidden-class.js')], { encoding: 'utf8', timeout: 20_000 });
    assert.deepEqual(JSON.parse(out.trim()), { clients: true, afterRelease: true });
  });
});
