/*
 * Which logger provider poolguard's log events go to, on either OTel line.
 *
 * OpenTelemetry JS keeps the global logger provider in two slots that do not
 * share: `@opentelemetry/api-logs` (2.x line, NodeSDK 0.2xx) stores a getter
 * under Symbol.for('io.opentelemetry.js.api.logs'); `@opentelemetry/api` 1.10
 * (3.x line, logs API built in, NodeSDK 0.30x) stores the provider itself as
 * `logs` in the API's globals object, Symbol.for('opentelemetry.js.api.1').
 * A guard that asked only api-logs would lose every event in a 3.x app.
 *
 * So the provider is resolved late, at each emit, in this order:
 *   1. one handed to the instrumentation (setLoggerProvider), unless it is an
 *      API's Noop or Proxy stand-in, which means "the global one";
 *   2. api 1.10's slot, when the app's API has it and a provider is registered;
 *   3. api-logs (its proxy when nothing is registered).
 * Reading the slot rather than an API module's proxy also gives one answer when
 * an app's ESM and CommonJS code load the API's two builds (each has its own
 * proxy, and only the one that registered gets a delegate).
 */
import { logs as apiLogs, type Logger, type LoggerProvider } from '@opentelemetry/api-logs';
import { otelApiGlobals } from './otel-globals';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';

/** True for the APIs' placeholders (NoopLoggerProvider, ProxyLoggerProvider): they stand for the global provider. */
export function isGlobalStandIn(provider: object): boolean {
  return /^(Noop|Proxy)/.test(provider.constructor?.name ?? '');
}

/** The provider registered through api 1.10's `logs`, if the app's API has that slot filled. */
function apiLoggerProvider(): LoggerProvider | undefined {
  const provider = otelApiGlobals()?.logs;
  return provider !== undefined && typeof provider.getLogger === 'function' ? provider : undefined;
}

/** The provider log events go to now; `explicit` is one set on the instrumentation, if any. */
export function resolveLoggerProvider(explicit?: LoggerProvider): LoggerProvider {
  if (explicit !== undefined && !isGlobalStandIn(explicit)) return explicit;
  return apiLoggerProvider() ?? apiLogs.getLoggerProvider();
}

/** poolguard's logger from the provider resolved now. The SDKs cache loggers per name and version. */
export function poolguardLogger(explicit?: LoggerProvider): Logger {
  return resolveLoggerProvider(explicit).getLogger(PACKAGE_NAME, PACKAGE_VERSION);
}
