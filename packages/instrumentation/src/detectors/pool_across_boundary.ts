/*
 * pool_across_boundary: a pool, client or connection passed to postMessage,
 * workerData, send or fork arguments. Over IPC it arrives as a dead plain
 * object; over postMessage it throws DataCloneError.
 */
import type { PoolGuardError } from '../errors';
import { findPoolValue } from '../recognise';
import { report, type ReportTarget } from '../signals';
import type { KindInfo } from './kind-info';

export const info: KindInfo = {
  summary: 'A pool, client or connection was passed across a process or thread boundary, where it arrives broken.',
  fix: 'Send plain data (config, ids, SQL) and create the pool on the other side.',
};

/**
 * Checks one message (or fork arguments) about to cross `via`. A guarded
 * value is reported on its pool; one poolguard does not guard, on
 * `unguarded(library)`, the reporting instrumentation's target. Primitives
 * return at once. Returns the error to throw in throw mode.
 */
export function checkPayload(via: string, payload: unknown, unguarded: (library: string) => ReportTarget | undefined): PoolGuardError | undefined {
  return checkSerialized(via, payload, unguarded, false);
}

/** checkPayload for a message sent as JSON text (IPC `send` in the default 'json' serialization): a toJSON() decides what crosses. */
export function checkJsonPayload(via: string, payload: unknown, unguarded: (library: string) => ReportTarget | undefined): PoolGuardError | undefined {
  return checkSerialized(via, payload, unguarded, true);
}

function checkSerialized(via: string, payload: unknown, unguarded: (library: string) => ReportTarget | undefined, jsonText: boolean): PoolGuardError | undefined {
  if (payload === null || (typeof payload !== 'object' && typeof payload !== 'function')) return undefined;
  const hit = findPoolValue(payload, jsonText);
  if (hit === undefined) return undefined;
  const target = hit.state ?? unguarded(hit.library);
  if (target === undefined) return undefined;
  // A connection lent now is reported with its lease (id, owner): the one whose holder sent it.
  const connection = hit.connection?.leased === true && hit.connection.pool === target ? hit.connection : undefined;
  return report(target, 'pool_across_boundary', { detail: `A ${hit.label} was passed to ${via}.`, connection });
}
