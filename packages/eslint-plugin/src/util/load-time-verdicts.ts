/**
 * Memoized answers to "which pool does loading this module create?"
 * (module-graph), kept for the life of the process like module-parse's
 * parses, so that a lint run analyses each module once.
 *
 * A forking file with 40 top-level imports reached its shared modules 40
 * times, and each time redid their guard and run-side analysis: seconds
 * on a graph of a hundred modules. A verdict depends on the options that
 * change what counts as a creation (creators, the forking file's fork
 * kinds, import elision) and on every module it read, so it is kept per
 * options and checked against the mtime of each of those modules before
 * it is reused. Typed mode asks a program, which belongs to one lint of
 * one file: its verdicts are kept per type check, not shared.
 */
import * as fs from 'node:fs';
import type { LoadTimePool } from './module-graph';

/** The pool a module creates at load (or none), and the modules read to find it, with their mtimes. */
export interface ModuleVerdict {
  pool: LoadTimePool | undefined;
  reads: ReadonlyMap<string, number>;
}

/** How many modules have been analysed rather than answered from the cache: tests read it. */
export const loadTimeAnalyses = { count: 0 };

/** Verdicts for one set of options. */
export class VerdictCache {
  private readonly verdicts = new Map<string, ModuleVerdict>();

  /** The verdict of `file`, unless one of the modules it read has changed since. */
  get(file: string): ModuleVerdict | undefined {
    const verdict = this.verdicts.get(file);
    if (!verdict) return undefined;
    for (const [read, mtimeMs] of verdict.reads) {
      if (mtimeOf(read) !== mtimeMs) {
        this.verdicts.delete(file);
        return undefined;
      }
    }
    return verdict;
  }

  set(file: string, pool: LoadTimePool | undefined, reads: Iterable<string>): void {
    const stamps = new Map<string, number>();
    for (const read of reads) stamps.set(read, mtimeOf(read) ?? -1);
    this.verdicts.set(file, { pool, reads: stamps });
  }
}

const untypedCaches = new Map<string, VerdictCache>();
const typedCaches = new WeakMap<object, Map<string, VerdictCache>>();

/** The cache for verdicts under `optionsKey`; with a type check, one that lives as long as it does. */
export function verdictCache(optionsKey: string, typeCheck?: object): VerdictCache {
  let caches = untypedCaches;
  if (typeCheck) {
    caches = typedCaches.get(typeCheck) ?? new Map<string, VerdictCache>();
    typedCaches.set(typeCheck, caches);
  }
  let cache = caches.get(optionsKey);
  if (!cache) {
    cache = new VerdictCache();
    caches.set(optionsKey, cache);
  }
  return cache;
}

function mtimeOf(file: string): number | undefined {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}
