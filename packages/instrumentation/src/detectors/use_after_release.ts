/*
 * use_after_release: an operation on a lease that was released. The
 * connection is idle in the pool, or already lent to someone else, so the
 * statement runs outside the caller's lease (and maybe inside another
 * borrower's transaction).
 */
import type { ConnectionState } from '../internal-types';
import { sameTaskAsOwner, type Task } from '../task';
import type { KindInfo } from './kind-info';

export const info: KindInfo = {
  summary: 'A connection was used after its lease was released.',
  fix: 'Do not keep a client after client.release(); check out a new one.',
};

/**
 * `viaLease` is the lease id of the handle used, when the caller went through
 * a lease handle. Without a handle, a connection that is leased again can only
 * be told from its new owner by task identity.
 */
export function isUseAfterRelease(conn: ConnectionState, viaLease: number | undefined, current: Task | undefined): boolean {
  if (viaLease !== undefined) return viaLease !== conn.leaseId || !conn.leased;
  if (!conn.leased) return conn.leaseId > 0;
  const { previousOwner, owner } = conn;
  return current !== undefined && previousOwner !== undefined && owner !== undefined &&
    sameTaskAsOwner(current, previousOwner, conn.previousOwnerToken) && !sameTaskAsOwner(current, owner, conn.ownerToken);
}
