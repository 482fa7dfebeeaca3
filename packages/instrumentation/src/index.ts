/*
 * @poolguard/instrumentation: an OpenTelemetry instrumentation that catches
 * connection-pool misuse across concurrent tasks, lease lifecycles, processes
 * and threads. See README.md and shared/DESIGN.md.
 */
export { PoolGuardInstrumentation } from './instrumentation';
export { guardPool } from './guard';
export { runInTask, taskMiddleware } from './task';
export { adoptLease } from './adopt';
export { PoolGuardError, type PoolGuardErrorCode } from './errors';
export { PoolGuardConfigError } from './config';
export { VIOLATION_KINDS } from './types';
export type {
  DetectorLevel,
  GuardPoolOptions,
  Kind,
  PoolAdapter,
  PoolEndpoint,
  PoolGuardConfig,
  PoolStats,
  TransactionState,
  Violation,
} from './types';
