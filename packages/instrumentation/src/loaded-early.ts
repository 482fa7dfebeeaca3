/*
 * Pool libraries loaded before poolguard's module hooks: their pools are not
 * guarded (pg keeps the pg-pool class it required), and nothing else would
 * say so. OpenTelemetry's own warning for this reads a global `require` that
 * a plain Node script does not have. Told once per library to OTel's diag,
 * when an instrumentation is enabled.
 */
import { diag } from '@opentelemetry/api';

/** The libraries whose hooks have run in this process (the preload's and every instrumentation's). */
const hooked = new Set<string>();
const warned = new Set<string>();

/** The module of one hooked library as it sits in require.cache: `node_modules/<name>/`. */
const LIBRARY_FILE = /[\\/]node_modules[\\/](pg-pool|mysql2|generic-pool|tarn|knex)[\\/]/;

/** A hook of `library` ran: the copy loaded from then on is guarded. */
export function noteHooked(library: string): void {
  hooked.add(library);
}

/**
 * Tells diag once per library about one loaded (in require.cache) before any
 * hook of poolguard's ran for it. Reads the cache's keys once per call.
 */
export function warnLoadedUnhooked(): void {
  for (const file of Object.keys(require.cache)) {
    const library = LIBRARY_FILE.exec(file)?.[1];
    if (library === undefined || hooked.has(library) || warned.has(library)) continue;
    warned.add(library);
    diag.warn(`poolguard: ${library} was loaded before PoolGuardInstrumentation was enabled, so the pools it creates are not guarded. Register the instrumentation before requiring ${library === 'pg-pool' ? 'pg' : library} (or preload it: node --require @poolguard/instrumentation/register), or guard each pool with guardPool().`);
  }
}
