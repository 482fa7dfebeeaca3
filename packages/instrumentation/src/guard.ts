/*
 * guardPool: attaches poolguard to one pool instance. Used by the
 * instrumentation's module hooks for every new pool, and by applications by
 * hand. A pool guarded twice is guarded once.
 */
import { threadId } from 'node:worker_threads';
import { diag, metrics } from '@opentelemetry/api';
import { installPg, instrumentationPgActive, isPgPool, pgEndpoint, pgStats, type PgPoolLike } from './adapters/pg';
import { resolveSettings, type Settings } from './config';
import type { ConnectionState, PoolState, TelemetrySource } from './internal-types';
import { connectionStateOf } from './lease';
import { startLeakSweep } from './leak-sweep';
import { poolguardLogger } from './logger-provider';
import { attachMeter, createMeteredPool, detachMeter } from './pool-metrics';
import { endpointName, registerPool, uniquePoolName, unregisterPool } from './pool-registry';
import { attachBoundaries } from './process-boundaries';
import { report } from './signals';
import { currentTask, enableHttpRoots, taskTrackingEnabled } from './task';
import type { GuardPoolOptions } from './types';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';

const POOL_STATE = Symbol.for('poolguard.pool');

type GuardedPool = { [POOL_STATE]?: PoolState };

/** Signals through the global OTel providers, looked up at each use so a late SDK still gets them. */
export const globalTelemetry: TelemetrySource = {
  meter: () => metrics.getMeter(PACKAGE_NAME, PACKAGE_VERSION),
  logger: () => poolguardLogger(),
};

export function poolStateOf(pool: object): PoolState | undefined {
  return (pool as GuardedPool)[POOL_STATE];
}

function* connectionsOf(clients: readonly object[]): Iterable<ConnectionState> {
  for (const client of clients) {
    const conn = connectionStateOf(client);
    if (conn !== undefined) yield conn;
  }
}

/** Guards `pool` with resolved settings; the instrumentation and guardPool() both end here. */
export function guardWithSettings<P extends object>(pool: P, settings: Settings, telemetry: TelemetrySource, name?: string): P {
  if ((pool as GuardedPool)[POOL_STATE] !== undefined) return pool;
  if (!isPgPool(pool)) {
    throw new TypeError('poolguard: guardPool() does not know this pool; pass `adapter` for libraries other than pg.');
  }
  const pg: PgPoolLike = pool;
  const endpoint = pgEndpoint(pg);
  let stopSweep = () => undefined as void;
  let uninstall = () => undefined as void;
  const state: PoolState = {
    library: 'pg',
    name: uniquePoolName(name ?? endpointName(endpoint) ?? 'pg'),
    settings,
    telemetry,
    pid: process.pid,
    threadId,
    creationSite: settings.captureStacks ? new Error('pool created') : undefined,
    endpoint,
    ended: false,
    internalCheckouts: 0,
    internalCallbacks: 0,
    metrics: undefined,
    connections: () => connectionsOf(pg._clients),
    stats: () => pgStats(pg),
    sockets: () => pg._clients.map((client) => (client as { connection?: { stream?: unknown } }).connection?.stream),
    saturated: () => pg._idle.length === 0 && pg._clients.length >= (pg.options.max ?? 10),
    onEnd: () => {
      if (state.ended) {
        const error = report(state, 'use_after_end', { current: currentTask(), detail: 'end() was called again.' });
        if (error !== undefined) throw error;
        return;
      }
      state.ended = true;
      stopSweep();
      if (state.metrics !== undefined) detachMeter(state.metrics);
      unregisterPool(state);
    },
    uninstall: () => {
      stopSweep();
      if (state.metrics !== undefined) detachMeter(state.metrics);
      uninstall();
      unregisterPool(state);
      delete (pool as GuardedPool)[POOL_STATE];
    },
  };
  if (settings.poolMetrics !== false) {
    const occupancy = settings.poolMetrics === true ? () => true : () => !instrumentationPgActive(pg);
    state.metrics = createMeteredPool(state, occupancy);
    attachMeter(state.metrics);
  }
  Object.defineProperty(pool, POOL_STATE, { value: state, configurable: true, enumerable: false, writable: true });
  uninstall = installPg(pg, state);
  const metered = state.metrics;
  stopSweep = startLeakSweep(state, metered === undefined ? undefined : () => attachMeter(metered));
  if (taskTrackingEnabled(settings.taskTracking)) enableHttpRoots();
  registerPool(state);
  diag.debug(`poolguard: guarding pool "${state.name}"`);
  return pool;
}

/**
 * Instruments one pool instance by hand and returns the same pool. Works with
 * no registered instrumentation, through the global OTel providers.
 */
export function guardPool<P extends object>(pool: P, options: GuardPoolOptions = {}): P {
  if (pool === null || typeof pool !== 'object') {
    throw new TypeError(`poolguard: guardPool() expects a pool object, got ${pool === null ? 'null' : typeof pool}`);
  }
  if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) {
    throw new TypeError('poolguard: invalid option `name`: expected a non-empty string');
  }
  const settings = resolveSettings(options);
  // The fork, send and postMessage checks, for apps that guard by hand: installed by the first call.
  attachBoundaries(globalTelemetry, () => ({ settings, telemetry: globalTelemetry }));
  return guardWithSettings(pool, settings, globalTelemetry, options.name);
}
