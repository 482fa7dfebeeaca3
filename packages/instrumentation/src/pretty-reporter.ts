/*
 * `reporter: 'pretty'`: a human-readable line per violation on stderr, for a
 * developer running locally. Each (kind, code frame) is printed once, and
 * repeats are counted and summarised at most every few seconds, so a hot loop
 * cannot flood the terminal.
 */
import { KIND_INFO, docUrl } from './detectors';
import type { Violation } from './types';

const POOLGUARD_DIR = __dirname;
const REPEAT_SUMMARY_MS = 5_000;

const seen = new Map<string, number>();
let lastSummary = 0;
let suppressed = 0;

/** The first stack frame in the user's code: outside node_modules, node internals and poolguard. */
export function userFrame(stack: string | undefined): string | undefined {
  if (stack === undefined) return undefined;
  for (const line of stack.split('\n')) {
    const frame = line.trim();
    if (!frame.startsWith('at ')) continue;
    if (frame.includes('node_modules') || frame.includes('node:') || frame.includes(POOLGUARD_DIR)) continue;
    if (frame.includes('(<anonymous>)') || frame === 'at <anonymous>') continue;
    // Frames with no source position (`at async Promise.all (index 0)`) point at no code.
    if (!/:\d+:\d+\)?$/.test(frame)) continue;
    return frame.slice(3);
  }
  return undefined;
}

function write(text: string): void {
  process.stderr.write(text);
}

export function prettyReport(violation: Violation): void {
  const frame = userFrame(violation.stack) ?? userFrame(violation.checkoutStack);
  const key = `${violation.kind}\0${violation.poolName}\0${frame ?? ''}`;
  const count = (seen.get(key) ?? 0) + 1;
  seen.set(key, count);
  const now = Date.now();
  if (count > 1) {
    suppressed++;
    if (now - lastSummary >= REPEAT_SUMMARY_MS) {
      write(`[poolguard] ${suppressed} repeated violation(s) suppressed\n`);
      suppressed = 0;
      lastSummary = now;
    }
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
  lines.push(`  fix: ${info.fix}`, `  docs: ${docUrl(violation.kind)}`);
  write(`${lines.join('\n')}\n`);
}
