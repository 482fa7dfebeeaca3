/**
 * A cheap text prefilter for module-graph's load-time walk: can loading a
 * local module reach a creator package at all?
 *
 * The walk parses every module of a forking file's load-time local import
 * closure before it can say "no pool at load": seconds, cold, on an entry
 * file with a hundred or more local modules. Yet no module creates a pool
 * without naming a creator package (`'pg'`, `'mysql2/promise'`, a package
 * of the `creators` option) in a string. So the closure is first walked over
 * each file's text: the specifiers of `require('x')`, `` require(`x`) ``,
 * `import ... from 'x'`, `import 'x'`, `export ... from 'x'`, `import('x')`
 * and `import x = require('x')`, resolved as the walk resolves them
 * (relative, `#subpath`, tsconfig `paths`/`baseUrl`). When no file of it
 * quotes a creator package, nothing there creates a pool and nothing is
 * parsed. The answer only ever errs towards "maybe": a match inside a comment
 * or a string, or an import the walk would skip (lazy, types only), costs a
 * parse; a `require(path.join(__dirname, 'db'))`, which the walk follows but
 * no specifier shows, counts as quoting one, and so does a file that names
 * `createRequire` (its `require` may go by any name). The walk then parses only the
 * modules from which such a module is reachable (a redis cacher that
 * requires `ioredis` lazily, and the barrels that load it), not the rest.
 *
 * Each file's text is read and scanned, and its specifiers resolved, once
 * per lint run (cached by path and mtime, file-cache); the closure itself is
 * walked again from those scans, which costs a stat per module.
 */
import * as fs from 'node:fs';
import { FileCache } from './file-cache';
import { KNOWN_CREATORS, type CreatorOption } from './creators';
import type { LoadKind } from './subpath-imports';

/** What the text of one file shows. */
interface TextScan {
  text: string;
  /** Each specifier quoted by a load, with how it is loaded (a subpath import's conditions tell them apart). */
  specifiers: { specifier: string; loadKind: LoadKind }[];
  /** A load no specifier shows (`require(path.join(__dirname, …))`, `require(DB)`): see hasOpaqueLoad. */
  opaque: boolean;
  /** Whether the text quotes a creator package, per set of creator packages. */
  namesCreator: Map<string, boolean>;
  /** The local modules the specifiers resolve to, once asked. */
  targets?: string[];
}

/** Resolves a specifier of `fromFile` to a local module, as module-graph does. */
export type LocalResolver = (fromFile: string, specifier: string, loadKind?: LoadKind) => string | undefined;

/** How many files' texts have been scanned rather than answered from the cache: tests read it. */
export const creatorReachScans = { count: 0 };

const scans = new FileCache<TextScan>(scanFile);

/** The text import graph of a closure, and which of its modules may reach a creator. */
export interface CreatorReach {
  /**
   * False for a module of the closure from which no module quoting a creator
   * package (or loading a path built beside itself) is reachable; true for
   * the others, and for a module outside it (one the walk reached by a path
   * built beside a module), which the text cannot tell about.
   */
  mayCreate(file: string): boolean;
  /** The modules `file` may load, `file` included, by the text: what a "none" for it leans on. */
  closureOf(file: string): Set<string>;
}

/**
 * Walks `start`'s local import closure over each module's text, and tells
 * which modules may reach a creator package (the built-in table and
 * `creators`): a module for which `mayCreate` is false creates no pool at
 * load, nor does any module it loads, and needs no parse.
 */
export function creatorReach(start: string, creators: readonly CreatorOption[], resolve: LocalResolver): CreatorReach {
  const packages = creatorPackages(creators);
  const edges = new Map<string, string[]>();
  const loadedBy = new Map<string, string[]>();
  const seeds: string[] = [];
  const pending = [start];
  edges.set(start, []);
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    const scan = scans.get(file);
    // An unreadable module cannot be shown to create a pool, by the walk either.
    if (!scan) continue;
    if (scan.opaque || namesCreator(scan, packages)) seeds.push(file);
    const next = edges.get(file) ?? [];
    scan.targets ??= resolvedTargets(file, scan, resolve);
    for (const target of scan.targets) {
      next.push(target);
      loadedBy.set(target, [...(loadedBy.get(target) ?? []), file]);
      if (!edges.has(target)) {
        edges.set(target, []);
        pending.push(target);
      }
    }
  }
  const reaching = reachable(seeds, loadedBy);
  return { mayCreate: file => !edges.has(file) || reaching.has(file), closureOf: file => reachable([file], edges) };
}

/** The local modules `file`'s specifiers name, each once. */
function resolvedTargets(file: string, scan: TextScan, resolve: LocalResolver): string[] {
  const targets = new Set<string>();
  for (const { specifier, loadKind } of scan.specifiers) {
    const target = resolve(file, specifier, loadKind);
    if (target !== undefined) targets.add(target);
  }
  return [...targets];
}

/** `from` and every module reachable from it along `edges`. */
function reachable(from: readonly string[], edges: ReadonlyMap<string, readonly string[]>): Set<string> {
  const found = new Set(from);
  const pending = [...from];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    for (const next of edges.get(file) ?? []) {
      if (!found.has(next)) {
        found.add(next);
        pending.push(next);
      }
    }
  }
  return found;
}

/** The creator packages in force, and a pattern that finds any of them quoted, also a subpath (`'mysql2/promise'`). */
interface CreatorPackages {
  key: string;
  pattern: RegExp;
}

const packageSets = new Map<string, CreatorPackages>();

function creatorPackages(creators: readonly CreatorOption[]): CreatorPackages {
  const names = [...new Set([...Object.keys(KNOWN_CREATORS), ...creators.map(item => item.package)])].sort();
  const key = names.join('\n');
  let packages = packageSets.get(key);
  if (!packages) {
    const alternatives = names.map(name => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|');
    packages = { key, pattern: new RegExp(`(['"\`])(?:${alternatives})(?:/[^'"\`\\n]*)?\\1`) };
    packageSets.set(key, packages);
  }
  return packages;
}

function namesCreator(scan: TextScan, packages: CreatorPackages): boolean {
  let names = scan.namesCreator.get(packages.key);
  if (names === undefined) {
    names = packages.pattern.test(scan.text);
    scan.namesCreator.set(packages.key, names);
  }
  return names;
}

/** A quoted specifier: `'x'`, `"x"` or a template literal without `${`. */
const QUOTED = String.raw`(['"\x60])([^'"\x60\n]*)\1`;
/** What may stand between the parts of a load: whitespace and comments (a webpack magic comment inside `import()`). */
const GAP = String.raw`(?:\s|\/\*[\s\S]*?\*\/|\/\/[^\n]*\n)*`;
/** `require('x')`, also `import x = require('x')`. */
const REQUIRE = new RegExp(String.raw`\brequire${GAP}\(${GAP}${QUOTED}`, 'g');
/** `import ... from 'x'`, `export ... from 'x'`, `import 'x'`, `import('x')`. */
const IMPORT = new RegExp(String.raw`(?:\bfrom|\bimport${GAP}\(?)${GAP}${QUOTED}`, 'g');
/** Every `require(` and `import(` call. */
const LOAD_CALL = new RegExp(String.raw`\b(?:require|import)${GAP}\(`, 'g');
/** Those whose argument is one quoted specifier and nothing else. */
const LITERAL_LOAD_CALL = new RegExp(String.raw`\b(?:require|import)${GAP}\(${GAP}${QUOTED}${GAP}[,)]`, 'g');

/**
 * A load the specifiers do not show: a `require()` or `import()` of
 * anything but one quoted specifier (`require(path.join(__dirname, 'db'))`,
 * `require(DB)`, `require('p' + 'g')`, a template literal with `${`), which
 * the walk may still follow by its value.
 */
function hasOpaqueLoad(text: string): boolean {
  const calls = text.match(LOAD_CALL)?.length ?? 0;
  if (calls === 0) return false;
  let literal = 0;
  for (const match of text.matchAll(LITERAL_LOAD_CALL)) if (!match[2]!.includes('${')) literal++;
  return literal < calls;
}

function scanFile(file: string): TextScan | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  creatorReachScans.count++;
  const specifiers: TextScan['specifiers'] = [];
  const add = (loadKind: LoadKind, specifier: string): void => {
    if (!specifier.includes('${') && !specifier.startsWith('node:')) specifiers.push({ specifier, loadKind });
  };
  for (const match of text.matchAll(REQUIRE)) add('require', match[2]);
  for (const match of text.matchAll(IMPORT)) add('import', match[2]);
  // A \`require\` that \`createRequire()\` made may go by any name: its loads show no specifier to this scan.
  const opaque = hasOpaqueLoad(text) || text.includes('createRequire');
  return { text, specifiers, opaque, namesCreator: new Map() };
}
