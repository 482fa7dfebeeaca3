/*
 * ESM preload: `node --import @poolguard/instrumentation/register app.mjs`.
 * Registers OpenTelemetry's import-in-the-middle loader hook, so that pool
 * libraries imported from ESM are hooked too, then the CommonJS preload
 * (register.ts), which registers PoolGuardInstrumentation from POOLGUARD_*.
 */
import { register } from 'node:module';
import type { PoolGuardInstrumentation } from './instrumentation.js';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

type Preload = { instrumentation: PoolGuardInstrumentation };
const preload = (await import('./register.js')) as Partial<Preload> & { default: Preload };

/** The PoolGuardInstrumentation the preload registered, as the CommonJS entry exports it. */
export const instrumentation: PoolGuardInstrumentation = preload.instrumentation ?? preload.default.instrumentation;
