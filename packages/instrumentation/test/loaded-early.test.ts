/*
 * A pool library loaded before the instrumentation is enabled keeps its own
 * classes, so its pools are not guarded: poolguard says so to OTel's diag,
 * once per library, and says nothing when the order is right (or the preload
 * hooked the library first).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const BUILD = JSON.stringify(require.resolve('../build'));

/** Runs `body` in a fresh Node with diag at WARN on stderr; returns stderr. */
async function diagOf(body: string, nodeArgs: string[] = []): Promise<string> {
  const script = `
    const { diag, DiagConsoleLogger, DiagLogLevel } = require('@opentelemetry/api');
    diag.setLogger({ ...new DiagConsoleLogger(), warn: (m) => process.stderr.write('WARN ' + m + '\\n'), error: (m) => process.stderr.write('ERROR ' + m + '\\n') }, DiagLogLevel.WARN);
    ${body}
  `;
  const { stderr } = await promisify(execFile)(process.execPath, [...nodeArgs, '-e', script], { cwd: __dirname, timeout: 10_000 });
  return stderr;
}

describe('pool libraries loaded before the instrumentation', () => {
  it('says to diag, once per library, that pools of a library loaded first are not guarded', async () => {
    const stderr = await diagOf(`
      require('pg');
      require('generic-pool');
      const { PoolGuardInstrumentation } = require(${BUILD});
      const first = new PoolGuardInstrumentation();
      first.disable();
      first.enable();
      new PoolGuardInstrumentation();
    `);
    const warnings = stderr.split('\n').filter((line) => line.startsWith('WARN poolguard:'));
    assert.deepEqual(warnings.map((line) => /poolguard: (\S+) was loaded before/.exec(line)?.[1]).sort(), ['generic-pool', 'pg-pool'], stderr);
    assert.match(warnings.find((line) => line.includes('pg-pool'))!, /so the pools it creates are not guarded\. Register the instrumentation before requiring pg .*guardPool\(\)/);
  });

  it('says nothing when the instrumentation comes first, or the preload hooked the library', async () => {
    const inOrder = await diagOf(`
      const { PoolGuardInstrumentation } = require(${BUILD});
      new PoolGuardInstrumentation();
      require('pg');
      new PoolGuardInstrumentation();
    `);
    assert.doesNotMatch(inOrder, /was loaded before/);
    const preloaded = await diagOf(`
      require('pg');
      const { PoolGuardInstrumentation } = require(${BUILD});
      new PoolGuardInstrumentation();
    `, ['--require', require.resolve('../build/register')]);
    assert.doesNotMatch(preloaded, /was loaded before/);
  });
});
