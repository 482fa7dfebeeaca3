/*
 * ESM preload: `node --import @poolguard/instrumentation/register app.mjs`.
 * Registers OpenTelemetry's import-in-the-middle loader hook, so that pool
 * libraries imported from ESM are hooked too, then the CommonJS preload
 * (register.ts), which registers PoolGuardInstrumentation from POOLGUARD_*.
 */
import { register } from 'node:module';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

await import('./register.js');
