/*
 * An ESM app (`import pg from 'pg'`) with poolguard registered by --import. The
 * app's own imports get @opentelemetry/api's ESM build and poolguard (one
 * CommonJS build) gets the API's CommonJS build: two module instances, one
 * global registry, so every signal still reaches the app's SDK.
 */
import assert from 'node:assert/strict';
import { KINDS, RESULTS, counted, loggedKinds, runFixture, spanEvents } from './helpers.mjs';

const MODES = {
  register: ['--import', './test/fixtures/esm-register.mjs'],
  preload: ['--import', '@poolguard/instrumentation/register'],
};

for (const [mode, nodeArgs] of Object.entries(MODES)) {
  describe(`ESM app, ${nodeArgs.join(' ')}`, () => {
    let dump;
    before(async () => {
      dump = await runFixture('esm-app.mjs', [mode], nodeArgs);
    });

    it('guards the pool of `import pg from "pg"` and leaves results unchanged', () => {
      assert.deepEqual(dump.results, RESULTS);
    });

    it('one poolguard instance for import and require; the API loaded twice, sharing its globals', () => {
      assert.equal(dump.samePoolguard, true);
      assert.equal(dump.sameApiModule, false, 'the API ESM and CJS builds are distinct modules here');
      assert.equal(dump.apiLogsInApi, true, 'api 1.10 has the logs API');
    });

    it('delivers log records, span events and the counter to the SDK the ESM app registered', () => {
      assert.deepEqual(loggedKinds(dump), KINDS);
      const events = spanEvents(dump);
      for (const kind of KINDS) assert.deepEqual(events[kind], ['poolguard.violation'], kind);
      assert.deepEqual(counted(dump), Object.fromEntries(KINDS.map((k) => [k, 1])));
    });
  });
}
