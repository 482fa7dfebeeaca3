/*
 * poolguard's own frames in a stack: where a check ran, which says nothing of
 * the app's code. Left out of the stacks poolguard reports and throws.
 */
import { sep } from 'node:path';

/**
 * poolguard's own directory; undefined when poolguard was bundled into the
 * app's file (then its directory is the app's).
 */
const OWN_FRAMES = /[\\/]own-frames\.[jt]s$/.test(__filename) ? `${__dirname}${sep}` : undefined;

/**
 * True for a stack line (`    at fn (file:1:2)`) of the app's own code: not
 * a library's (node_modules), not Node's, not poolguard's, and pointing at a
 * source position (`at async Promise.all (index 0)` points at none).
 */
export function isAppFrame(line: string): boolean {
  const frame = line.trim();
  if (!frame.startsWith('at ')) return false;
  if (frame.includes('node_modules') || frame.includes('node:')) return false;
  if (OWN_FRAMES !== undefined && frame.includes(OWN_FRAMES)) return false;
  if (frame.includes('(<anonymous>)') || frame === 'at <anonymous>') return false;
  return /:\d+:\d+\)?$/.test(frame);
}

/** A stack without poolguard's own frames. */
export function withoutOwnFrames(stack: string): string {
  const own = OWN_FRAMES;
  if (own === undefined) return stack;
  return stack.split('\n').filter((line) => !(line.includes(own) && line.trimStart().startsWith('at '))).join('\n');
}

/** How many frames of its own poolguard may run before a check throws: room kept for them in a thrown error's stack. */
export const OWN_FRAME_ROOM = 12;

/** `stack` without poolguard's frames, and with at most `limit` frames left (Error.stackTraceLimit's). */
export function appStack(stack: string, limit: number): string {
  let frames = 0;
  return withoutOwnFrames(stack).split('\n').filter((line) => !line.trimStart().startsWith('at ') || ++frames <= limit).join('\n');
}
