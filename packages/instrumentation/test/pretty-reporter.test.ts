/*
 * `reporter: 'pretty'` (issue 7): one readable report per violation site on
 * stderr, with the kind, a one-line explanation, the user's code frame (the
 * first stack frame outside node_modules, node internals and poolguard), the
 * fix and the doc link; repeats of a site are counted and summarised at most
 * every few seconds, never printed again.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { metrics } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { resolveSettings } from '../src/config';
import { prettyReport, summariseRepeats, userFrame } from '../src/pretty-reporter';
import { report } from '../src/signals';
import type { Kind, Violation } from '../src/types';

/** Runs fn with process.stderr.write captured; returns what was written. */
function captureStderr(fn: () => void): string {
  const original = process.stderr.write;
  let text = '';
  process.stderr.write = ((chunk: string | Uint8Array) => {
    text += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    fn();
  } finally {
    process.stderr.write = original;
  }
  return text;
}

let poolCounter = 0;

/** A report target with the pretty reporter on and a unique pool name (the reporter's memory is per process). */
function prettyTarget() {
  return {
    name: `pretty-${process.pid}-${++poolCounter}`,
    settings: resolveSettings({ reporter: 'pretty' }),
    telemetry: { meter: () => metrics.getMeter('pretty-test'), logger: () => logs.getLogger('pretty-test') },
  };
}

function violation(kind: Kind, poolName: string, stack: string, checkoutStack?: string): Violation {
  return { kind, message: `poolguard ${kind}`, poolName, stack, checkoutStack, pid: process.pid, threadId: 0 };
}

// An app function of this file: its frame is the "user's code" the report must show.
function queryAfterRelease(target: ReturnType<typeof prettyTarget>): void {
  report(target, 'use_after_release');
}

describe('pretty reporter', () => {
  describe('userFrame', () => {
    it('skips node_modules, node internals and poolguard, and returns the first frame of the app', () => {
      const poolguardFile = require.resolve('../src/signals');
      const stack = [
        'Error',
        `    at report (${poolguardFile}:10:5)`,
        '    at Client.query (/srv/app/node_modules/pg/lib/client.js:520:12)',
        '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
        '    at async Promise.all (index 0)',
        '    at checkout (/srv/app/src/orders.js:42:18)',
        '    at main (/srv/app/src/index.js:3:1)',
      ].join('\n');
      assert.equal(userFrame(stack), 'checkout (/srv/app/src/orders.js:42:18)');
    });

    it('has no frame when the stack is all library code, or missing', () => {
      assert.equal(userFrame('Error\n    at Socket.emit (node:events:519:28)\n    at /srv/app/node_modules/pg/lib/connection.js:1:1'), undefined);
      assert.equal(userFrame(undefined), undefined);
    });
  });

  it('prints the kind, the pool, a one-line explanation, the code frame, the fix and the doc link', () => {
    const target = prettyTarget();
    const out = captureStderr(() => queryAfterRelease(target));
    // The note that task checks are off comes once per process, with whichever report is first (see below).
    const lines = out.trimEnd().split('\n').filter((line) => !line.startsWith('[poolguard] note:'));
    assert.equal(lines[0], `[poolguard] use_after_release on pool "${target.name}"`);
    assert.equal(lines[1], '  A connection was used after its lease was released.');
    assert.match(lines[2]!, /^ {2}at queryAfterRelease \(.*pretty-reporter\.test\.ts:\d+:\d+\)$/, 'the frame of the code that misused the pool');
    assert.equal(lines[3], "  fix: Do not keep a client after client.release(); check out a new one.");
    assert.equal(lines[4], '  docs: https://github.com/poolguard/poolguard/blob/main/docs/violations/use_after_release.md');
    assert.equal(lines.length, 5);
  });

  it('shows the checkout site when it differs from the frame of the violation', () => {
    const name = `pretty-checkout-${process.pid}`;
    const out = captureStderr(() =>
      prettyReport(violation('leak', name, 'Error\n    at sweep (/srv/app/node_modules/x/index.js:1:1)', 'Error: checkout\n    at exportReport (/srv/app/src/export.js:7:30)')),
    );
    assert.match(out, /\n {2}at exportReport \(\/srv\/app\/src\/export\.js:7:30\)\n/);
    assert.doesNotMatch(out, /checked out at/, 'the leak has no own frame: the checkout site is the frame');
    const both = captureStderr(() =>
      prettyReport(violation('cross_task_use', name, 'Error\n    at handlerB (/srv/app/src/b.js:9:3)', 'Error: checkout\n    at handlerA (/srv/app/src/a.js:4:20)')),
    );
    assert.match(both, /\n {2}at handlerB \(\/srv\/app\/src\/b\.js:9:3\)\n {2}checked out at handlerA \(\/srv\/app\/src\/a\.js:4:20\)\n/);
  });

  it("shows where a pool_before_fork's pool was created, from its message, when stacks are on", () => {
    const name = `pretty-fork-${process.pid}`;
    const message = `poolguard pool_before_fork: cluster.fork() started a copy of /srv/app/src/server.js while this pool exists: "${name}" (0 open connections, created at:\n    at new BoundPool (/srv/app/node_modules/pg/lib/index.js:30:5)\n    at openDb (/srv/app/src/db.js:4:14)\n    at Object.<anonymous> (/srv/app/src/server.js:3:1)\n).`;
    const out = captureStderr(() =>
      prettyReport({ ...violation('pool_before_fork', name, 'Error\n    at startWorkers (/srv/app/src/server.js:12:11)'), message }),
    );
    assert.match(out, /\n {2}at startWorkers \(\/srv\/app\/src\/server\.js:12:11\)\n {2}pool created at openDb \(\/srv\/app\/src\/db\.js:4:14\)\n/);
    const withoutStacks = captureStderr(() => prettyReport(violation('pool_before_fork', `${name}-2`, 'Error\n    at startWorkers (/srv/app/src/server.js:12:11)')));
    assert.doesNotMatch(withoutStacks, /pool created at/);
  });

  it('reports each (kind, site) once and summarises the repeats later, all of them, in one line', () => {
    const target = prettyTarget();
    summariseRepeats(); // whatever earlier tests left
    const out = captureStderr(() => {
      for (let i = 0; i < 200; i++) queryAfterRelease(target);
    });
    assert.equal(out.match(/\[poolguard\] use_after_release/g)?.length, 1, 'one report for one site');
    assert.doesNotMatch(out, /suppressed/, 'the repeats wait for the summary');
    assert.ok(out.split('\n').length < 10, `a hot loop does not flood the terminal:\n${out}`);
    const summary = captureStderr(() => summariseRepeats());
    assert.equal(summary, '[poolguard] 199 repeated violation(s) suppressed\n');
    assert.equal(captureStderr(() => summariseRepeats()), '', 'nothing more to summarise');
  });

  it('prints the repeats left at exit, and its timer keeps no process alive', async () => {
    const script = `
      const { report } = require(${JSON.stringify(require.resolve('../build/signals'))});
      const { resolveSettings } = require(${JSON.stringify(require.resolve('../build/config'))});
      const { metrics } = require('@opentelemetry/api');
      const { logs } = require('@opentelemetry/api-logs');
      const target = { name: 'exit', settings: resolveSettings({ reporter: 'pretty' }), telemetry: { meter: () => metrics.getMeter('t'), logger: () => logs.getLogger('t') } };
      for (let i = 0; i < 12; i++) report(target, 'leak');
    `;
    const { stderr } = await promisify(execFile)(process.execPath, ['-e', script], { timeout: 4_000, cwd: __dirname });
    assert.match(stderr, /\[poolguard\] leak on pool "exit"/);
    assert.match(stderr, /\[poolguard\] 11 repeated violation\(s\) suppressed\n$/);
  });

  it('says once, with the first report, that task checks are off where no task can be known, and not where one can', async () => {
    const script = (setup: string, taskTracking: string) => `
      ${setup}
      const { report } = require(${JSON.stringify(require.resolve('../build/signals'))});
      const { resolveSettings } = require(${JSON.stringify(require.resolve('../build/config'))});
      const { metrics } = require('@opentelemetry/api');
      const { logs } = require('@opentelemetry/api-logs');
      const target = { name: 'note', settings: resolveSettings({ reporter: 'pretty', taskTracking: ${taskTracking} }), telemetry: { meter: () => metrics.getMeter('t'), logger: () => logs.getLogger('t') } };
      report(target, 'leak');
      report(target, 'double_release');
    `;
    const run = async (setup: string, taskTracking = "'auto'") =>
      (await promisify(execFile)(process.execPath, ['-e', script(setup, taskTracking)], { timeout: 4_000, cwd: __dirname })).stderr;
    const off = await run('');
    assert.match(off, /^\[poolguard\] note: cross_task_use and nested_checkout are off here: .* set taskTracking: true \(POOLGUARD_TASK_TRACKING=true\)\.\n\[poolguard\] leak on pool "note"/);
    assert.equal(off.match(/\[poolguard\] note:/g)?.length, 1, 'once per process');
    assert.match(off, /\[poolguard\] double_release on pool "note"/);
    const contextManager = `
      const { context } = require('@opentelemetry/api');
      const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    `;
    for (const [label, stderr] of [
      ['an OTel context manager', await run(contextManager)],
      ['taskTracking: true', await run('', 'true')],
      ['a runInTask() scope', await run(`require(${JSON.stringify(require.resolve('../build/task'))}).runInTask(() => {});`)],
    ]) {
      assert.match(stderr!, /\[poolguard\] leak on pool "note"/, label);
      assert.doesNotMatch(stderr!, /note:/, `no note with ${label}`);
    }
  });

  it('reports another site, another kind or another pool separately', () => {
    const target = prettyTarget();
    const out = captureStderr(() => {
      queryAfterRelease(target);
      report(target, 'use_after_release'); // another line of this file: another site
      report(target, 'double_release');
      queryAfterRelease(prettyTarget());
    });
    assert.equal(out.match(/^\[poolguard\] use_after_release/gm)?.length, 3);
    assert.equal(out.match(/^\[poolguard\] double_release/gm)?.length, 1);
  });

  it("is off by default: reporter 'none' writes nothing", () => {
    const target = { ...prettyTarget(), settings: resolveSettings({}) };
    assert.equal(captureStderr(() => report(target, 'leak')), '');
  });
});
