/*
 * Bad arguments to the public functions get a clear error that names the
 * function, thrown before anything is switched on; an object adoptLease()
 * does not know is handed back untouched.
 */
import assert from 'node:assert/strict';
import { adoptLease, guardPool, runInTask } from '../src';

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

  it('adoptLease() of an object that is no guarded connection returns it unchanged', () => {
    const plain = { query() {} };
    assert.equal(adoptLease(plain), plain);
  });
});
