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
 * does, with this config as the registered one. The PoolGuardInstrumentation
 * is made and registered when the app first reads `instrumentation` (or the
 * ES module entry loads), and takes over the pools guarded until then.
 */
import { diag } from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { resolveSettings } from './config';
import { checkedConfigFromEnv } from './env-config';
import { globalTelemetry, guardWithSettings, poolStateOf, setRegisteredConfig } from './guard';
import { PoolGuardInstrumentation } from './instrumentation';
import { moduleDefinitions } from './module-hooks';
import { hookModules } from './preload-hooks';
import { attachBoundaries, detachBoundaries } from './process-boundaries';
import { WeakRefs } from './weak-refs';

const config = checkedConfigFromEnv();
const settings = resolveSettings(config);
/** The preload, as the owner of the registered config and of the boundary checks until the instrumentation takes over. */
const preload = {};
const guarded = new WeakRefs<object>();
let registered: PoolGuardInstrumentation | undefined;

setRegisteredConfig(preload, config);
attachBoundaries(preload, () => ({ settings, telemetry: globalTelemetry }));
hookModules(moduleDefinitions((pool) => {
  try {
    if (registered !== undefined) {
      if (registered.isEnabled()) registered.guard(pool);
    } else if (poolStateOf(pool) === undefined) {
      guardWithSettings(pool, settings, globalTelemetry);
      guarded.add(pool);
    }
  } catch (err) {
    diag.error('poolguard: failed to guard a new pool', err);
  }
}));

function takeOver(): PoolGuardInstrumentation {
  const instrumentation = new PoolGuardInstrumentation(config);
  registerInstrumentations({ instrumentations: [instrumentation] });
  instrumentation.adoptGuarded(guarded.values());
  guarded.clear();
  detachBoundaries(preload);
  return instrumentation;
}

/** The PoolGuardInstrumentation of the preload, made and registered when first read. */
export declare const instrumentation: PoolGuardInstrumentation;
Object.defineProperty(exports, 'instrumentation', { enumerable: true, get: () => (registered ??= takeOver()) });
