/*
 * PoolGuardError: what throw mode throws at the misuse. Its code names the
 * kind, so callers can match on it without parsing messages.
 */
import type { Kind, Violation } from './types';

export type PoolGuardErrorCode = `POOLGUARD_${Uppercase<Kind>}`;

export class PoolGuardError extends Error {
  readonly code: PoolGuardErrorCode;
  readonly violation: Violation;

  constructor(violation: Violation) {
    super(violation.message);
    this.name = 'PoolGuardError';
    this.code = `POOLGUARD_${violation.kind.toUpperCase()}` as PoolGuardErrorCode;
    this.violation = violation;
  }
}
