// Runs a fixture app in a fresh Node process (the Node running mocha: 24 via
// run.sh) and returns the JSON object it prints last.
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const COMPAT = dirname(dirname(fileURLToPath(import.meta.url)));
export const FIXTURES = join(COMPAT, 'test', 'fixtures');

export async function runFixture(file, args = [], nodeArgs = []) {
  const { stdout } = await run(process.execPath, [...nodeArgs, join(FIXTURES, file), ...args], { cwd: COMPAT, timeout: 45_000 });
  return JSON.parse(stdout.trim().split('\n').pop());
}

export const KINDS = ['use_after_release', 'cross_task_use', 'concurrent_query'];
export const RESULTS = [42, 7, 3, 4, 5, 6];

/** The violation kinds in the exported log records, in order. */
export const loggedKinds = (dump) =>
  dump.logRecords.filter((r) => r.eventName === 'poolguard.violation').map((r) => r.attributes['poolguard.violation.kind']);

/** span name → names of its events. */
export const spanEvents = (dump) => Object.fromEntries(dump.spans.map((s) => [s.name, s.events.map((e) => e.name)]));

/** kind → value of the poolguard.violations counter. */
export function counted(dump) {
  const metric = dump.metrics.find((m) => m.name === 'poolguard.violations');
  return Object.fromEntries((metric?.points ?? []).map((p) => [p.attributes['poolguard.violation.kind'], p.value]));
}
