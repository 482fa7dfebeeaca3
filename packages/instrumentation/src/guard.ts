/*
 * guardPool: attaches poolguard to one pool instance. Used by the
 * instrumentation's module hooks for every new pool, and by applications by
 * hand. A pool guarded twice is guarded once.
 */
import { threadId } from 'node:worker_threads';
import { diag, metrics } from '@opentelemetry/api';
import { BUILT_IN_ADAPTERS, type Adapter, type InstalledPool } from './adapters';
import { declarativeAdapter } from './adapters/declarative';
import { isPlainObject, PoolGuardConfigError, resolveSettings, shown, type Settings } from './config';
import { creatorFiles } from './fork-target';
import type { PoolState, TelemetrySource } from './internal-types';
import { startLeakSweep } from './leak-sweep';
import { taskFor } from './lease';
import { poolguardLogger } from './logger-provider';
import { attachMeter, createMeteredPool, detachMeter, meteredPoolEnded, reattachMeter, renameMeteredPool } from './pool-metrics';
import { endpointName, withoutCredentials, livePools, poolEnded, poolRenamed, registerPool, releasePoolName, uniquePoolName, unregisterPool } from './pool-registry';
import { attachBoundaries } from './process-boundaries';
import { recognise } from './recognise';
import { readServerLimit } from './server-limit';
import { captureSite, report } from './signals';
import { wantHttpRoots } from './task';
import type { GuardPoolOptions, PoolAdapter, PoolEndpoint, PoolGuardConfig } from './types';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';

const POOL_STATE = Symbol.for('poolguard.pool');

type GuardedPool = { [POOL_STATE]?: PoolState };

/** Signals through the global OTel providers, looked up at each use so a late SDK still gets them. */
export const globalTelemetry: TelemetrySource = {
  meter: () => metrics.getMeter(PACKAGE_NAME, PACKAGE_VERSION),
  logger: () => poolguardLogger(),
};

/**
 * Each sweep tick re-reads what an SDK started after the pool may have
 * registered: its MeterProvider. (A late context manager is noticed per
 * request: task.ts wantHttpRoots.) A module function, so that the timer
 * holds no pool.
 */
function followMeterProvider(state: PoolState): void {
  if (state.metrics !== undefined) reattachMeter(state.metrics);
}

export function poolStateOf(pool: object): PoolState | undefined {
  return (pool as GuardedPool)[POOL_STATE];
}

function builtInAdapterOf(pool: object): Adapter | undefined {
  return BUILT_IN_ADAPTERS.find((candidate) => candidate.matches(pool));
}

/**
 * A facade (mysql2/promise, knex) lends through an inner core pool, which is
 * the one guarded: when the core is guarded already, the facade is marked with
 * its state, which is returned.
 */
function facadeState(pool: object, adapter: Adapter | undefined): PoolState | undefined {
  const core = adapter?.core?.(pool);
  const state = core === undefined || core === pool ? undefined : poolStateOf(core);
  if (state !== undefined) Object.defineProperty(pool, POOL_STATE, { value: state, configurable: true, enumerable: false, writable: true });
  return state;
}

function adapterFor(pool: object, custom: PoolAdapter | undefined): Adapter {
  if (custom !== undefined) {
    const adapter = declarativeAdapter(custom);
    adapter.checkFits?.(pool);
    return adapter;
  }
  const adapter = builtInAdapterOf(pool);
  if (adapter === undefined) {
    // A PoolGuardConfigError (a TypeError) whose option is the remedy, `adapter`; its message says what the object is.
    const problem = notAPool(pool);
    throw new PoolGuardConfigError('adapter', problem, `poolguard: guardPool() ${problem}`);
  }
  return adapter;
}

/** Why guardPool() cannot take `value`: what it is, when poolguard recognises it, and what to do instead. */
function notAPool(value: object): string {
  const known = recognise(value);
  if (known !== undefined && known.role !== 'pool') {
    return `takes a pool, and this is a ${known.label}, one connection: guard the pool it comes from. A client the app creates and owns is no lease, and is not checked.`;
  }
  if (known !== undefined && /Pool(?:Cluster|Namespace)$/.test(known.label)) {
    return `cannot guard a ${known.label} as one pool: register PoolGuardInstrumentation, whose hooks guard each pool the cluster creates.`;
  }
  return 'does not recognise this object as a pool (pg, mysql2, generic-pool, tarn and knex pools are built in): for a pool of another library, pass the `adapter` option to describe it.';
}

/** poolguard keeps its state on the pool instance (and a facade's core): a frozen or sealed one cannot hold it. */
function checkExtensible(pool: object, core: object): void {
  if (Object.isExtensible(pool) && Object.isExtensible(core)) return;
  throw new TypeError('poolguard: guardPool() cannot guard a frozen, sealed or non-extensible pool: poolguard keeps its state on the pool instance. Guard the pool before freezing it.');
}

/** Guards `pool` with resolved settings; the instrumentation and guardPool() both end here. */
export function guardWithSettings<P extends object>(pool: P, settings: Settings, telemetry: TelemetrySource, name?: string, custom?: PoolAdapter): P {
  if ((pool as GuardedPool)[POOL_STATE] !== undefined) return pool;
  const adapter = adapterFor(pool, custom);
  if (facadeState(pool, adapter) !== undefined) return pool;
  const core = adapter.core?.(pool) ?? pool;
  checkExtensible(pool, core);
  const endpoint = withoutCredentials(adapter.endpoint(pool));
  let provisionalName = name === undefined && endpointName(endpoint) === undefined;
  let stopSweep = () => undefined as void;
  let installed: InstalledPool | undefined;
  const state: PoolState = {
    library: adapter.library,
    name: uniquePoolName(name ?? endpointName(endpoint) ?? adapter.library),
    settings,
    telemetry,
    pid: process.pid,
    threadId,
    creationSite: settings.captureStacks ? captureSite('pool created') : undefined,
    creationFiles: creatorFiles(),
    endpoint,
    ended: false,
    guardedByHand: false,
    handOptions: {},
    defaultsFrom: undefined,
    internalCheckouts: 0,
    internalCallbacks: 0,
    transactionOpenedOnPool: false,
    waitingCheckouts: undefined,
    metrics: undefined,
    connections: () => installed?.connections() ?? [],
    stats: () => installed?.stats() ?? {},
    sockets: () => installed?.sockets?.() ?? [],
    saturated: () => installed?.saturated() ?? false,
    wouldWait: () => (installed?.waitsBehindQueue !== undefined ? installed.waitsBehindQueue() : installed?.saturated() ?? false),
    handingOut: (conn) => installed?.handingOut?.(conn) ?? false,
    lentToNext: (conn) => installed?.lentToNext?.(conn) ?? false,
    learnEndpoint: (found) => {
      const learned = withoutCredentials(found);
      const learnedName = endpointName(learned);
      // Learnt once; a pool named by the app keeps its name but gains its server's attributes.
      if (learnedName === undefined || endpointName(state.endpoint) !== undefined) return;
      (state as { endpoint: PoolEndpoint | undefined }).endpoint = learned;
      if (provisionalName) {
        provisionalName = false;
        releasePoolName(state.name);
        state.name = uniquePoolName(learnedName);
        poolRenamed(state);
      }
      if (state.metrics !== undefined) renameMeteredPool(state.metrics);
    },
    reconfigure: (next, newName) => {
      (state as { settings: Settings }).settings = next;
      // An ended pool has left the census and freed its name, which another pool may hold now.
      if (state.ended) return;
      wantHttpRoots(next.taskTracking);
      stopSweep();
      stopSweep = startLeakSweep(state, followMeterProvider);
      if (newName === undefined || newName === state.name) return;
      provisionalName = false;
      releasePoolName(state.name);
      state.name = uniquePoolName(newName);
      poolRenamed(state);
      if (state.metrics !== undefined) renameMeteredPool(state.metrics);
    },
    onEnd: () => {
      if (state.ended) {
        const error = report(state, 'use_after_end', { current: taskFor(state), detail: 'end() was called again.' });
        if (error !== undefined) throw error;
        return;
      }
      state.ended = true;
      // The sweep stops itself once no lease is held (a lease held through end() can still leak). The
      // pool metrics count the connections leases hold open through end(), and drop the pool once they
      // are closed; with none, at once. Its name stays its own until then.
      if (state.metrics !== undefined) meteredPoolEnded(state.metrics);
      poolEnded(state);
    },
    coreReplaced: () => {
      // Only a facade's guard moves: a pool that is its own core (a tarn pool the hook guarded) stays ended.
      if (!state.ended || poolStateOf(pool) !== state || (adapter.core?.(pool) ?? pool) === core) return;
      state.uninstall();
      guardWithSettings(pool, state.settings, telemetry, name, custom);
      const next = poolStateOf(pool);
      if (next === undefined || next === state) return;
      next.guardedByHand = state.guardedByHand;
      next.handOptions = state.handOptions;
      next.defaultsFrom = state.defaultsFrom;
    },
    uninstall: () => {
      stopSweep();
      if (state.metrics !== undefined) detachMeter(state.metrics);
      installed?.uninstall();
      unregisterPool(state);
      delete (pool as GuardedPool)[POOL_STATE];
      delete (core as GuardedPool)[POOL_STATE];
    },
  };
  if (settings.poolMetrics !== false) {
    const elsewhere = adapter.occupancyReportedElsewhere;
    const occupancy = settings.poolMetrics === true || elsewhere === undefined ? () => true : () => !elsewhere(pool);
    try {
      state.metrics = createMeteredPool(state, occupancy);
      attachMeter(state.metrics);
      if (settings.checkServerLimit) state.connectionSeen = readServerLimit(adapter.library, core, state.metrics);
    } catch (err) {
      // A MeterProvider that fails to make instruments costs the pool its metrics, never its guard.
      diag.error(`poolguard: the pool metrics of "${state.name}" could not be set up`, err);
      if (state.metrics !== undefined) detachMeter(state.metrics);
      state.metrics = undefined;
    }
  }
  for (const target of new Set([pool, core])) {
    Object.defineProperty(target, POOL_STATE, { value: state, configurable: true, enumerable: false, writable: true });
  }
  installed = adapter.install(pool, state);
  stopSweep = startLeakSweep(state, followMeterProvider);
  wantHttpRoots(settings.taskTracking);
  registerPool(state);
  diag.debug(`poolguard: guarding ${adapter.library} pool "${state.name}"`);
  return pool;
}

let defaultSettings: Settings | undefined;

/** The most recently enabled PoolGuardInstrumentation and its config: guardPool() takes it as its defaults. */
let registered: { owner: object; config: PoolGuardConfig } | undefined;

const registrationListeners: ((owner: object) => void)[] = [];

/** Calls `listener` each time an owner's config becomes the registered one (an instrumentation enabled, or its setConfig()). */
export function onRegistered(listener: (owner: object) => void): void {
  registrationListeners.push(listener);
}

export function setRegisteredConfig(owner: object, config: PoolGuardConfig): void {
  registered = { owner, config };
  for (const listener of registrationListeners) listener(owner);
}

/**
 * The settings a new config of `owner` (a registered instrumentation) gives
 * each pool it reaches: those its hook guarded (`hooked`) and those guarded
 * by hand with its config as defaults; the options given to guardPool() still
 * win. poolMetrics and checkServerLimit stay as each pool has them (they are
 * set when a pool is first guarded). Throws, naming the option, before
 * anything changes.
 */
export function settingsForNewConfig(owner: object, config: PoolGuardConfig, hooked: Iterable<object>): [PoolState, Settings][] {
  const states = new Set<PoolState>();
  for (const pool of hooked) {
    const state = poolStateOf(pool);
    if (state !== undefined) states.add(state);
  }
  for (const state of livePools()) if (state.defaultsFrom === owner) states.add(state);
  const updates: [PoolState, Settings][] = [];
  for (const state of states) {
    if (state.ended) continue;
    const own = state.guardedByHand ? state.handOptions : {};
    const { poolMetrics, checkServerLimit } = state.settings;
    updates.push([state, resolveSettings({ ...config, ...own, poolMetrics, checkServerLimit })]);
  }
  return updates;
}

/** The owner of the registered config: the most recently enabled PoolGuardInstrumentation, or the preload. */
export function registeredOwner(): object | undefined {
  return registered?.owner;
}

/** Pools guarded by hand with `from`'s config as their defaults take `to`'s from now on. */
export function handOverDefaults(from: object, to: object): void {
  for (const state of livePools()) if (state.defaultsFrom === from) state.defaultsFrom = to;
}

export function clearRegisteredConfig(owner: object): void {
  if (registered?.owner === owner) registered = undefined;
}

/**
 * Instruments one pool instance by hand and returns the same pool. Works with
 * no registered instrumentation, through the global OTel providers.
 */
export function guardPool<P extends object>(pool: P, options: GuardPoolOptions = {}): P {
  // A knex instance is a function with a pool behind it.
  if (pool === null || (typeof pool !== 'object' && typeof pool !== 'function')) {
    throw new TypeError(`poolguard: guardPool() expects a pool object, got ${pool === null ? 'null' : typeof pool}`);
  }
  if (!isPlainObject(options)) {
    throw new PoolGuardConfigError('options', `expected an object of options, got ${shown(options)}`);
  }
  if ((options as { enabled?: unknown }).enabled !== undefined) {
    throw new PoolGuardConfigError('enabled', 'an instrumentation option: guardPool() always guards the pool it is given');
  }
  if (options.name !== undefined && (typeof options.name !== 'string' || options.name.trim() === '')) {
    throw new PoolGuardConfigError('name', `expected a non-empty string, got ${shown(options.name)}`);
  }
  // A malformed adapter fails here also for a pool guarded already (the instrumentation's hook guards each pool at construction).
  if (options.adapter !== undefined) declarativeAdapter(options.adapter);
  // A facade (mysql2/promise, knex) over a core pool the instrumentation's hook guarded counts as that pool.
  const existing = poolStateOf(pool) ?? (options.adapter === undefined ? facadeState(pool, builtInAdapterOf(pool)) : undefined);
  // Options of an earlier guardPool() call hold unless this one names them again.
  const handOptions = existing === undefined ? options : { ...existing.handOptions, ...options };
  // A registered instrumentation's config is the default: its mode, onViolation and thresholds
  // hold for pools guarded by hand too, and the options given here override them.
  const settings = resolveSettings(registered === undefined ? handOptions : { ...registered.config, ...handOptions });
  // The fork, send and postMessage checks, for apps that guard by hand: installed by the first call.
  // A value no pool owns is reported with default settings: one pool's options are not the app's.
  attachBoundaries(globalTelemetry, () => ({ settings: defaultSettings ??= resolveSettings({}), telemetry: globalTelemetry }));
  // Guarded already (the instrumentation's hook guards each pool at construction): guarded once,
  // and the options given here apply from now.
  if (existing === undefined) guardWithSettings(pool, settings, globalTelemetry, options.name, options.adapter);
  else if (Object.keys(options).length > 0) existing.reconfigure(settings, options.name);
  const state = existing ?? poolStateOf(pool);
  if (state !== undefined) {
    state.guardedByHand = true;
    state.handOptions = handOptions;
    state.defaultsFrom = registered?.owner;
  }
  return pool;
}
