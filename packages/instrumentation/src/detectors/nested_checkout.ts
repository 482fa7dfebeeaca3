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
import { sameRootTaskAsOwner, sameTask, takenAfterOwnerEnded, type Task } from '../task';
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

/**
 * Keeps `request` if it waits (the pool is saturated, or earlier queued
 * checkouts take its idle connections) while its task holds none of the
 * pool's leases. A checkout that is served at once costs one read of the
 * pool's counts.
 */
export function noteWaitingCheckout(pool: PoolState, request: CheckoutRequest): void {
  if (request.owner === undefined || !pool.wouldWait() || leaseHeldBy(pool, request.owner) !== undefined) return;
  (pool.waitingCheckouts ??= []).push(request);
}

/** Forgets `request`, lent a connection or failed. The list goes when it empties: a claim then reads one field. */
export function forgetWaitingCheckout(pool: PoolState, request: CheckoutRequest): void {
  const waiting = pool.waitingCheckouts;
  if (waiting === undefined) return;
  const at = waiting.indexOf(request);
  if (at >= 0) waiting.splice(at, 1);
  if (waiting.length === 0) pool.waitingCheckouts = undefined;
}

/**
 * `claimed` was just lent a connection of `pool`, a lease its task holds
 * (isHeld): a kept request of the same task that still waits on the saturated pool, taken
 * out of the kept ones, or undefined. Requests of two HTTP roots that carry
 * one upstream trace are two tasks; the comparison reads no async context
 * (the claim runs in the pool's callback).
 */
export function waitingCheckoutOfSameTask(pool: PoolState, claimed: CheckoutRequest): CheckoutRequest | undefined {
  const waiting = pool.waitingCheckouts;
  if (waiting === undefined) return undefined;
  // Nothing waits any more (a failure the adapter did not pass on, an ended pool): nothing is kept.
  if ((pool.stats().pending ?? 1) === 0) {
    pool.waitingCheckouts = undefined;
    return undefined;
  }
  const owner = claimed.owner;
  if (owner === undefined || !pool.saturated()) return undefined;
  const at = waiting.findIndex((other) => other.owner !== undefined && sameTask(other.owner, owner) &&
    (other.ownerToken === undefined || claimed.ownerToken === undefined || other.ownerToken === claimed.ownerToken));
  if (at < 0) return undefined;
  const [found] = waiting.splice(at, 1);
  if (waiting.length === 0) pool.waitingCheckouts = undefined;
  return found;
}
