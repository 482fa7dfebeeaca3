/*
 * Configuration from environment variables, for the preload entry
 * (`node --require @poolguard/instrumentation/register`). A bad value fails
 * fast, naming the variable, and so does a misspelt variable, one or two
 * letters from a known one (POOLGUARD_LEAK_THRESHOLD). Other POOLGUARD_*
 * variables are left to the app, which may use the prefix for its own.
 */
import { misspeltName, PoolGuardConfigError, resolveSettings } from './config';
import type { PoolGuardConfig } from './types';

type Env = Readonly<Record<string, string | undefined>>;

function parseBoolean(name: string, value: string, expected = 'true or false'): boolean {
  if (/^\s*(1|true|yes|on)\s*$/i.test(value)) return true;
  if (/^\s*(0|false|no|off)\s*$/i.test(value)) return false;
  throw new PoolGuardConfigError(name, `expected ${expected}, got ${JSON.stringify(value)}`);
}

/** Decimal only: `Number()` would also take `0x10`, `0b1` and `1_000`-free forms a reader would not expect. */
const DECIMAL = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?\s*$/i;

function parseNumber(name: string, value: string): number {
  if (!DECIMAL.test(value)) throw new PoolGuardConfigError(name, `expected a decimal number, got ${JSON.stringify(value)}`);
  return Number(value);
}

/** One of `allowed`, in any case, as booleans are (`Throw`, `PRETTY`). */
function parseChoice<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  const choice = value.trim().toLowerCase();
  if (!allowed.includes(choice as T)) throw new PoolGuardConfigError(name, `expected one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  return choice as T;
}

function parseAuto(name: string, value: string): boolean | 'auto' {
  return value.trim().toLowerCase() === 'auto' ? 'auto' : parseBoolean(name, value, 'true, false or auto');
}

/** Reads POOLGUARD_* variables into a config; unset variables are left out. */
export function configFromEnv(env: Env = process.env): PoolGuardConfig {
  checkMisspelt(env);
  const config: PoolGuardConfig = {};
  const read = (name: string) => {
    const value = env[name];
    return value === undefined || value === '' ? undefined : value;
  };
  let value: string | undefined;
  if ((value = read('POOLGUARD_MODE')) !== undefined) config.mode = parseChoice('POOLGUARD_MODE', value, ['report', 'throw'] as const);
  if ((value = read('POOLGUARD_LEAK_THRESHOLD_MS')) !== undefined) config.leakThresholdMs = parseNumber('POOLGUARD_LEAK_THRESHOLD_MS', value);
  if ((value = read('POOLGUARD_CAPTURE_STACKS')) !== undefined) config.captureStacks = parseBoolean('POOLGUARD_CAPTURE_STACKS', value);
  if ((value = read('POOLGUARD_STACK_SAMPLE_RATE')) !== undefined) config.stackSampleRate = parseNumber('POOLGUARD_STACK_SAMPLE_RATE', value);
  if ((value = read('POOLGUARD_LEASE_HANDLES')) !== undefined) config.leaseHandles = parseBoolean('POOLGUARD_LEASE_HANDLES', value);
  if ((value = read('POOLGUARD_TASK_TRACKING')) !== undefined) config.taskTracking = parseAuto('POOLGUARD_TASK_TRACKING', value);
  if ((value = read('POOLGUARD_POOL_METRICS')) !== undefined) config.poolMetrics = parseAuto('POOLGUARD_POOL_METRICS', value);
  if ((value = read('POOLGUARD_CHECK_SERVER_LIMIT')) !== undefined) config.checkServerLimit = parseBoolean('POOLGUARD_CHECK_SERVER_LIMIT', value);
  if ((value = read('POOLGUARD_REPORTER')) !== undefined) config.reporter = parseChoice('POOLGUARD_REPORTER', value, ['pretty', 'none'] as const);
  if ((value = read('POOLGUARD_DETECTORS')) !== undefined) {
    // "leak=off,concurrent_query=throw"
    const detectors = new Map<string, string>();
    for (const pair of value.split(',')) {
      const parts = pair.split('=').map((s) => s.trim());
      const [kind, level] = parts;
      if (parts.length !== 2 || !kind || !level) throw new PoolGuardConfigError('POOLGUARD_DETECTORS', `expected kind=level pairs, got ${JSON.stringify(pair)}`);
      const key = kind.toLowerCase();
      if (detectors.has(key)) throw new PoolGuardConfigError('POOLGUARD_DETECTORS', `${key} is given twice`);
      detectors.set(key, parseChoice('POOLGUARD_DETECTORS', level, ['report', 'throw', 'off'] as const));
    }
    config.detectors = Object.fromEntries(detectors) as PoolGuardConfig['detectors'];
  }
  return config;
}

/** The variable that sets each option (a `detectors.<kind>` problem is POOLGUARD_DETECTORS's). */
const VARIABLE_OF: Readonly<Record<string, string>> = {
  mode: 'POOLGUARD_MODE',
  leakThresholdMs: 'POOLGUARD_LEAK_THRESHOLD_MS',
  captureStacks: 'POOLGUARD_CAPTURE_STACKS',
  stackSampleRate: 'POOLGUARD_STACK_SAMPLE_RATE',
  leaseHandles: 'POOLGUARD_LEASE_HANDLES',
  taskTracking: 'POOLGUARD_TASK_TRACKING',
  poolMetrics: 'POOLGUARD_POOL_METRICS',
  checkServerLimit: 'POOLGUARD_CHECK_SERVER_LIMIT',
  reporter: 'POOLGUARD_REPORTER',
  detectors: 'POOLGUARD_DETECTORS',
};

const PREFIX = 'POOLGUARD_';

/** A POOLGUARD_* variable that looks like one of poolguard's but is not would be ignored in silence: it fails. */
function checkMisspelt(env: Env): void {
  const known = Object.values(VARIABLE_OF);
  for (const name of Object.keys(env)) {
    if (!name.startsWith(PREFIX) || known.includes(name) || env[name] === undefined) continue;
    const close = misspeltName(name.slice(PREFIX.length), known.map((variable) => variable.slice(PREFIX.length)));
    if (close !== undefined) throw new PoolGuardConfigError(name, `unknown variable; did you mean \`${PREFIX}${close}\`?`);
  }
}

/**
 * configFromEnv(), checked as the instrumentation will check it: a value that
 * parses but is out of range (POOLGUARD_STACK_SAMPLE_RATE=2) or an unknown
 * kind in POOLGUARD_DETECTORS fails naming the variable, not the option.
 */
export function checkedConfigFromEnv(env: Env = process.env): PoolGuardConfig {
  const config = configFromEnv(env);
  try {
    resolveSettings(config);
  } catch (err) {
    if (!(err instanceof PoolGuardConfigError)) throw err;
    const variable = VARIABLE_OF[err.option.split('.')[0]!];
    if (variable === undefined) throw err;
    const problem = err.option.includes('.') ? `${err.option.slice(err.option.indexOf('.') + 1)}: ${err.problem}` : err.problem;
    throw new PoolGuardConfigError(variable, problem);
  }
  return config;
}
