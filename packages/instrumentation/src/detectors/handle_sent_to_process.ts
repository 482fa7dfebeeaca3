/*
 * handle_sent_to_process: a pooled connection's socket passed as the handle
 * of send(). Two processes then share one database session and corrupt it.
 */
import type { PoolGuardError } from '../errors';
import { livePools } from '../pool-registry';
import { report } from '../signals';
import type { KindInfo } from './kind-info';

export const info: KindInfo = {
  summary: 'A pooled connection\'s socket was sent as a handle to another process, so two processes share one database session.',
  fix: 'Never send a database socket; let the other process open its own connection.',
};

/**
 * Checks the handle of one send(). Sends with handles are rare, so the pooled
 * sockets are looked up only then, from the live pools' connections, and the
 * pg hot path records nothing. Returns the error to throw in throw mode.
 */
export function checkHandle(via: string, handle: unknown): PoolGuardError | undefined {
  if (handle === null || typeof handle !== 'object') return undefined;
  for (const pool of livePools()) {
    if (pool.sockets === undefined) continue;
    for (const socket of pool.sockets()) {
      if (socket === handle) {
        return report(pool, 'handle_sent_to_process', { detail: `A socket of one of its connections was passed as the handle of ${via}.` });
      }
    }
  }
  return undefined;
}
