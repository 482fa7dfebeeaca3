/*
 * PoolGuardInstrumentation: registers module hooks for the pool libraries and
 * guards every pool created after registration. Pools created before, or by a
 * library loaded before, are guarded with guardPool().
 *
 * pg-pool's constructor is not a prototype method instrumentation-pg wraps, so
 * the hook hands pg a subclass whose constructor guards the new instance; all
 * other wrapping is per instance (adapters/pg.ts). disable() leaves the class
 * in place but makes it guard nothing new, and unguards the pools it guarded;
 * enable() guards again those of them still open, and new pools from then on.
 */
import { metrics, type Meter, type MeterProvider } from '@opentelemetry/api';
import type { Logger, LoggerProvider } from '@opentelemetry/api-logs';
import { InstrumentationBase } from '@opentelemetry/instrumentation';
import { PoolGuardConfigError, resolveSettings, type Settings } from './config';
import { clearRegisteredConfig, guardWithSettings, handOverDefaults, poolStateOf, setRegisteredConfig, settingsForNewConfig } from './guard';
import type { TelemetrySource } from './internal-types';
import { moduleDefinitions, offerPool } from './module-hooks';
import { warnLoadedUnhooked } from './loaded-early';
import { isGlobalStandIn, poolguardLogger } from './logger-provider';
import { reattachMeter } from './pool-metrics';
import { attachBoundaries, detachBoundaries } from './process-boundaries';
import type { PoolGuardConfig } from './types';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';
import { WeakRefs } from './weak-refs';

/** guardPool() options that name one pool; the constructor refuses them rather than ignore them. */
const POOL_ONLY_OPTIONS = ['name', 'adapter'] as const;

export class PoolGuardInstrumentation extends InstrumentationBase<PoolGuardConfig> {
  // `declare`: setConfig() sets it during super(); an initialised field would reset it afterwards.
  private declare _settings: Settings | undefined;
  private _meterProvider: MeterProvider | undefined;
  private _loggerProvider: LoggerProvider | undefined;
  private readonly _guarded = new WeakRefs<object>();
  /** Pools it unguarded at disable(), still open then: enable() guards them again. */
  private readonly _suspended = new WeakRefs<object>();
  private readonly _telemetry: TelemetrySource = {
    meter: (): Meter => (this._meterProvider === undefined ? metrics.getMeter(PACKAGE_NAME, PACKAGE_VERSION) : this.meter),
    // Resolved at each emit: an explicit provider, else whichever global slot the app filled (logger-provider.ts).
    logger: (): Logger => poolguardLogger(this._loggerProvider),
  };

  constructor(config: PoolGuardConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  override setConfig(config: PoolGuardConfig = {}): void {
    // Fail fast, naming the option, before anything is stored.
    for (const option of POOL_ONLY_OPTIONS) {
      if (config !== null && typeof config === 'object' && (config as Record<string, unknown>)[option] !== undefined) {
        throw new PoolGuardConfigError(option, 'a guardPool() option, for one pool: the instrumentation guards every pool');
      }
    }
    const settings = resolveSettings(config);
    // The pools it reaches already follow the new config (settingsForNewConfig); all are worked out,
    // and may fail, before anything is stored. Undefined during super(): nothing is guarded yet.
    const guarded = this._guarded as WeakRefs<object> | undefined;
    const updates = guarded === undefined ? [] : settingsForNewConfig(this, config, guarded.values());
    this._settings = settings;
    super.setConfig(config);
    if (this.isEnabled()) setRegisteredConfig(this, config);
    for (const [state, next] of updates) state.reconfigure(next, undefined);
  }

  override setMeterProvider(meterProvider: MeterProvider): void {
    // A Noop provider handed over at registration means "none yet": keep looking the global one up late.
    if (!isGlobalStandIn(meterProvider)) this._meterProvider = meterProvider;
    super.setMeterProvider(meterProvider);
    // The pools guarded already move to it now, not at their next sweep tick: what they record meanwhile counts.
    // Undefined during super(): nothing is guarded yet.
    const guarded = this._guarded as WeakRefs<object> | undefined;
    for (const pool of guarded?.values() ?? []) {
      const metered = poolStateOf(pool)?.metrics;
      if (metered !== undefined) reattachMeter(metered);
    }
  }

  override setLoggerProvider(loggerProvider: LoggerProvider): void {
    if (!isGlobalStandIn(loggerProvider)) this._loggerProvider = loggerProvider;
    super.setLoggerProvider(loggerProvider);
  }

  protected init() {
    // Runs inside super(): `this` is usable, its fields are not yet; the guard reads them at call time.
    return moduleDefinitions((pool) => this._guardNew(pool));
  }

  override enable(): void {
    super.enable();
    // A pool library loaded before the hooks keeps its own classes: said to diag, once per library.
    warnLoadedUnhooked();
    // guardPool() by hand takes this config as its defaults while this instrumentation is enabled.
    setRegisteredConfig(this, this.getConfig());
    // The fork, send and postMessage checks: patched once per process, read lazily (enable() runs inside super()).
    attachBoundaries(this, () => ({ settings: this._settings ?? resolveSettings({}), telemetry: this._telemetry }));
    // Undefined during super(): the first enable() has nothing to resume.
    const suspended = this._suspended as WeakRefs<object> | undefined;
    if (suspended === undefined) return;
    for (const pool of suspended.values()) this._guardNew(pool);
    suspended.clear();
  }

  override disable(): void {
    super.disable();
    clearRegisteredConfig(this);
    detachBoundaries(this);
    const released: object[] = [];
    for (const pool of this._guarded.values()) {
      const state = poolStateOf(pool);
      // A pool the app also passed to guardPool() stays guarded: that call did not depend on this instrumentation.
      if (state === undefined || state.guardedByHand) continue;
      if (!state.ended) {
        this._suspended.add(pool);
        released.push(pool);
      }
      state.uninstall();
    }
    this._guarded.clear();
    // Another PoolGuardInstrumentation still enabled takes them over, as it takes the pools created from now on.
    for (const pool of released) offerPool(pool);
  }

  /** Guards one pool with this instrumentation's settings and providers. */
  guard<P extends object>(pool: P): P {
    if (poolStateOf(pool) !== undefined) return pool;
    guardWithSettings(pool, this._settings ?? resolveSettings({}), this._telemetry);
    this._guarded.add(pool);
    return pool;
  }

  /**
   * Pools the preload guarded (register.ts) before this instrumentation was
   * registered, with `former`'s config: from now on they take this one's
   * config and providers, and its setConfig() and disable() reach them, as
   * they reach the pools guarded by hand with `former`'s config as defaults.
   * @internal
   */
  adoptGuarded(pools: Iterable<object>, former: object): void {
    handOverDefaults(former, this);
    const adopted: object[] = [];
    for (const pool of pools) {
      const state = poolStateOf(pool);
      if (state === undefined) continue;
      state.telemetry = this._telemetry;
      this._guarded.add(pool);
      adopted.push(pool);
    }
    for (const [state, next] of settingsForNewConfig(this, this.getConfig(), adopted)) state.reconfigure(next, undefined);
  }

  /** A pool the hooked library just created; while disabled, kept for enable() (weakly), as the pools disable() let go. */
  private _guardNew(pool: object): void {
    if (!this.isEnabled()) {
      // Undefined during super(), which creates no pool.
      (this._suspended as WeakRefs<object> | undefined)?.add(pool);
      return;
    }
    try {
      this.guard(pool);
    } catch (err) {
      this._diag.error('failed to guard a new pool', err);
    }
  }
}
