/*
 * cross_task_use: a leased connection used by a task other than its owner.
 * Reported only on positive evidence: the lease has a known owner and another
 * known task uses it; or, with no known owner, two different known tasks use
 * the lease while a query is in flight or a transaction is open. An unknown
 * current task is counted, never reported, except in throw mode.
 */
import type { ConnectionState } from '../internal-types';
import { sameTask, sameTaskAsOwner, type Task } from '../task';
import type { TransactionState } from '../types';
import type { KindInfo } from './kind-info';

export const info: KindInfo = {
  summary: 'A leased connection was used by a task other than the one that checked it out.',
  fix: 'Check out a client per request or job; hand one over on purpose with adoptLease(client).',
};

/** Uses by an unknown task of a lease with a known owner; counted for diagnostics. */
export let unknownTaskUses = 0;

/**
 * Returns true when this use must be reported. With no known owner, it needs
 * a query in flight or an open transaction (read only when it matters). In
 * report mode each offending task is reported once per lease; in throw mode
 * every offending use is refused, and a refused use does not count as one.
 */
export function isCrossTaskUse(
  conn: ConnectionState,
  current: Task | undefined,
  throwMode: boolean,
  inFlight: number,
  transaction: () => TransactionState,
): boolean {
  const { owner } = conn;
  if (current === undefined) {
    if (owner === undefined) return false;
    unknownTaskUses++;
    return throwMode;
  }
  if (owner !== undefined) {
    if (sameTaskAsOwner(current, owner, conn.ownerToken)) return false;
    return throwMode || firstReportOf(conn, current);
  }
  const last = conn.lastUser;
  if (last === undefined || sameTask(last, current) || (inFlight === 0 && transaction() === 'idle')) {
    conn.lastUser = current;
    return false;
  }
  if (throwMode) return true;
  conn.lastUser = current;
  // The task it ran into is the other side of the same misuse: when it goes on with its own
  // transaction, it is not reported in turn (one collision, one report).
  const first = firstReportOf(conn, current);
  if (first) firstReportOf(conn, last);
  return first;
}

/** The tasks a lease remembers as reported: a client cached for the life of the process meets a task per request. */
const MAX_REPORTED_TASKS = 64;

/**
 * True the first time `task` offends on this lease: a lease shared with
 * several tasks (a cached client) is reported once per offending task, also
 * when their uses interleave. Only reports allocate. The latest
 * MAX_REPORTED_TASKS tasks are remembered, so a lease held for good and used
 * by request after request keeps no growing list (a task forgotten that
 * offends again is reported again).
 */
function firstReportOf(conn: ConnectionState, task: Task): boolean {
  const reported = conn.reportedTasks;
  if (reported === undefined) {
    conn.reportedTasks = [task];
    return true;
  }
  for (const seen of reported) if (sameTask(seen, task)) return false;
  if (reported.length >= MAX_REPORTED_TASKS) reported.shift();
  reported.push(task);
  return true;
}
