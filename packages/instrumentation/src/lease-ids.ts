/*
 * Lease ids: one counter across all pools of the process, so that an id
 * also tells which of two leases began first.
 */
let nextLeaseId = 1;

/** A new lease's id. */
export function newLeaseId(): number {
  return nextLeaseId++;
}

/** The id the next lease will get: every lease with a smaller one began before now. */
export function leaseIdsSoFar(): number {
  return nextLeaseId;
}
