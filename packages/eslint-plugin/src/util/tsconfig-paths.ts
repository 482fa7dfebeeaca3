/**
 * TypeScript's path aliases: `import { getPool } from '@/lib/db'` names a
 * file of the project through `compilerOptions.paths` of the nearest
 * tsconfig.json above the importing file (and `baseUrl`), as a bundler or
 * `tsconfig-paths` maps it at run time. A sibling of subpath-imports.
 *
 * Exact keys and patterns with one `*` are followed; the pattern with the
 * longest prefix before its `*` wins, and its targets are tried in order by
 * the caller. `paths` and `baseUrl` may come from one level of `extends`
 * that names a relative file; a target is relative to `baseUrl`, else to the
 * config that declares `paths`. Only a specifier that matches a pattern is
 * mapped: a bare package name stays a package. Without a matching pattern,
 * a `baseUrl` maps a bare specifier to a file under it, when one is there
 * (`'services/db'`). Each tsconfig read is cached by its path and mtime.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { typescript } from './typescript-module';
import { FileCache } from './file-cache';

/**
 * The absolute paths `specifier` maps to from `fromFile`, in the order the
 * compiler tries them, before extensions are tried; empty when no pattern
 * of the nearest tsconfig.json matches.
 */
export function pathAliasTargets(fromFile: string, specifier: string): string[] {
  const config = nearestConfig(path.dirname(fromFile));
  const aliases = config === undefined ? undefined : pathAliases(config);
  const match = aliases?.paths && matchingPattern(aliases.paths, specifier);
  if (!match) return [];
  return match.targets
    .filter((target): target is string => typeof target === 'string')
    .map(target => path.resolve(aliases.base, target.split('*').join(match.star)));
}

/**
 * Where `specifier` would sit under the `baseUrl` of the nearest
 * tsconfig.json (`'services/db'` from `baseUrl: "./src"`), which the
 * compiler tries after `paths` and before node_modules; undefined without a
 * `baseUrl`, or for a `node:` builtin. Whether a file is there is the caller's to try.
 */
export function baseUrlTarget(fromFile: string, specifier: string): string | undefined {
  if (specifier.startsWith('node:')) return undefined;
  const config = nearestConfig(path.dirname(fromFile));
  const aliases = config === undefined ? undefined : pathAliases(config);
  if (aliases?.baseUrl === undefined) return undefined;
  // Most bare specifiers are packages ('pg', 'express'): one listing of baseUrl tells, not a stat per extension.
  const first = specifier.split('/', 1)[0]!;
  return baseUrlEntries.get(aliases.baseUrl)?.has(first) === true ? path.resolve(aliases.baseUrl, specifier) : undefined;
}

/** The names in a `baseUrl` directory, with and without their extensions; read again when the directory changes. */
const baseUrlEntries = new FileCache<ReadonlySet<string>>(directory => {
  try {
    return new Set(fs.readdirSync(directory).flatMap(name => [name, name.replace(/\.[^.]+$/, '')]));
  } catch {
    return undefined;
  }
});

interface PathAliases {
  paths: Record<string, unknown> | undefined;
  /** The directory the targets are relative to. */
  base: string;
  /** The directory `baseUrl` names, when one is set. */
  baseUrl: string | undefined;
}

/** What the config at `file` (and the one it extends) says about path aliases. */
function pathAliases(file: string): PathAliases | undefined {
  const own = readConfig(file);
  if (!own) return undefined;
  const extended = extendedConfigs(file, own.extends).map(readConfig);
  // The config itself wins over what it extends; of several extended, the last one.
  const layers = [own, ...extended.filter((layer): layer is ConfigLayer => layer !== undefined).reverse()];
  const withPaths = layers.find(layer => layer.paths !== undefined);
  const withBaseUrl = layers.find(layer => layer.baseUrl !== undefined);
  const baseUrl = withBaseUrl?.baseUrl === undefined ? undefined : path.resolve(withBaseUrl.directory, withBaseUrl.baseUrl);
  if (!withPaths?.paths && baseUrl === undefined) return undefined;
  return { paths: withPaths?.paths, base: baseUrl ?? withPaths!.directory, baseUrl };
}

/** `extends` that names a relative file (`./tsconfig.base.json`, or without `.json`): a package's config is not read. */
function extendedConfigs(file: string, extendsField: unknown): string[] {
  const names = typeof extendsField === 'string' ? [extendsField] : Array.isArray(extendsField) ? extendsField : [];
  return names
    .filter((name): name is string => typeof name === 'string' && (name.startsWith('./') || name.startsWith('../')))
    .map(name => path.resolve(path.dirname(file), name))
    .map(resolved => (resolved.endsWith('.json') || isFile(resolved) ? resolved : `${resolved}.json`));
}

interface PatternMatch {
  targets: unknown[];
  /** What the `*` of the pattern stands for in the specifier. */
  star: string;
}

/** The exact key for `specifier`, else the matching pattern with the longest prefix, as the compiler picks it. */
function matchingPattern(paths: Record<string, unknown>, specifier: string): PatternMatch | undefined {
  const exact = Object.prototype.hasOwnProperty.call(paths, specifier) ? paths[specifier] : undefined;
  if (Array.isArray(exact) && !specifier.includes('*')) return { targets: exact, star: '' };
  let best: PatternMatch | undefined;
  let bestPrefix = -1;
  for (const [key, targets] of Object.entries(paths)) {
    const at = key.indexOf('*');
    if (at === -1 || key.indexOf('*', at + 1) !== -1 || !Array.isArray(targets)) continue;
    const prefix = key.slice(0, at);
    const suffix = key.slice(at + 1);
    const fits = specifier.length >= prefix.length + suffix.length && specifier.startsWith(prefix) && specifier.endsWith(suffix);
    if (!fits || prefix.length <= bestPrefix) continue;
    bestPrefix = prefix.length;
    best = { targets, star: specifier.slice(prefix.length, specifier.length - suffix.length) };
  }
  return best;
}

/** The nearest tsconfig.json at or above `directory`, below any node_modules. */
function nearestConfig(directory: string): string | undefined {
  for (let dir = directory; ; dir = path.dirname(dir)) {
    if (path.basename(dir) === 'node_modules') return undefined;
    const candidate = path.join(dir, 'tsconfig.json');
    if (isFile(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** The part of one tsconfig file that path aliases depend on. */
interface ConfigLayer {
  directory: string;
  extends?: unknown;
  baseUrl?: string;
  paths?: Record<string, unknown>;
}

/** Reads survive across files of one lint run; a changed mtime re-reads. */
const configs = new FileCache<ConfigLayer>(parseConfig);

/** One tsconfig file, read as the compiler reads it (comments, trailing commas); undefined when unreadable. */
function readConfig(file: string): ConfigLayer | undefined {
  return configs.get(file);
}

function parseConfig(file: string): ConfigLayer | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const { config, error } = typescript().parseConfigFileTextToJson(file, text);
  if (error || !isRecord(config)) return undefined;
  const options = isRecord(config.compilerOptions) ? config.compilerOptions : {};
  return {
    directory: path.dirname(file),
    extends: config.extends,
    baseUrl: typeof options.baseUrl === 'string' ? options.baseUrl : undefined,
    paths: isRecord(options.paths) ? options.paths : undefined,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFile(candidate: string): boolean {
  try {
    return fs.statSync(candidate).isFile();
  } catch {
    return false;
  }
}
