/*
 * Turns user options into a resolved, validated settings object. Bad
 * configuration fails fast here, with a message that names the option; the
 * hot paths then read plain fields and never re-check.
 */
import { VIOLATION_KINDS, type DetectorLevel, type Kind, type PoolGuardConfig, type Violation } from './types';

export interface Settings {
  readonly mode: 'report' | 'throw';
  /** Level per kind, after `mode` and `detectors` are combined. */
  readonly levels: Readonly<Record<Kind, DetectorLevel>>;
  readonly leakThresholdMs: number;
  readonly captureStacks: boolean;
  readonly stackSampleRate: number;
  readonly leaseHandles: boolean;
  readonly taskTracking: boolean | 'auto';
  readonly poolMetrics: boolean | 'auto';
  readonly checkServerLimit: boolean;
  readonly reporter: 'pretty' | 'none';
  readonly onViolation: ((violation: Violation) => void) | undefined;
}

export const DEFAULT_LEAK_THRESHOLD_MS = 30_000;

const KIND_SET: ReadonlySet<string> = new Set(VIOLATION_KINDS);

export class PoolGuardConfigError extends TypeError {
  /** The option named in the message (`leakThresholdMs`, `detectors.leak`, or an environment variable). */
  readonly option: string;
  readonly problem: string;
  /** `message` replaces the usual "invalid option" one where the option is only the remedy (guardPool()'s `adapter` for a pool it does not know). */
  constructor(option: string, problem: string, message = `poolguard: invalid option \`${option}\`: ${problem}`) {
    super(message);
    this.name = 'PoolGuardConfigError';
    this.option = option;
    this.problem = problem;
  }
}

/** An object literal's kind of object (`{}`, `Object.create(null)`), not an array, a Map or a class instance. */
export function isPlainObject(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === Object.prototype || proto === null;
}

/**
 * A value as a message shows it: JSON where JSON has it (NaN and Infinity as
 * themselves, not null); a function, or an object no literal makes (a Map, a
 * `new Number(5)`), by its kind, which its JSON would hide.
 */
export function shown(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'bigint') return `${value}n, a BigInt`;
  if (typeof value === 'function') return 'a function';
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && !isPlainObject(value)) {
    const kind = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof kind === 'string' && kind !== '' ? `a ${kind} object` : 'an object';
  }
  return JSON.stringify(value) ?? String(value);
}

function oneOf<T extends string | boolean>(option: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) {
    throw new PoolGuardConfigError(option, `expected one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${shown(value)}`);
  }
  return value as T;
}

function number(option: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new PoolGuardConfigError(option, `expected a number from ${min} to ${max}, got ${shown(value)}`);
  }
  return value;
}

/** Every option the instrumentation and guardPool() take, with OTel's own `enabled`. */
const KNOWN_OPTIONS: ReadonlySet<string> = new Set([
  'mode', 'detectors', 'leakThresholdMs', 'captureStacks', 'stackSampleRate', 'leaseHandles', 'taskTracking',
  'poolMetrics', 'checkServerLimit', 'reporter', 'onViolation', 'enabled', 'name', 'adapter',
]);

/**
 * A misspelt option would otherwise be ignored in silence: it fails, naming
 * the closest known one. `prefix` names the object the keys are in
 * (`adapter.`).
 */
export function checkKnownKeys(config: object, known: ReadonlySet<string>, prefix = ''): void {
  for (const key of Object.keys(config)) {
    if (known.has(key)) continue;
    const close = closestName(key, known);
    throw new PoolGuardConfigError(`${prefix}${key}`, `unknown option${close === undefined ? '' : `; did you mean \`${prefix}${close}\`?`}`);
  }
}

const plain = (text: string) => text.toLowerCase().replaceAll('_', '');

/**
 * The known name `name` most looks like (case and underscores aside): one
 * that contains it or that it contains, closest in length, else one at most
 * two letters off; undefined when none does.
 */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  const wanted = plain(name);
  let best: string | undefined;
  let bestGap = Infinity;
  for (const candidate of known) {
    const other = plain(candidate);
    const gap = other.includes(wanted) || wanted.includes(other) ? Math.abs(other.length - wanted.length) : editDistance(other, wanted) <= 2 ? 0.5 : Infinity;
    if (gap < bestGap) [best, bestGap] = [candidate, gap];
  }
  return best;
}

/** The known name `name` is a misspelling of: at most one letter off (two in a name of 8 or more), case and underscores aside. */
export function misspeltName(name: string, known: Iterable<string>): string | undefined {
  const wanted = plain(name);
  for (const candidate of known) {
    const other = plain(candidate);
    if (editDistance(wanted, other) <= (other.length >= 8 ? 2 : 1)) return candidate;
  }
  return undefined;
}

/**
 * Edit distance counting a swap of two neighbouring letters as one edit, the
 * commonest typo (optimal string alignment; short names only: configuration,
 * read once).
 */
function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, before[j - 2]! + 1);
    }
    [before, previous] = [previous, row];
  }
  return previous[b.length]!;
}

export function resolveSettings(config: PoolGuardConfig = {}): Settings {
  if (!isPlainObject(config)) {
    throw new PoolGuardConfigError('config', `expected an object of options, got ${shown(config)}`);
  }
  checkKnownKeys(config, KNOWN_OPTIONS);
  const mode = oneOf('mode', config.mode, ['report', 'throw'] as const, 'report');
  const levels = {} as Record<Kind, DetectorLevel>;
  for (const kind of VIOLATION_KINDS) levels[kind] = mode;
  oneOf('enabled', config.enabled, [true, false] as const, true);
  if (config.detectors !== undefined) {
    if (!isPlainObject(config.detectors)) {
      throw new PoolGuardConfigError('detectors', `expected an object of kind → "report" | "throw" | "off", got ${shown(config.detectors)}`);
    }
    for (const [kind, level] of Object.entries(config.detectors)) {
      if (!KIND_SET.has(kind)) {
        throw new PoolGuardConfigError(`detectors.${kind}`, `unknown violation kind; known kinds: ${VIOLATION_KINDS.join(', ')}`);
      }
      levels[kind as Kind] = oneOf(`detectors.${kind}`, level, ['report', 'throw', 'off'] as const, mode);
    }
  }
  if (config.onViolation !== undefined && typeof config.onViolation !== 'function') {
    throw new PoolGuardConfigError('onViolation', 'expected a function');
  }
  const booleanOption = (name: keyof PoolGuardConfig, fallback: boolean) =>
    oneOf(name, config[name], [true, false] as const, fallback);
  const poolMetrics = oneOf('poolMetrics', config.poolMetrics, [true, false, 'auto'] as const, 'auto');
  const checkServerLimit = booleanOption('checkServerLimit', false);
  if (checkServerLimit && poolMetrics === false) {
    throw new PoolGuardConfigError('checkServerLimit', 'the limit is exported with the pool metrics, and `poolMetrics` is false');
  }
  return {
    mode,
    levels,
    leakThresholdMs: number('leakThresholdMs', config.leakThresholdMs, DEFAULT_LEAK_THRESHOLD_MS, 1, 2 ** 31 - 1),
    captureStacks: booleanOption('captureStacks', false),
    stackSampleRate: number('stackSampleRate', config.stackSampleRate, 1, 0, 1),
    leaseHandles: booleanOption('leaseHandles', mode === 'throw'),
    taskTracking: oneOf('taskTracking', config.taskTracking, [true, false, 'auto'] as const, 'auto'),
    poolMetrics,
    checkServerLimit,
    reporter: oneOf('reporter', config.reporter, ['pretty', 'none'] as const, 'none'),
    onViolation: config.onViolation,
  };
}
