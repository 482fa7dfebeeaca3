/*
 * pool_across_boundary: a pool, client or connection passed to postMessage,
 * workerData, send or fork arguments. Over IPC it arrives as a dead plain
 * object; over postMessage it throws DataCloneError.
 */
import type { KindInfo } from './kind-info';

export const info: KindInfo = {
  summary: 'A pool, client or connection was passed across a process or thread boundary, where it arrives broken.',
  fix: 'Send plain data (config, ids, SQL) and create the pool on the other side.',
};
