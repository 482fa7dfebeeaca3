/*
 * The preload's configuration from POOLGUARD_* variables: values that parse
 * but that the instrumentation rejects fail naming the variable, as the ones
 * that do not parse do.
 */
import assert from 'node:assert/strict';
import { PoolGuardConfigError } from '../src';
import { checkedConfigFromEnv } from '../src/env-config';

describe('configuration from the environment', () => {
  it('reads the variables into the config', () => {
    assert.deepEqual(checkedConfigFromEnv({ POOLGUARD_MODE: 'throw', POOLGUARD_LEAK_THRESHOLD_MS: '500', POOLGUARD_DETECTORS: 'leak=off' }), {
      mode: 'throw',
      leakThresholdMs: 500,
      detectors: { leak: 'off' },
    });
  });

  for (const [variable, value, problem] of [
    ['POOLGUARD_MODE', 'loud', /expected one of report, throw/],
    ['POOLGUARD_LEAK_THRESHOLD_MS', '-1', /expected a number from 1/],
    ['POOLGUARD_STACK_SAMPLE_RATE', '2', /expected a number from 0 to 1/],
    ['POOLGUARD_DETECTORS', 'leek=off', /leek: unknown violation kind/],
    ['POOLGUARD_DETECTORS', 'leak=off=throw', /expected kind=level pairs/],
    ['POOLGUARD_DETECTORS', 'leak=off,leak=throw', /leak is given twice/],
    ['POOLGUARD_LEAK_THRESHOLD_MS', '0x10', /expected a decimal number, got "0x10"/],
    ['POOLGUARD_TASK_TRACKING', 'sometimes', /expected true, false or auto, got "sometimes"/],
    ['POOLGUARD_POOL_METRICS', 'maybe', /expected true, false or auto, got "maybe"/],
    ['POOLGUARD_CAPTURE_STACKS', 'auto', /expected true or false, got "auto"/],
    ['POOLGUARD_CHECK_SERVER_LIMIT', 'true', /`poolMetrics` is false/],
    ['POOLGUARD_LEAKTHRESHOLD', '5', /unknown variable; did you mean `POOLGUARD_LEAK_THRESHOLD_MS`\?/],
    ['POOLGUARD_MODES', 'throw', /unknown variable; did you mean `POOLGUARD_MODE`\?/],
    // Two neighbouring letters swapped, the commonest typo, count as one edit.
    ['POOLGUARD_MDOE', 'throw', /unknown variable; did you mean `POOLGUARD_MODE`\?/],
    ['POOLGUARD_REPROTER', 'pretty', /unknown variable; did you mean `POOLGUARD_REPORTER`\?/],
  ] as const) {
    it(`${variable}=${value} fails naming the variable`, () => {
      const env = variable === 'POOLGUARD_CHECK_SERVER_LIMIT' ? { [variable]: value, POOLGUARD_POOL_METRICS: 'false' } : { [variable]: value };
      assert.throws(() => checkedConfigFromEnv(env), (err: unknown) => {
        assert.ok(err instanceof PoolGuardConfigError);
        assert.match(err.message, new RegExp(`invalid option \`${variable}\``));
        assert.match(err.message, problem);
        return true;
      });
    });
  }

  it('reads choices and booleans in any case, with spaces around them', () => {
    assert.deepEqual(checkedConfigFromEnv({ POOLGUARD_MODE: 'Throw', POOLGUARD_REPORTER: 'PRETTY', POOLGUARD_TASK_TRACKING: 'Auto ', POOLGUARD_CAPTURE_STACKS: ' TRUE', POOLGUARD_DETECTORS: 'LEAK=Off' }), {
      mode: 'throw',
      reporter: 'pretty',
      taskTracking: 'auto',
      captureStacks: true,
      detectors: { leak: 'off' },
    });
  });

  it('reads decimal numbers, and leaves alone the app\'s own POOLGUARD_* variables (more than one or two letters from a known one)', () => {
    const appOwn = ['POOLGUARD_DEMO_DB', 'POOLGUARD_DIR', 'POOLGUARD_M', 'POOLGUARD_REPORTER_URL', 'POOLGUARD_DETECTORS_FILE', 'POOLGUARD_MODE_OVERRIDE', 'POOLGUARD_STACKS', 'POOLGUARD_POOL', 'POOLGUARD_LEAK', 'POOLGUARD_DOME'];
    assert.deepEqual(checkedConfigFromEnv({ POOLGUARD_LEAK_THRESHOLD_MS: ' 1.5e3 ', ...Object.fromEntries(appOwn.map((name) => [name, 'x'])) }), { leakThresholdMs: 1500 });
  });
});
