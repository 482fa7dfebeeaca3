/*
 * ESM preload: `node --import @poolguard/instrumentation/register app.mjs`.
 * Registers OpenTelemetry's import-in-the-middle loader hook, so that pool
 * libraries imported from ESM are hooked too, then the CommonJS preload
 * (register.ts), which guards their pools with the POOLGUARD_* config.
 */
import { createRequire, register } from 'node:module';
import { PoolGuardInstrumentation } from './instrumentation.js';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

type Preload = { instrumentation: PoolGuardInstrumentation };
// Loaded synchronously, not with `await import()`: an app may import this entry on its first line
// instead of passing it to --import, and a module with a top-level await lets the app's next
// imports (pg, mysql2) run before it resumes, before the require hooks exist.
const preload = createRequire(import.meta.url)('./register.js') as Preload;

/**
 * The PoolGuardInstrumentation in charge of the preload's pools, as the
 * CommonJS entry exports it. An ES module export is read when it is imported,
 * so this is a stand-in that asks the CommonJS entry for it at its first use:
 * made here, the instrumentation would be made before the app's SDK, which
 * then could not patch the modules it loads first (see register.ts).
 */
const real = (): PoolGuardInstrumentation => preload.instrumentation;
/** Methods read through the stand-in, bound once per instance in charge: `instrumentation.enable === instrumentation.enable`. */
const bound = new Map<PropertyKey, { target: object; method: unknown; bound: unknown }>();

export const instrumentation: PoolGuardInstrumentation = new Proxy(Object.create(PoolGuardInstrumentation.prototype) as PoolGuardInstrumentation, {
  get(_standIn, key) {
    const target = real();
    const value = Reflect.get(target, key, target) as unknown;
    if (typeof value !== 'function') return value;
    let entry = bound.get(key);
    if (entry?.method !== value || entry.target !== target) {
      bound.set(key, (entry = { target, method: value, bound: (value as (...args: unknown[]) => unknown).bind(target) }));
    }
    return entry.bound;
  },
  set: (_standIn, key, value) => Reflect.set(real(), key, value),
  has: (_standIn, key) => Reflect.has(real(), key),
  ownKeys: () => Reflect.ownKeys(real()),
  getOwnPropertyDescriptor(_standIn, key) {
    const descriptor = Reflect.getOwnPropertyDescriptor(real(), key);
    // The stand-in owns none of them: each must read as configurable.
    return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
  },
});
