/*
 * When async context is free (AsyncLocalStorage on AsyncContextFrame), so
 * that taskTracking: 'auto' turns poolguard's own tokens on without an OTel
 * context manager: Node 24 unless --no-async-context-frame, Node 22 with
 * --experimental-async-context-frame. Under async hooks every await of the
 * app would pay for one more AsyncLocalStorage.
 */
import assert from 'node:assert/strict';
import { asyncContextFrame } from '../src/task';

const flags = (...given: string[]) => (flag: string) => given.includes(flag);

describe('async context frame', () => {
  it('is on by default from Node 24, and off under --no-async-context-frame', () => {
    assert.equal(asyncContextFrame(24, flags()), true);
    assert.equal(asyncContextFrame(26, flags()), true);
    assert.equal(asyncContextFrame(24, flags('--no-async-context-frame')), false);
  });

  it('is on for Node 22 only with --experimental-async-context-frame, and never on Node 20', () => {
    assert.equal(asyncContextFrame(22, flags()), false);
    assert.equal(asyncContextFrame(22, flags('--experimental-async-context-frame')), true);
    assert.equal(asyncContextFrame(20, flags('--experimental-async-context-frame')), false);
  });
});
