/*
 * Which logger provider log events reach: an explicit one, else api 1.10's
 * `logs` slot (OTel 3.x line, NodeSDK 0.30x), else api-logs (2.x line). The
 * 1.10 slot is simulated here, on Node 20 with api 1.9, by filling the API
 * globals object the way api 1.10's logs.setGlobalLoggerProvider does; the
 * compat suite (test/compat) checks the real one on Node 24.
 */
import assert from 'node:assert/strict';
import { metrics } from '@opentelemetry/api';
import { logs, type Logger, type LoggerProvider } from '@opentelemetry/api-logs';
import { isGlobalStandIn, poolguardLogger, resolveLoggerProvider } from '../src/logger-provider';
import { setupTelemetry } from './helpers/otel';

const API_GLOBALS = Symbol.for('opentelemetry.js.api.1');

class FakeProvider implements LoggerProvider {
  readonly names: string[] = [];
  getLogger(name: string): Logger {
    this.names.push(name);
    return { emit: () => undefined } as unknown as Logger;
  }
}

/** Named like the APIs' placeholders, which is how poolguard recognises them across API copies. */
class NoopLoggerProvider extends FakeProvider {}
class ProxyLoggerProvider extends FakeProvider {}

function apiGlobals(): Record<string, unknown> {
  metrics.getMeterProvider(); // the globals object exists once anything registered; setupTelemetry makes sure
  return (globalThis as unknown as Record<symbol, Record<string, unknown>>)[API_GLOBALS]!;
}

describe('logger provider resolution (both OTel lines)', () => {
  let apiLogsProvider: LoggerProvider;
  before(() => {
    apiLogsProvider = setupTelemetry().loggerProvider;
  });
  afterEach(() => {
    delete apiGlobals().logs;
  });

  it('uses api-logs when api 1.10 has no logger provider registered', () => {
    assert.equal(resolveLoggerProvider(), apiLogsProvider);
    assert.equal(logs.getLoggerProvider(), apiLogsProvider);
  });

  it('prefers the provider registered through api 1.10 `logs`', () => {
    const provider = new FakeProvider();
    apiGlobals().logs = provider;
    assert.equal(resolveLoggerProvider(), provider);
    poolguardLogger();
    assert.deepEqual(provider.names, ['@poolguard/instrumentation']);
  });

  it('prefers an explicit provider over both global slots', () => {
    apiGlobals().logs = new FakeProvider();
    const explicit = new FakeProvider();
    assert.equal(resolveLoggerProvider(explicit), explicit);
  });

  it('treats the APIs\' Noop and Proxy providers as "the global one", looked up late', () => {
    assert.ok(isGlobalStandIn(new NoopLoggerProvider()));
    assert.ok(!isGlobalStandIn(new FakeProvider()));
    const proxy = new ProxyLoggerProvider();
    assert.ok(isGlobalStandIn(proxy));
    const late = new FakeProvider();
    apiGlobals().logs = late;
    assert.equal(resolveLoggerProvider(proxy), late);
    assert.equal(resolveLoggerProvider(new NoopLoggerProvider()), late);
  });
});
