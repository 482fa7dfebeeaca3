/*
 * PoolGuardError: what throw mode throws at the misuse. Its code names the
 * kind, so callers can match on it without parsing messages.
 */
import { appStack, OWN_FRAME_ROOM } from './own-frames';
import type { Kind, Violation } from './types';

export type PoolGuardErrorCode = `POOLGUARD_${Uppercase<Kind>}`;

export class PoolGuardError extends Error {
  readonly code: PoolGuardErrorCode;
  readonly violation: Violation;

  constructor(violation: Violation) {
    // Its stack starts at the app's call: poolguard's own frames (where the check ran) are taken
    // out, with room kept for them so that the app keeps as many frames as Error.stackTraceLimit says.
    const limit = Error.stackTraceLimit;
    const room = typeof limit === 'number' && Number.isFinite(limit) && limit > 0 && setStackTraceLimit(limit + OWN_FRAME_ROOM);
    try {
      super(violation.message);
    } finally {
      if (room) setStackTraceLimit(limit);
    }
    this.name = 'PoolGuardError';
    // With no limit (Infinity) there is nothing to make room in, and still poolguard's frames to take out.
    if ((room || limit === Infinity) && typeof this.stack === 'string') this.stack = appStack(this.stack, limit);
    this.code = `POOLGUARD_${violation.kind.toUpperCase()}` as PoolGuardErrorCode;
    this.violation = violation;
  }
}

/** Sets Error.stackTraceLimit; false where the app made it read-only. */
function setStackTraceLimit(limit: number): boolean {
  try {
    Error.stackTraceLimit = limit;
    return true;
  } catch {
    return false;
  }
}
