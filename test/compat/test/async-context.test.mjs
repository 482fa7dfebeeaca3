/*
 * Task identity on Node 24 (AsyncContextFrame), with no OTel SDK at all, so
 * every task comes from poolguard's own tokens and taskTracking stays 'auto':
 * HTTP request roots on keep-alive sockets, GET handlers and POST handlers run
 * from the body's 'end' event, and sibling tasks started in one tick.
 */
import assert from 'node:assert/strict';
import { runFixture } from './helpers.mjs';

describe('task identity on Node 24 (AsyncContextFrame)', () => {
  let dump;
  before(async () => {
    dump = await runFixture('http-app.cjs', ['auto']);
  });

  it('runs on Node >= 24 with taskTracking "auto"', () => {
    assert.ok(Number(dump.node.slice(1).split('.')[0]) >= 24, dump.node);
    assert.equal(dump.taskTracking, 'auto');
  });

  for (const method of ['GET', 'POST']) {
    it(`${method}: keep-alive requests that each hold their own client report nothing`, () => {
      assert.deepEqual(dump.scenarios[`${method} keep-alive, own clients`], []);
    });

    it(`${method}: a client cached by one request and used by the next on the same socket is one cross_task_use`, () => {
      // Exactly one: 'auto' turned task tracking on, and request 1's token did not leak into request 2.
      assert.deepEqual(dump.scenarios[`${method} keep-alive, cached client`], ['cross_task_use']);
    });
  }

  it('sibling tasks started in one tick keep their own tokens; code outside any task is not evidence', () => {
    assert.deepEqual(dump.scenarios['same-tick siblings'], ['cross_task_use']);
  });

  it('under --no-async-context-frame (async hooks again, which slow every await), "auto" leaves task tracking off: the cached client is not evidence', async () => {
    const hooks = await runFixture('http-app.cjs', ['auto'], ['--no-async-context-frame']);
    assert.deepEqual(hooks.scenarios['GET keep-alive, cached client'], []);
    assert.deepEqual(hooks.scenarios['GET keep-alive, own clients'], []);
  });
});
