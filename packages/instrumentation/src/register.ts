/*
 * Preload entry: `node --require @poolguard/instrumentation/register app.js`.
 * Guards every pool of the pool libraries the app loads, with configuration
 * from POOLGUARD_* environment variables. Signals go to whatever OTel
 * providers the app registers, even later.
 *
 * No instrumentation object is made here: each one creates OTel's shared
 * require hook as it is constructed, and that hook, made before the app's own
 * SDK, would keep the app's instrumentations from patching what the SDK loads
 * first (the app would lose its HTTP spans). The preload hooks the pool
 * libraries alone (preload-hooks.ts) and guards their pools as guardPool()
 * does, with this config as the registered one. A PoolGuardInstrumentation
 * takes over the pools guarded until then as soon as one is registered: the
 * app's own (in its NodeSDK), or the one made here when the app first reads
 * `instrumentation`. From then on that one is in charge, enabled or not.
 */
import { diag } from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { resolveSettings } from './config';
import { checkedConfigFromEnv } from './env-config';
import { globalTelemetry, guardWithSettings, onRegistered, poolStateOf, registeredOwner, setRegisteredConfig } from './guard';
import { PoolGuardInstrumentation } from './instrumentation';
import { moduleDefinitions } from './module-hooks';
import { hookModules } from './preload-hooks';
import { attachBoundaries, detachBoundaries } from './process-boundaries';
import { WeakRefs } from './weak-refs';

const config = checkedConfigFromEnv();
const settings = resolveSettings(config);
/** The preload, as the owner of the registered config and of the boundary checks until an instrumentation takes over. */
const preload = {};
/** Pools guarded here before any instrumentation took over. */
const guarded = new WeakRefs<object>();
/** The instrumentation that took the preload's pools over last. */
let successor: PoolGuardInstrumentation | undefined;
/** The PoolGuardInstrumentation registered last, enabled or disabled since. */
let latest: PoolGuardInstrumentation | undefined;

setRegisteredConfig(preload, config);
attachBoundaries(preload, () => ({ settings, telemetry: globalTelemetry }));
// An instrumentation the app registers takes over at once, before any new pool: those created before its
// SDK started must follow it too. It enables itself inside its constructor, before its fields exist: the
// take-over runs a microtask later (a pool created before then hands it over already).
onRegistered((owner) => {
  if (!(owner instanceof PoolGuardInstrumentation) || owner === successor) return;
  latest = owner;
  queueMicrotask(() => {
    try {
      inCharge();
    } catch (err) {
      diag.error('poolguard: the registered instrumentation could not take over the preload\'s pools', err);
    }
  });
});

/**
 * The PoolGuardInstrumentation registered last (disabled since or not), which
 * takes over what the preload guarded the first time it is seen here.
 */
function inCharge(): PoolGuardInstrumentation | undefined {
  const registered = registeredOwner();
  const owner = registered instanceof PoolGuardInstrumentation ? registered : latest;
  if (owner === undefined || owner === successor) return successor;
  if (successor === undefined) detachBoundaries(preload);
  owner.adoptGuarded(guarded.values(), successor ?? preload);
  guarded.clear();
  successor = owner;
  return owner;
}

hookModules(moduleDefinitions((pool) => {
  try {
    const instrumentation = inCharge();
    if (instrumentation !== undefined) {
      if (instrumentation.isEnabled()) instrumentation.guard(pool);
    } else if (poolStateOf(pool) === undefined) {
      guardWithSettings(pool, settings, globalTelemetry);
      guarded.add(pool);
    }
  } catch (err) {
    diag.error('poolguard: failed to guard a new pool', err);
  }
}));

/** The registered PoolGuardInstrumentation, else one made and registered now with the preload's config. */
function instrumentationInCharge(): PoolGuardInstrumentation {
  const current = inCharge();
  if (current !== undefined) return current;
  registerInstrumentations({ instrumentations: [new PoolGuardInstrumentation(config)] });
  return inCharge()!;
}

/**
 * The PoolGuardInstrumentation in charge of the preload's pools: the app's own
 * once it registered one, else the preload's, made and registered when first read.
 */
export declare const instrumentation: PoolGuardInstrumentation;
Object.defineProperty(exports, 'instrumentation', { enumerable: true, get: instrumentationInCharge });
