/*
 * adoptLease: the current task takes ownership of a lease handed to it on
 * purpose (a producer checks out, a consumer task uses and releases).
 */
import { diag } from '@opentelemetry/api';
import { adopt, connectionStateOf } from './lease';

export function adoptLease<C extends object>(client: C): C {
  // mysql2/promise lends a new wrapper per checkout; its lease is keyed by the core connection (`.connection`).
  const core = client !== null && typeof client === 'object' ? (client as { connection?: unknown }).connection : undefined;
  const conn = client !== null && typeof client === 'object'
    ? connectionStateOf(client) ?? (core !== null && typeof core === 'object' ? connectionStateOf(core) : undefined)
    : undefined;
  if (conn === undefined) {
    diag.warn('poolguard: adoptLease() was given an object that is not a guarded connection; nothing to adopt');
    return client;
  }
  if (!conn.leased) {
    diag.warn(`poolguard: adoptLease() was given a connection of pool "${conn.pool.name}" that is not leased (released already, or never checked out); nothing to adopt`);
    return client;
  }
  adopt(conn);
  return client;
}
