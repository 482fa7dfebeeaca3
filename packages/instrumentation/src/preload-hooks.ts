/*
 * The preload's require hook for the pool libraries (register.ts). OTel's
 * own hook, which every instrumentation object creates as it is constructed,
 * intercepts every require and caches each module the first time it passes:
 * made in a preload, before the app's SDK registers its instrumentations, it
 * would keep them from ever patching what the SDK itself loads first (http
 * among them). This one is require-in-the-middle limited to the modules the
 * definitions name, which caches nothing else, and import-in-the-middle for
 * ES module imports of their packages (once its loader is registered, as the
 * ES module entry does). It applies the definitions as InstrumentationBase
 * would: the package's main module or one of its files, within the supported
 * versions.
 */
import { readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { diag } from '@opentelemetry/api';
import type { InstrumentationModuleDefinition } from '@opentelemetry/instrumentation';
import { Hook as EsmHook } from 'import-in-the-middle';
import { Hook } from 'require-in-the-middle';

type Patch = (exports: unknown, version?: string) => unknown;

interface Target {
  readonly versions: readonly string[];
  readonly patch: Patch | undefined;
}

/** `1.2.3` as numbers; prerelease and build tags aside. */
function parts(version: string): number[] {
  return version.replace(/^v/, '').split(/[-+]/)[0]!.split('.').map((part) => Number(part) || 0);
}

function compare(a: string, b: string): number {
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

/** `version` within `range`, a space-separated list of `>=a.b.c`, `<d`, `>`, `<=`, `=` comparators (the form module-hooks.ts uses). */
export function inRange(version: string, range: string): boolean {
  return range.trim().split(/\s+/).every((comparator) => {
    const [, operator = '=', bound = ''] = /^(>=|<=|>|<|=)?(.+)$/.exec(comparator) ?? [];
    const order = compare(version, bound);
    switch (operator) {
      case '>=': return order >= 0;
      case '<=': return order <= 0;
      case '>': return order > 0;
      case '<': return order < 0;
      default: return order === 0;
    }
  });
}

function packageVersion(basedir: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(basedir, 'package.json'), 'utf8')) as { version?: unknown }).version as string | undefined;
  } catch {
    return undefined;
  }
}

/** Hooks the modules `definitions` name (and their files); returns a function that unhooks them. */
export function hookModules(definitions: readonly InstrumentationModuleDefinition[]): () => void {
  const targets = new Map<string, Target>();
  for (const definition of definitions) {
    targets.set(definition.name, { versions: definition.supportedVersions, patch: definition.patch as Patch | undefined });
    for (const file of definition.files) targets.set(file.name, { versions: file.supportedVersions, patch: file.patch as Patch | undefined });
  }
  const onLoad = <T>(exports: T, name: string, basedir?: string | void): T => {
    const target = targets.get(sep === '/' ? name : name.split(sep).join('/'));
    const version = typeof basedir === 'string' ? packageVersion(basedir) : undefined;
    if (target?.patch === undefined || version === undefined || !target.versions.some((range) => inRange(version, range))) return exports;
    try {
      return target.patch(exports, version) as T;
    } catch (err) {
      diag.error(`poolguard: could not hook ${name}`, err);
      return exports;
    }
  };
  const required = new Hook([...targets.keys()], { internals: true }, onLoad);
  // ES module imports: the packages' main modules (import-in-the-middle hooks no internal files).
  const imported = new EsmHook(definitions.map((definition) => definition.name), onLoad);
  return () => {
    required.unhook();
    imported.unhook();
  };
}
