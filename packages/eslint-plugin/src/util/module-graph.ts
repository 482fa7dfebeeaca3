/**
 * Local import following: does loading `./db` open a pool?
 *
 * A self-forking file that imports a local module which creates a pool at
 * load opens that pool in the parent and in every child, even though the
 * creation is in another file. This follows the load-time imports of local
 * modules (relative paths, subpath imports such as `#db`, tsconfig `paths`
 * aliases such as `@/lib/db`, TypeScript's `.js` -> `.ts` mapping, index
 * files), transitively, reading each file once per lint run (module-parse)
 * and analysing each once per set of options (load-time-verdicts). A module
 * that only exports a factory (or a class whose instance fields create the
 * pool), or guards its own creation (a fork guard, or a runnable script's
 * `require.main === module`, also around a call of its own function that
 * creates: entry-guards), does not count; one that calls its own
 * factory at load (`export const pool = build()`) does. In typed mode, a
 * `new` at load whose type is a pool (a subclass of `Pool`) does too
 * (typed-constructions). Cycles end.
 *
 * Untyped, a cheap scan of the closure's text comes first (creator-reach):
 * a module from which no module quoting a creator package is reachable is
 * not parsed; when that is the forking file's import, nothing is.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { walk } from './ast';
import { creationText } from './creation-text';
import { creatorReach, type CreatorReach } from './creator-reach';
import { findCreationSites, type CreatorOption } from './creators';
import { isEndedAtLoad } from './ended-pools';
import { dirnameSegments } from './file-names';
import type { ForkKind } from './fork-sites';
import { runsOnlyAsEntry } from './entry-guards';
import { analyzeGuards } from './guards';
import { importElision, isElidedImport, type ImportElision, type TypeOnlyName } from './import-elision';
import { findRequireCalls, type ParsedSource } from './module-references';
import { loadTimeAnalyses, verdictCache, type VerdictCache } from './load-time-verdicts';
import { parseModule, type ParsedModule } from './module-parse';
import { analyzeRunSides } from './run-sides';
import { subpathImportTarget, type LoadKind } from './subpath-imports';
import { baseUrlTarget, pathAliasTargets } from './tsconfig-paths';
import { isElidedReexport, isTypeOnlyExportOf } from './type-only-reexports';
import type { ConstructionTypeCheck } from './typed-constructions';
import type { ImportedValueCheck } from './typed-import-values';

/** A pool that a module (or one it loads) creates as it loads. */
export interface LoadTimePool {
  /** Absolute path of the file holding the creation. */
  file: string;
  line: number;
  /** How messages quote the creation call, e.g. `new Pool()`, `new DataSource(...)` (creation-text). */
  creator: string;
  /**
   * The module ends this pool as it loads (`await pool.end()` at its top
   * level: ended-pools), and no module it loads leaves one open: once an
   * awaited `import()` of it completes, no pool is left.
   */
  endedAtLoad?: true;
}

/**
 * A load-time reference to a local module: `import`, `export ... from`,
 * `import x = require()`, `require()`, `import()`.
 */
export interface LocalImport {
  node: TSESTree.Node;
  /** The string that names the module, e.g. `'./db'`: where a declaration over several lines is reported. */
  source: TSESTree.Node;
  specifier: string;
  /** `require()` (also `import x = require()`) or `import`: a subpath import's conditions tell them apart. */
  loadKind: LoadKind;
}

export type { LoadKind } from './subpath-imports';

/**
 * Local modules referenced by `source`, read from `file` (its name tells
 * whether TypeScript elides imports used only as types, and `elision` which
 * of them, import-elision, and which re-exports of types only,
 * type-only-reexports); the caller decides which of them run at load.
 * `reads` collects the other modules read to tell a re-export's names, or
 * an imported name's in decorator metadata. `valueOf`, in typed mode, tells
 * such a name by its symbol (typed-import-values); where it cannot, the
 * imported module's declarations do.
 */
export function findLocalImports(
  source: ParsedSource,
  file?: string,
  elision: ImportElision = importElision(undefined),
  reads?: Set<string>,
  valueOf?: (specifier: TSESTree.ImportClause) => boolean | undefined,
): LocalImport[] {
  const imports: LocalImport[] = [];
  const elides = file !== undefined && TYPESCRIPT_FILE.test(file);
  const typeOnlyName =
    (statement: TSESTree.ImportDeclaration): TypeOnlyName =>
    specifier => {
      const value = valueOf?.(specifier);
      if (value !== undefined) return !value;
      const name = importedName(specifier);
      return file !== undefined && name !== undefined && isTypeOnlyExportOf(file, statement.source.value, name, resolveLocalModule, reads);
    };
  const addLocal = (node: TSESTree.Node, source: TSESTree.Node | undefined, loadKind: LoadKind = 'import'): void => {
    const specifier = literalString(source) ?? besideThisFile(source);
    const local = specifier !== undefined && (isLocal(specifier) || (file !== undefined && isPathAlias(file, specifier)));
    if (source && local) imports.push({ node, source, specifier, loadKind });
  };
  for (const statement of source.ast.body) {
    switch (statement.type) {
      case AST_NODE_TYPES.ImportDeclaration:
        if (elides ? isElidedImport(source, statement, elision, typeOnlyName(statement)) : isTypeOnlyImport(statement)) break;
        addLocal(statement, statement.source);
        break;
      case AST_NODE_TYPES.TSImportEqualsDeclaration:
        addLocal(statement, importEqualsSource(statement), 'require');
        break;
      case AST_NODE_TYPES.ExportAllDeclaration:
        if (statement.exportKind !== 'type') addLocal(statement, statement.source);
        break;
      case AST_NODE_TYPES.ExportNamedDeclaration:
        if (statement.source && statement.exportKind !== 'type') {
          // `export { type DbConfig } from './db'`, or of a name that is a type in db.ts: tsc drops it.
          if (!elides || !isElidedReexport(statement, file, elision, resolveLocalModule, reads)) addLocal(statement, statement.source);
        } else if (statement.declaration?.type === AST_NODE_TYPES.TSImportEqualsDeclaration) {
          // `export import db = require('./db')`
          addLocal(statement, importEqualsSource(statement.declaration), 'require');
        }
        break;
    }
  }
  for (const call of findRequireCalls(source)) {
    addLocal(call, call.arguments[0], 'require');
  }
  collectImportExpressions(source, addLocal);
  return imports.sort((a, b) => a.node.range[0] - b.node.range[0]);
}

/**
 * The first pool that loading `specifier` from `fromFile` (by `require()`
 * or by `import`, which picks a subpath import's condition) creates,
 * following local imports; `kinds` are the forking file's self-forks, whose
 * guards a module may use to keep its creation to one side. `typed`, in
 * typed mode, tells a `new` whose type is a pool. Each module's verdict is
 * kept for the lint run (load-time-verdicts).
 */
export function findPoolCreatedAtLoad(
  fromFile: string,
  specifier: string,
  loadKind: LoadKind | undefined,
  creators: readonly CreatorOption[],
  kinds: readonly ForkKind[],
  elision: ImportElision = importElision(undefined),
  typed?: ConstructionTypeCheck,
  values?: ImportedValueCheck,
): LoadTimePool | undefined {
  const file = resolveLocalModule(fromFile, specifier, loadKind);
  if (!file) return undefined;
  // Untyped, only a quoted creator package can open a pool: a module that reaches none needs no parse.
  // A typed check finds a pool class of any package, which no text shows.
  const reach = typed ? undefined : creatorReach(file, creators, resolveLocalModule);
  if (reach && !reach.mayCreate(file)) return undefined;
  // Both typed checks ask the one program of this lint: its verdicts live as long as either.
  const cache = verdictCache(JSON.stringify([creators, [...kinds].sort(), elision]), typed ?? values);
  return new LoadTimeWalk({ creators, kinds, elision, typed, values }, cache, reach).visit(file, 0).pool;
}

/** How one search reads the modules it follows. */
interface ModuleSearch {
  creators: readonly CreatorOption[];
  kinds: readonly ForkKind[];
  elision: ImportElision;
  typed: ConstructionTypeCheck | undefined;
  values: ImportedValueCheck | undefined;
}

/** What visiting a module found, and what a verdict of "none" still waits on. */
interface Visit {
  pool: LoadTimePool | undefined;
  /** The shallowest module still being read whose verdict this one's "none" assumes (an import cycle); Infinity for none. */
  low: number;
  /** The modules read, for the cache's mtime checks. */
  reads: Set<string>;
  /** Modules whose "none" waits on the cycle to close before it is cached. */
  unsettled: string[];
}

/**
 * One depth-first search through the load-time imports of local modules,
 * answering from the cache where it can. A module reached again while it
 * is still being read (a cycle) reads as creating nothing for now; the
 * "none" of every module whose search leaned on that is cached only once
 * the first module of the cycle is done and found nothing either (a pool
 * found ends the whole search), as in Tarjan's strongly connected components.
 */
class LoadTimeWalk {
  private readonly depths = new Map<string, number>();
  /** Modules done with "none" that wait on a cycle, and the depth of the module they wait on. */
  private readonly waiting = new Map<string, number>();

  constructor(
    private readonly search: ModuleSearch,
    private readonly cache: VerdictCache,
    /** Untyped: the modules that may reach a creator package by their text; the others create nothing and are not parsed. */
    private readonly reach?: CreatorReach,
  ) {}

  visit(file: string, depth: number): Visit {
    // Its "none" holds while no module it loads starts quoting a creator: their mtimes are its reads.
    if (this.reach && !this.reach.mayCreate(file)) return { pool: undefined, low: Infinity, reads: this.reach.closureOf(file), unsettled: [] };
    const cached = this.cache.get(file);
    if (cached) return { pool: cached.pool, low: Infinity, reads: new Set(cached.reads.keys()), unsettled: [] };
    const seen = this.depths.get(file) ?? this.waiting.get(file);
    if (seen !== undefined) return { pool: undefined, low: seen, reads: new Set([file]), unsettled: [] };
    this.depths.set(file, depth);
    const result: Visit = { pool: undefined, low: Infinity, reads: new Set([file]), unsettled: [] };
    const imports = this.analyse(file, result);
    for (const next of imports) {
      if (result.pool && !result.pool.endedAtLoad) break;
      const inner = this.visit(next, depth + 1);
      // A pool left open wins over one the module ends as it loads.
      if (inner.pool && (!result.pool || !inner.pool.endedAtLoad)) result.pool = inner.pool;
      result.low = Math.min(result.low, inner.low);
      for (const read of inner.reads) result.reads.add(read);
      result.unsettled.push(...inner.unsettled);
    }
    this.depths.delete(file);
    // A pool ended at load is no final verdict while a module of a cycle may still show one left open.
    if ((result.pool && !result.pool.endedAtLoad) || result.low >= depth) {
      this.cache.set(file, result.pool, result.reads);
      if (!result.pool) for (const settled of result.unsettled) this.cache.set(settled, undefined, result.reads);
      return { ...result, low: Infinity, unsettled: [] };
    }
    // Its "none" leans on a module still being read: it waits with the others on that module.
    result.unsettled.push(file);
    for (const unsettled of result.unsettled) this.waiting.set(unsettled, result.low);
    return result;
  }

  /**
   * Reads `file` alone: sets `result.pool` when the module itself creates
   * a pool at load, else returns the local modules it loads as it loads.
   */
  private analyse(file: string, result: Visit): string[] {
    loadTimeAnalyses.count++;
    const parsed = parseModule(file);
    if (!parsed) return [];
    const { source } = parsed;
    // A runnable script's `if (require.main === module)` arm does not run when the module is
    // imported, and neither does a function called only from there (`if (require.main === module) main()`).
    const runSides = analyzeRunSides(source, analyzeGuards(source, file), this.search.kinds, undefined, runsOnlyAsEntry);
    const runsOnLoad = (node: TSESTree.Node): boolean => runSides.sideOf(node) === 'shared';
    // A creation the module ends as it loads (a migration script) counts only when nothing is left open.
    const found = (node: TSESTree.Node): boolean => {
      const endedAtLoad = isEndedAtLoad(source, node);
      if (!endedAtLoad || !result.pool) result.pool = { ...poolAt(file, parsed, node), ...(endedAtLoad && { endedAtLoad }) };
      return !endedAtLoad;
    };
    for (const site of findCreationSites(source, this.search.creators)) {
      if (runsOnLoad(site.node) && found(site.node)) return [];
    }
    const { typed } = this.search;
    for (const node of typed ? constructions(source) : []) {
      if (runsOnLoad(node) && typed?.(file, parsed.text, node) && found(node)) return [];
    }
    const next: string[] = [];
    const { values } = this.search;
    const valueOf = values && ((specifier: TSESTree.ImportClause) => values(file, parsed.text, specifier));
    for (const local of findLocalImports(source, file, this.search.elision, result.reads, valueOf)) {
      const resolved = runsOnLoad(local.node) ? resolveLocalModule(file, local.specifier, local.loadKind) : undefined;
      if (resolved) next.push(resolved);
    }
    return next;
  }
}

/**
 * Resolves a relative specifier, a subpath import (`#db`) of the importing
 * package, or a tsconfig `paths` alias (`@/lib/db`) or `baseUrl` path, the way Node and
 * TypeScript's bundler/node16 resolution would. `loadKind` picks a subpath
 * import's `require` or `import` condition; without it, the first of them.
 */
export function resolveLocalModule(fromFile: string, specifier: string, loadKind?: LoadKind): string | undefined {
  if (!path.isAbsolute(fromFile)) return undefined;
  if (!isLocal(specifier)) return resolvePathAlias(fromFile, specifier);
  const jsFirst = JAVASCRIPT_FILE.test(fromFile);
  if (specifier.startsWith('#')) {
    const target = subpathImportTarget(fromFile, specifier, loadKind);
    return target === undefined ? undefined : resolvePath(target, false, jsFirst);
  }
  return resolvePath(path.resolve(path.dirname(fromFile), specifier), true, jsFirst);
}

/**
 * The first target of a `paths` alias that names a file of the project; a
 * target inside node_modules is a package, not a local module.
 */
function resolvePathAlias(fromFile: string, specifier: string): string | undefined {
  const aliased = pathAliasTargets(fromFile, specifier);
  const underBaseUrl = aliased.length === 0 ? baseUrlTarget(fromFile, specifier) : undefined;
  for (const target of underBaseUrl === undefined ? aliased : [underBaseUrl]) {
    const file = resolvePath(target, true, JAVASCRIPT_FILE.test(fromFile));
    if (file !== undefined && !file.split(path.sep).includes('node_modules')) return file;
  }
  return undefined;
}

/**
 * A non-relative specifier that a `paths` pattern of the importing file's
 * tsconfig maps, or that names a file under its `baseUrl` (else it is a package).
 */
function isPathAlias(fromFile: string, specifier: string): boolean {
  if (!path.isAbsolute(fromFile)) return false;
  if (pathAliasTargets(fromFile, specifier).length > 0) return true;
  return baseUrlTarget(fromFile, specifier) !== undefined && resolvePathAlias(fromFile, specifier) !== undefined;
}

/**
 * The file `base` names: itself, its TypeScript twin, with an extension, or,
 * for a directory, the entry its package.json names (`main`, else a plain
 * `exports['.']`) or its index file. From a JavaScript file (`jsFirst`),
 * JavaScript extensions come first: Node loads `db.js` for `require('./db')`
 * whatever `db.ts` sits beside it; a TypeScript twin counts only without one.
 */
function resolvePath(base: string, followPackage: boolean, jsFirst: boolean): string | undefined {
  const extensions = jsFirst ? JS_FIRST_EXTENSIONS : EXTENSIONS;
  const candidates = [base];
  const ext = path.extname(base);
  const tsTwin = TS_TWINS[ext];
  if (tsTwin) candidates.push(...tsTwin.map(twin => base.slice(0, -ext.length) + twin));
  candidates.push(...extensions.map(e => base + e));
  const file = candidates.find(isFile);
  if (file) return file;
  const entry = followPackage ? packageEntry(base) : undefined;
  // An entry is itself a file or a directory with an index, not another package.json.
  const fromEntry = entry === undefined ? undefined : resolvePath(path.resolve(base, entry), false, jsFirst);
  return fromEntry ?? extensions.map(e => path.join(base, 'index' + e)).find(isFile);
}

/** `main` of the package.json in `directory`, or `exports` when it is a string or `{ '.': string }` (or its `default`). */
function packageEntry(directory: string): string | undefined {
  let manifest: { main?: unknown; exports?: unknown };
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(directory, 'package.json'), 'utf8')) as typeof manifest;
  } catch {
    return undefined;
  }
  if (typeof manifest.main === 'string' && manifest.main !== '') return manifest.main;
  let entry = manifest.exports;
  if (isRecord(entry) && '.' in entry) entry = entry['.'];
  if (isRecord(entry)) entry = entry.require ?? entry.import ?? entry.default;
  return typeof entry === 'string' ? entry : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
const JS_FIRST_EXTENSIONS = ['.js', '.jsx', '.mjs', '.cjs', '.ts', '.tsx', '.mts', '.cts'];
/** Plain JavaScript, which Node runs as it stands: no compiler maps its specifiers to TypeScript. */
const JAVASCRIPT_FILE = /\.[cm]?jsx?$/;
const TS_TWINS: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };

/** Every `new` of a module, in source order: where each runs is the caller's question. */
function constructions(source: ParsedSource): TSESTree.NewExpression[] {
  const found: TSESTree.NewExpression[] = [];
  walk(source.ast, source.visitorKeys, node => {
    if (node.type === AST_NODE_TYPES.NewExpression) found.push(node);
  });
  return found;
}

/** The creation `node` of the module `parsed`, read from `file`, as a load-time pool. */
export function poolAt(file: string, parsed: ParsedModule, node: TSESTree.Node): LoadTimePool {
  return { file, line: node.loc.start.line, creator: creationText(node, parsed.text) };
}

/** `import('./db')` anywhere in the file, lazy or not: the caller decides where each runs. */
function collectImportExpressions(source: ParsedSource, add: (node: TSESTree.Node, source: TSESTree.Node) => void): void {
  walk(source.ast, source.visitorKeys, node => {
    if (node.type === AST_NODE_TYPES.ImportExpression) add(node, node.source);
  });
}

function literalString(node: TSESTree.Node | undefined): string | undefined {
  if (node?.type === AST_NODE_TYPES.Literal && typeof node.value === 'string') return node.value;
  if (node?.type === AST_NODE_TYPES.TemplateLiteral && node.expressions.length === 0) return node.quasis[0].value.cooked ?? undefined;
  return undefined;
}

/**
 * `path.join(__dirname, 'db')` or `path.resolve(__dirname, 'lib', 'db')`
 * (also with `import.meta.dirname`), literal segments only: `'./db'`.
 */
function besideThisFile(node: TSESTree.Node | undefined): string | undefined {
  const segments = node?.type === AST_NODE_TYPES.CallExpression ? dirnameSegments(node, literalString) : undefined;
  return segments && './' + path.posix.join(...segments);
}

/** The module string of TypeScript's `import db = require('./db')`; `import type db = require()` loads nothing. */
function importEqualsSource(statement: TSESTree.TSImportEqualsDeclaration): TSESTree.Node | undefined {
  const reference = statement.moduleReference;
  if (statement.importKind === 'type' || reference.type !== AST_NODE_TYPES.TSExternalModuleReference) return undefined;
  return reference.expression;
}

/** TypeScript source, whose compiler drops the imports it sees used as types only. */
const TYPESCRIPT_FILE = /\.[cm]?tsx?$/;

/** `import type { A }` or `import { type A, type B } from './x'`, outside TypeScript files: read as TypeScript's defaults do. */
/** The name an import clause imports: `default`, or a named export; none for a namespace (a value: the module). */
function importedName(specifier: TSESTree.ImportClause): string | undefined {
  if (specifier.type === AST_NODE_TYPES.ImportDefaultSpecifier) return 'default';
  if (specifier.type === AST_NODE_TYPES.ImportNamespaceSpecifier) return undefined;
  return specifier.imported.type === AST_NODE_TYPES.Identifier ? specifier.imported.name : specifier.imported.value;
}

function isTypeOnlyImport(statement: TSESTree.ImportDeclaration): boolean {
  if (statement.importKind === 'type') return true;
  return (
    statement.specifiers.length > 0 &&
    statement.specifiers.every(s => s.type === AST_NODE_TYPES.ImportSpecifier && s.importKind === 'type')
  );
}

/** A path relative to the importing file, or a subpath import of its package (`#db`). */
function isLocal(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..' || specifier.startsWith('#');
}

function isFile(candidate: string): boolean {
  try {
    return fs.statSync(candidate).isFile();
  } catch {
    return false;
  }
}
