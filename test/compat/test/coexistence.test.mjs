/*
 * poolguard next to @opentelemetry/instrumentation-pg 0.77 under NodeSDK 0.30x,
 * in both registration orders: same query results as instrumentation-pg alone,
 * both instrumentations' signals present.
 */
import assert from 'node:assert/strict';
import { KINDS, RESULTS, counted, loggedKinds, runFixture } from './helpers.mjs';

describe('coexistence with instrumentation-pg 0.77', () => {
  let baseline;
  before(async () => {
    baseline = await runFixture('sdk-app.cjs', ['pg-only']);
  });

  it('baseline: instrumentation-pg alone', () => {
    assert.deepEqual(baseline.results, RESULTS);
    assert.deepEqual(loggedKinds(baseline), []);
  });

  for (const order of ['pg-first', 'guard-first']) {
    it(`${order}: results unchanged, both instrumentations report`, async () => {
      const dump = await runFixture('sdk-app.cjs', [order]);
      assert.deepEqual(dump.results, baseline.results);
      assert.deepEqual(loggedKinds(dump), KINDS);
      assert.deepEqual(Object.keys(counted(dump)), KINDS);
      const names = dump.spans.map((s) => s.name);
      assert.ok(names.includes('pg-pool.connect'), names.join(', '));
      assert.ok(names.some((n) => n.startsWith('pg.query')), names.join(', '));
      assert.deepEqual(names.filter((n) => !n.startsWith('pg')).sort(), baseline.spans.map((s) => s.name).filter((n) => !n.startsWith('pg')).sort());
      assert.ok(dump.metrics.some((m) => m.name === 'db.client.operation.duration'));
    });
  }
});
