/*
 * nested_checkout: a task that holds a lease waits for a second lease from
 * the same pool while the pool is saturated. If every holder does the same,
 * nobody releases and the pool deadlocks until connectionTimeoutMillis (or
 * forever). Only explicit checkouts count as held (not pool.query's lease, nor
 * a knex query's); their waits count as waiting. Requests that share one
 * upstream trace but run in their own HTTP roots are told apart here.
 */
import type { ConnectionState, PoolState } from '../internal-types';
import type { CheckoutRequest } from '../lease';
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
  return current === undefined || !pool.saturated() ? undefined : leaseHeldBy(pool, current);
}

function leaseHeldBy(pool: PoolState, current: Task): ConnectionState | undefined {
  for (const conn of pool.connections()) {
    if (isHeld(conn) && sameRootTaskAsOwner(current, conn.owner!, conn.ownerToken)) return conn;
  }
  return undefined;
}

/** A lease its owner task holds: an explicit checkout (not a library's one-statement lease), not work a request left behind. */
export function isHeld(conn: ConnectionState): boolean {
  return conn.leased && conn.explicit && !conn.statementScoped && conn.owner !== undefined && !takenAfterOwnerEnded(conn.leaseId, conn.owner, conn.ownerToken);
}

/*
 * The other order: a task asks for two leases before it holds one
 * (`Promise.all([pool.connect(), pool.connect()])` on a pool of one). Neither
 * request finds a held lease; the second waits on the saturated pool. A
 * request that waits while its task holds none is kept (noteWaitingCheckout);
 * when the task's other request is lent a connection first, the task holds
 * that lease and waits for the kept one: found at the claim
 * (waitingCheckoutOfSameTask), reported once, never thrown (nothing the app
 * called is running then).
 */

/** Kept waiting checkouts at most, for all tasks of a pool: past it, a checkout is not kept (no report, no growth). */
const MAX_KEPT = 4096;

/** One key per task as sameTask() tells tasks apart: a trace id, else the token itself. */
function taskKey(owner: Task): string | object {
  return owner.traceId ?? owner;
}

/**
 * Keeps `request` if it waits (the pool is saturated, or earlier queued
 * checkouts take its idle connections) while its task holds none of the
 * pool's leases. A checkout that is served at once costs one read of the
 * pool's counts; keeping, finding and forgetting one cost a map lookup.
 */
export function noteWaitingCheckout(pool: PoolState, request: CheckoutRequest): void {
  if (request.owner === undefined || !pool.wouldWait() || leaseHeldBy(pool, request.owner) !== undefined) return;
  const kept = (pool.waitingCheckouts ??= { byTask: new Map(), count: 0 });
  if (kept.count >= MAX_KEPT) {
    // More kept than wait now: some were answered by a way no adapter reports (a pool that ended). Start afresh.
    if ((pool.stats().pending ?? MAX_KEPT) >= kept.count) return;
    kept.byTask.clear();
    kept.count = 0;
  }
  const key = taskKey(request.owner);
  const ofTask = kept.byTask.get(key);
  if (ofTask === undefined) kept.byTask.set(key, [request]);
  else ofTask.push(request);
  kept.count++;
}

/** Forgets `request`, lent a connection, answered without one, or failed. The whole record goes when it empties: a claim then reads one field. */
export function forgetWaitingCheckout(pool: PoolState, request: CheckoutRequest): void {
  const kept = pool.waitingCheckouts;
  if (kept === undefined || request.owner === undefined) return;
  const key = taskKey(request.owner);
  const ofTask = kept.byTask.get(key);
  const at = ofTask === undefined ? -1 : ofTask.indexOf(request);
  if (at < 0) return;
  ofTask!.splice(at, 1);
  if (ofTask!.length === 0) kept.byTask.delete(key);
  if (--kept.count === 0) pool.waitingCheckouts = undefined;
}

/**
 * `claimed` was just lent a connection of `pool`, a lease its task holds
 * (isHeld): a kept request of the same task that still waits on the saturated
 * pool, forgotten, or undefined. Requests of two HTTP roots that carry one
 * upstream trace are two tasks; the comparison reads no async context (the
 * claim runs in the pool's callback).
 */
export function waitingCheckoutOfSameTask(pool: PoolState, claimed: CheckoutRequest): CheckoutRequest | undefined {
  const owner = claimed.owner;
  const ofTask = owner === undefined ? undefined : pool.waitingCheckouts?.byTask.get(taskKey(owner));
  if (ofTask === undefined || !pool.saturated()) return undefined;
  const found = ofTask.find((other) => other.ownerToken === undefined || claimed.ownerToken === undefined || other.ownerToken === claimed.ownerToken);
  if (found !== undefined) forgetWaitingCheckout(pool, found);
  return found;
}
