/*
 * The shipped Prometheus rules, checked by promtool (Debian's `prometheus`
 * package; .ci/run installs it): syntax, then the unit tests in
 * prometheus/poolguard.rules.test.yml (a budget-exceeded and a within-budget
 * case, and the violations alert). Nothing is skipped: without promtool the
 * test fails and says how to get it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const DIR = path.join(__dirname, '..', 'prometheus');

function promtool(...args: string[]) {
  const result = spawnSync('promtool', args, { cwd: DIR, encoding: 'utf8', timeout: 60_000 });
  if (result.error !== undefined && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    assert.fail('promtool is not installed: install Debian\'s package with `apt-get install -y prometheus` (.ci/run does this where it is missing)');
  }
  return result;
}

describe('Prometheus rules (promtool)', function () {
  this.timeout(60_000);

  it('poolguard.rules.yml is valid', () => {
    const result = promtool('check', 'rules', 'poolguard.rules.yml');
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /SUCCESS: 3 rules found/);
  });

  it('promtool test rules passes: budget exceeded, within budget, violations', () => {
    const result = promtool('test', 'rules', 'poolguard.rules.test.yml');
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /SUCCESS/);
  });
});
