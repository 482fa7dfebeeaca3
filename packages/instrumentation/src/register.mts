/*
 * ESM preload: `node --import @poolguard/instrumentation/register app.mjs`.
 * Registers OpenTelemetry's import-in-the-middle loader hook, so that pool
 * libraries imported from ESM are hooked too, then the CommonJS preload
 * (register.ts), which guards their pools with the POOLGUARD_* config.
 */
import { register } from 'node:module';
import { PoolGuardInstrumentation } from './instrumentation.js';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

type Preload = { instrumentation: PoolGuardInstrumentation };
const preload = (await import('./register.js')) as { default: Preload };

/**
 * The PoolGuardInstrumentation in charge of the preload's pools, as the
 * CommonJS entry exports it. An ES module export is read when it is imported,
 * so this is a stand-in that asks the CommonJS entry for it at its first use:
 * made here, the instrumentation would be made before the app's SDK, which
 * then could not patch the modules it loads first (see register.ts).
 */
export const instrumentation: PoolGuardInstrumentation = new Proxy(Object.create(PoolGuardInstrumentation.prototype) as PoolGuardInstrumentation, {
  get(_standIn, key) {
    const real = preload.default.instrumentation;
    const value = Reflect.get(real, key, real) as unknown;
    return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(real) : value;
  },
  set: (_standIn, key, value) => Reflect.set(preload.default.instrumentation, key, value),
  has: (_standIn, key) => Reflect.has(preload.default.instrumentation, key),
});
