/*
 * Preload entry: `node --require @poolguard/instrumentation/register app.js`.
 * Registers PoolGuardInstrumentation with configuration from POOLGUARD_*
 * environment variables, before the app loads its pool libraries. Signals go
 * to whatever OTel providers the app registers, even later.
 */
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { checkedConfigFromEnv } from './env-config';
import { PoolGuardInstrumentation } from './instrumentation';

export const instrumentation = new PoolGuardInstrumentation(checkedConfigFromEnv());
registerInstrumentations({ instrumentations: [instrumentation] });
