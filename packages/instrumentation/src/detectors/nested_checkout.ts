/*
 * nested_checkout: a task that holds a lease waits for a second lease from
 * the same pool while the pool is saturated. If every holder does the same,
 * nobody releases and the pool deadlocks until connectionTimeoutMillis (or
 * forever). Only explicit checkouts count as held (not pool.query's lease, nor
 * a knex query's); their waits count as waiting. Requests that share one
 * upstream trace but run in their own HTTP roots are told apart here.
 */
import type { ConnectionState, PoolState } from '../internal-types';
import { sameRootTaskAsOwner, takenAfterOwnerEnded, type Task } from '../task';
import type { KindInfo } from './kind-info';

export const info: KindInfo = {
  summary: 'A task that holds a lease waited for a second lease from the same saturated pool, which can deadlock.',
  fix: 'Reuse the client the task already holds, or release it before checking out another.',
};

/**
 * The current task's held lease that makes this checkout a nested one, if any.
 * A lease taken after its owner task ended (its request's response closed) is
 * held by work the task left behind, such as
 * the ticks of a timer it started: several of those share the task and cannot
 * be told apart, so none is judged to wait for itself.
 */
export function heldLease(pool: PoolState, current: Task | undefined): ConnectionState | undefined {
  if (current === undefined || !pool.saturated()) return undefined;
  for (const conn of pool.connections()) {
    if (conn.leased && conn.explicit && !conn.statementScoped && conn.owner !== undefined && !takenAfterOwnerEnded(conn.leaseId, conn.owner, conn.ownerToken) &&
      sameRootTaskAsOwner(current, conn.owner, conn.ownerToken)) return conn;
  }
  return undefined;
}
