/*
 * The OpenTelemetry API's globals object, Symbol.for('opentelemetry.js.api.1'):
 * every copy of the API (ESM and CommonJS builds, api 1.9 and 1.10) registers
 * the context manager and the providers there. poolguard reads the slots
 * straight, without the API's version checks, since the task lookup and the
 * checkout read them on the hot path.
 */
import type { ContextManager } from '@opentelemetry/api';
import type { LoggerProvider } from '@opentelemetry/api-logs';

const OTEL_API_GLOBALS = Symbol.for('opentelemetry.js.api.1');

export interface OtelApiGlobals {
  context?: ContextManager;
  metrics?: unknown;
  /** api 1.10 (the OTel 3.x line) keeps the logger provider here too. */
  logs?: LoggerProvider;
}

/** The object as last looked up: the API creates it when anything first registers (a test may delete it). */
let globals: OtelApiGlobals | undefined;

/** The API's globals object, or undefined while nothing has registered anything. */
export function otelApiGlobals(): OtelApiGlobals | undefined {
  globals = (globalThis as Record<symbol, OtelApiGlobals | undefined>)[OTEL_API_GLOBALS];
  return globals;
}

/**
 * The globals object as last looked up, for the task lookups between
 * checkouts (each use and release of a lease, each bound callback). While
 * a look-up reads the global object's slot, about 10 ns a read and several
 * per cycle (measured: 1.5 % of a pg cycle without I/O). Every checkout
 * request looks again (otelApiGlobals), so an SDK that registers later, or a
 * globals object made anew, is seen from the next checkout on.
 */
export function lastOtelApiGlobals(): OtelApiGlobals | undefined {
  return globals;
}
