/*
 * The semantic-convention pool metrics through a 3.x MeterProvider (NodeSDK's
 * metricReaders), read while one lease is held and one request waits.
 */
import assert from 'node:assert/strict';
import { runFixture } from './helpers.mjs';

const point = (metrics, name, attributes) => metrics.find((m) => m.name === name)?.points
  .find((p) => Object.entries(attributes).every(([k, v]) => p.attributes[k] === v));

describe('pool metrics on the 3.x SDK', () => {
  let dump;
  before(async () => {
    dump = await runFixture('sdk-app.cjs', ['sdk']);
  });

  it('observes count (idle/used), max, idle.max, idle.min and pending_requests per pool', () => {
    const busy = dump.metricsWhileBusy;
    const pool = { 'db.client.connection.pool.name': '127.0.0.1:5432/test#2' };
    assert.equal(point(busy, 'db.client.connection.count', { ...pool, 'db.client.connection.state': 'used' }).value, 1);
    assert.equal(point(busy, 'db.client.connection.count', { ...pool, 'db.client.connection.state': 'idle' }).value, 0);
    assert.equal(point(busy, 'db.client.connection.pending_requests', pool).value, 1);
    assert.equal(point(busy, 'db.client.connection.max', pool).value, 1);
    assert.equal(point(busy, 'db.client.connection.idle.max', pool).value, 1);
    assert.equal(point(busy, 'db.client.connection.idle.min', pool).value, 0);
    assert.equal(busy.find((m) => m.name === 'db.client.connection.count').unit, '{connection}');
  });

  it('records wait_time and use_time in seconds, per lease', () => {
    for (const name of ['db.client.connection.wait_time', 'db.client.connection.use_time']) {
      const metric = dump.metrics.find((m) => m.name === name);
      assert.equal(metric.unit, 's', name);
      assert.ok(point(dump.metrics, name, { 'db.client.connection.pool.name': '127.0.0.1:5432/test' }).value >= 3, name);
    }
  });
});
