/*
 * `reporter: 'pretty'`: a human-readable line per violation on stderr, for a
 * developer running locally. Each (kind, code frame) is printed once, and
 * repeats are counted and summarised in one line at most every 5 seconds, and
 * at exit, so a hot loop cannot flood the terminal and no count is lost.
 * Where no task can be known, the first report says once that cross_task_use
 * and nested_checkout are off, and how to turn them on.
 */
import { KIND_INFO, docUrl } from './detectors';
import { isAppFrame } from './own-frames';
import type { Violation } from './types';

const REPEAT_SUMMARY_MS = 5_000;

/** (kind, pool, code frame) already printed; the oldest are forgotten past MAX_SEEN (pools named per tenant or job come and go). */
const seen = new Map<string, number>();
const MAX_SEEN = 10_000;
let suppressed = 0;
let summaryTimer: NodeJS.Timeout | undefined;
let summaryAtExit = false;

/** Prints the count of repeats suppressed since the last summary, if any. */
export function summariseRepeats(): void {
  if (summaryTimer !== undefined) clearTimeout(summaryTimer);
  summaryTimer = undefined;
  if (suppressed === 0) return;
  write(`[poolguard] ${suppressed} repeated violation(s) suppressed\n`);
  suppressed = 0;
}

/**
 * One more repeat: summarised with the others REPEAT_SUMMARY_MS after the
 * first one since the last summary (an unref'd timer: it keeps no process
 * alive), and whatever is left when the process exits.
 */
function countRepeat(): void {
  suppressed++;
  if (!summaryAtExit) {
    summaryAtExit = true;
    process.once('exit', summariseRepeats);
  }
  if (summaryTimer === undefined) {
    summaryTimer = setTimeout(summariseRepeats, REPEAT_SUMMARY_MS);
    summaryTimer.unref();
  }
}

/** The first stack frame in the user's code: outside node_modules, node internals and poolguard. */
export function userFrame(stack: string | undefined): string | undefined {
  const frame = stack?.split('\n').find(isAppFrame);
  return frame?.trim().slice(3);
}

function write(text: string): void {
  process.stderr.write(text);
}

/** The note that task checks are off, printed once per process, with the first report while they are. */
let taskChecksNotePrinted = false;
const TASK_CHECKS_NOTE =
  '[poolguard] note: cross_task_use and nested_checkout are off here: they need each request\'s task, and no async context propagates ' +
  '(Node 20 with no OpenTelemetry context manager). Register an OpenTelemetry SDK (NodeSDK) before the app, ' +
  'wrap requests in taskMiddleware() or runInTask(), or set taskTracking: true (POOLGUARD_TASK_TRACKING=true).\n';

/**
 * Prints `violation` unless its (kind, pool, code frame) was printed already.
 * `taskChecksOff`: no task can be known (taskChecksOff in ./task), which the
 * first report says once.
 */
export function prettyReport(violation: Violation, taskChecksOff = false): void {
  if (taskChecksOff && !taskChecksNotePrinted) {
    taskChecksNotePrinted = true;
    write(TASK_CHECKS_NOTE);
  }
  const frame = userFrame(violation.stack) ?? userFrame(violation.checkoutStack);
  const key = `${violation.kind}\0${violation.poolName}\0${frame ?? ''}`;
  const count = (seen.get(key) ?? 0) + 1;
  if (count === 1 && seen.size >= MAX_SEEN) seen.delete(seen.keys().next().value!);
  seen.set(key, count);
  if (count > 1) {
    countRepeat();
    return;
  }
  const info = KIND_INFO[violation.kind];
  const lines = [
    `[poolguard] ${violation.kind} on pool "${violation.poolName}"${violation.leaseId === undefined ? '' : ` (lease ${violation.leaseId})`}`,
    `  ${info.summary}`,
  ];
  if (frame !== undefined) lines.push(`  at ${frame}`);
  const checkoutFrame = userFrame(violation.checkoutStack);
  if (checkoutFrame !== undefined && checkoutFrame !== frame) lines.push(`  checked out at ${checkoutFrame}`);
  // pool_before_fork names where its pool was created (with captureStacks) in its message.
  const creationFrame = violation.kind === 'pool_before_fork' ? userFrame(/created at:\n([\s\S]*)/.exec(violation.message)?.[1]) : undefined;
  if (creationFrame !== undefined) lines.push(`  pool created at ${creationFrame}`);
  lines.push(`  fix: ${info.fix}`, `  docs: ${docUrl(violation.kind)}`);
  write(`${lines.join('\n')}\n`);
}
