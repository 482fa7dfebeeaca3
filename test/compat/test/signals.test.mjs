/*
 * The three violation signals on the OTel 3.x line (NodeSDK 0.30x, api 1.10
 * with its own logs slot, sdk-trace/sdk-logs/sdk-metrics 3.x), for
 * use_after_release, cross_task_use and concurrent_query, with every way of
 * registering poolguard in a CommonJS app.
 */
import assert from 'node:assert/strict';
import { KINDS, RESULTS, counted, loggedKinds, runFixture, spanEvents } from './helpers.mjs';

const MODES = {
  sdk: { title: 'NodeSDK instrumentations: [new PoolGuardInstrumentation()]' },
  preload: { title: '--require @poolguard/instrumentation/register, NodeSDK registered after', nodeArgs: ['--require', '@poolguard/instrumentation/register'] },
  'by-hand': { title: 'guardPool() with no instrumentation, global providers only' },
};

for (const [mode, { title, nodeArgs }] of Object.entries(MODES)) {
  describe(`signals on the 3.x SDK: ${title}`, () => {
    let dump;
    before(async () => {
      dump = await runFixture('sdk-app.cjs', [mode], nodeArgs);
    });

    it('exports a poolguard.violation log record per kind through the LoggerProvider NodeSDK registered', () => {
      assert.deepEqual(loggedKinds(dump), KINDS);
      for (const record of dump.logRecords) {
        assert.equal(record.severityText, 'WARN');
        assert.equal(record.scope, '@poolguard/instrumentation');
        assert.equal(record.attributes['db.client.connection.pool.name'], '127.0.0.1:5432/test');
        assert.match(record.traceId, /^[0-9a-f]{32}$/, 'emitted in the active context');
      }
    });

    it('adds a poolguard.violation event to the 3.x span active at each violation', () => {
      const events = spanEvents(dump);
      for (const kind of KINDS) assert.deepEqual(events[kind], ['poolguard.violation'], kind);
      assert.deepEqual(events.owner, []);
      const crossTask = dump.spans.find((s) => s.name === 'cross_task_use');
      const owner = dump.spans.find((s) => s.name === 'owner');
      assert.equal(crossTask.events[0].attributes['poolguard.owner.trace_id'], owner.traceId);
      assert.equal(crossTask.links, 1, 'a link to the owner span');
    });

    it('counts each kind once on poolguard.violations', () => {
      assert.deepEqual(counted(dump), Object.fromEntries(KINDS.map((k) => [k, 1])));
      assert.equal(dump.metrics.find((m) => m.name === 'poolguard.violations').unit, '{violation}');
    });

    it('leaves query results unchanged', () => {
      assert.deepEqual(dump.results, RESULTS);
    });
  });
}
