/*
 * The public contract of both packages, as an application sees them: the
 * names shared/DESIGN.md promises, loaded the way users load them (the built
 * packages, by name, from CommonJS and from ESM).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

const KINDS = [
  'cross_task_use', 'use_after_release', 'double_release', 'foreign_release', 'concurrent_query', 'leak',
  'dirty_release', 'use_after_end', 'transaction_on_pool', 'nested_checkout', 'pool_before_fork',
  'pool_across_boundary', 'handle_sent_to_process',
];

describe('public contract', () => {
  it('@poolguard/instrumentation exports the API in DESIGN', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const api = require('@poolguard/instrumentation') as Record<string, unknown>;
    for (const name of ['PoolGuardInstrumentation', 'guardPool', 'runInTask', 'taskMiddleware', 'adoptLease', 'PoolGuardError']) {
      assert.equal(typeof api[name], 'function', name);
    }
    assert.deepEqual([...(api.VIOLATION_KINDS as string[])].sort(), [...KINDS].sort());
  });

  it('PoolGuardError codes are POOLGUARD_<KIND>', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { PoolGuardError } = require('@poolguard/instrumentation') as typeof import('@poolguard/instrumentation');
    for (const kind of KINDS) {
      const error = new PoolGuardError({ kind: kind as never, message: 'm', poolName: 'p', pid: 1, threadId: 0 });
      assert.equal(error.code, `POOLGUARD_${kind.toUpperCase()}`);
      assert.ok(error instanceof Error);
    }
  });

  it('@poolguard/eslint-plugin has the recommended flat configs under the poolguard/ namespace', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const plugin = require('@poolguard/eslint-plugin') as { meta: { namespace: string }; configs: Record<string, { rules: Record<string, unknown> }>; rules: Record<string, unknown> };
    assert.equal(plugin.meta.namespace, 'poolguard');
    assert.deepEqual(Object.keys(plugin.rules).sort(), ['no-pool-across-boundary', 'no-pool-before-fork']);
    for (const name of ['recommended', 'recommended-type-checked']) {
      assert.deepEqual(Object.keys(plugin.configs[name]!.rules).sort(), ['poolguard/no-pool-across-boundary', 'poolguard/no-pool-before-fork']);
    }
  });

  it('both packages load from ESM with the same exports', () => {
    const script = `
      import guard from '@poolguard/instrumentation';
      import { guardPool, PoolGuardInstrumentation } from '@poolguard/instrumentation';
      import plugin from '@poolguard/eslint-plugin';
      console.log(JSON.stringify([typeof guardPool, typeof PoolGuardInstrumentation, guard.guardPool === guardPool, Object.keys(plugin.configs).sort()]));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), ['function', 'function', true, ['recommended', 'recommended-type-checked']]);
  });
});
