/*
 * handle_sent_to_process: a pooled connection's socket passed as the handle
 * of send(). Two processes then share one database session and corrupt it.
 * A standalone client's socket (a pg.Client the app owns) is caught too: no
 * pool knows it, but its driver's protocol parser is what reads it.
 */
import type { Socket } from 'node:net';
import type { PoolGuardError } from '../errors';
import { livePools } from '../pool-registry';
import { report, type ReportTarget } from '../signals';
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
export function checkHandle(via: string, handle: unknown, unguarded: (library: string) => ReportTarget | undefined): PoolGuardError | undefined {
  if (handle === null || typeof handle !== 'object') return undefined;
  for (const pool of livePools()) {
    if (pool.sockets === undefined) continue;
    for (const socket of pool.sockets()) {
      if (socket === handle) {
        return report(pool, 'handle_sent_to_process', { detail: `A socket of one of its connections was passed as the handle of ${via}.` });
      }
    }
  }
  const library = driverReading(handle as Socket);
  const target = library === undefined ? undefined : unguarded(library);
  if (target === undefined) return undefined;
  return report(target, 'handle_sent_to_process', { detail: `The socket of a ${library} connection was passed as the handle of ${via}.` });
}

/**
 * Which database driver reads this socket, from its 'data' listeners: pg's
 * protocol parser (pg-protocol's parse) or mysql2's packet parser. Only runs
 * for a send with a socket handle, which is rare.
 */
const DRIVER_LISTENERS: readonly (readonly [string, RegExp])[] = [
  ['pg', /parser\.parse\(\s*buffer\s*,\s*callback\s*\)/],
  ['mysql2', /packetParser\.execute\(/],
];

function driverReading(socket: Socket): string | undefined {
  if (typeof socket.listeners !== 'function') return undefined;
  for (const listener of socket.listeners('data')) {
    const source = Function.prototype.toString.call(listener);
    for (const [library, pattern] of DRIVER_LISTENERS) if (pattern.test(source)) return library;
  }
  return undefined;
}
