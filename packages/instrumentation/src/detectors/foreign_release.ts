/*
 * foreign_release: a release by a holder that does not own the lease.
 *  - A stale holder (a handle or release function of an ended lease, or the
 *    previous lease's owner task) releasing while another borrower holds the
 *    connection: reported and NOT passed on, since passing it would free the
 *    other borrower's lease.
 *  - A known task that never held the lease releasing it while its owner is
 *    known: reported and passed on (a deliberate hand-off calls adoptLease).
 */
import type { ConnectionState } from '../internal-types';
import { sameTaskAsOwner, type Task } from '../task';
import type { KindInfo } from './kind-info';

export const info: KindInfo = {
  summary: 'A lease was released by a holder that does not own it, which would free another borrower\'s connection.',
  fix: 'Only the task that checked a client out releases it; drop references after release.',
};

export type ForeignRelease = 'none' | 'stale-holder' | 'non-owner';

/** Classifies a release of the connection's live lease by `current`. */
export function classifyRelease(conn: ConnectionState, current: Task | undefined): ForeignRelease {
  const { owner, previousOwner } = conn;
  if (current === undefined || owner === undefined || sameTaskAsOwner(current, owner, conn.ownerToken)) return 'none';
  if (previousOwner !== undefined && sameTaskAsOwner(current, previousOwner, conn.previousOwnerToken)) return 'stale-holder';
  return 'non-owner';
}
