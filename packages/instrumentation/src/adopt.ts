/*
 * adoptLease: the current task takes ownership of a lease handed to it on
 * purpose (a producer checks out, a consumer task uses and releases).
 */
import { diag } from '@opentelemetry/api';
import { adopt, connectionStateOf } from './lease';

export function adoptLease<C extends object>(client: C): C {
  const conn = client !== null && typeof client === 'object' ? connectionStateOf(client) : undefined;
  if (conn === undefined) {
    diag.warn('poolguard: adoptLease() was given an object that is not a guarded connection; nothing to adopt');
    return client;
  }
  adopt(conn);
  return client;
}
