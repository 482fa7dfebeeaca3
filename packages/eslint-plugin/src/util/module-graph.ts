/**
 * Local import following: does loading `./db` open a pool?
 *
 * A self-forking file that imports a local module which creates a pool at
 * load opens that pool in the parent and in every child, even though the
 * creation is in another file. This follows the load-time imports of local
 * modules (relative paths, subpath imports such as `#db`, tsconfig `paths`
 * aliases such as `@/lib/db`, TypeScript's `.js` -> `.ts` mapping, index
 * files), transitively, reading each file once per lint run (module-parse). A module
 * that only exports a factory (or a class whose instance fields create the
 * pool), or guards its own creation, does not count; one that calls its own
 * factory at load (`export const pool = build()`) does. In typed mode, a
 * `new` at load whose type is a pool (a subclass of `Pool`) does too
 * (typed-constructions). Cycles end.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { walk } from './ast';
import { creationText } from './creation-text';
import { findCreationSites, type CreatorOption } from './creators';
import { dirnameSegments } from './file-names';
import type { ForkKind } from './fork-sites';
import { analyzeGuards } from './guards';
import { importElision, isElidedImport, type ImportElision } from './import-elision';
import { findRequireCalls, type ParsedSource } from './module-references';
import { parseModule, type ParsedModule } from './module-parse';
import { analyzeRunSides } from './run-sides';
import { subpathImportTarget } from './subpath-imports';
import { pathAliasTargets } from './tsconfig-paths';
import type { ConstructionTypeCheck } from './typed-constructions';

/** A pool that a module (or one it loads) creates as it loads. */
export interface LoadTimePool {
  /** Absolute path of the file holding the creation. */
  file: string;
  line: number;
  /** How messages quote the creation call, e.g. `new Pool()`, `new DataSource(...)` (creation-text). */
  creator: string;
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
}

/**
 * Local modules referenced by `source`, read from `file` (its name tells
 * whether TypeScript elides imports used only as types, and `elision` which
 * of them, import-elision); the caller decides which of them run at load.
 */
export function findLocalImports(
  source: ParsedSource,
  file?: string,
  elision: ImportElision = importElision(undefined),
): LocalImport[] {
  const imports: LocalImport[] = [];
  const elides = file !== undefined && TYPESCRIPT_FILE.test(file);
  const addLocal = (node: TSESTree.Node, source: TSESTree.Node | undefined): void => {
    const specifier = literalString(source) ?? besideThisFile(source);
    const local = specifier !== undefined && (isLocal(specifier) || (file !== undefined && isPathAlias(file, specifier)));
    if (source && local) imports.push({ node, source, specifier });
  };
  for (const statement of source.ast.body) {
    switch (statement.type) {
      case AST_NODE_TYPES.ImportDeclaration:
        if (elides ? isElidedImport(source, statement, elision) : isTypeOnlyImport(statement)) break;
        addLocal(statement, statement.source);
        break;
      case AST_NODE_TYPES.TSImportEqualsDeclaration:
        addLocal(statement, importEqualsSource(statement));
        break;
      case AST_NODE_TYPES.ExportAllDeclaration:
        if (statement.exportKind !== 'type') addLocal(statement, statement.source);
        break;
      case AST_NODE_TYPES.ExportNamedDeclaration:
        if (statement.source && statement.exportKind !== 'type') {
          addLocal(statement, statement.source);
        } else if (statement.declaration?.type === AST_NODE_TYPES.TSImportEqualsDeclaration) {
          // `export import db = require('./db')`
          addLocal(statement, importEqualsSource(statement.declaration));
        }
        break;
    }
  }
  const globalScope = source.scopeManager?.globalScope;
  for (const call of globalScope ? findRequireCalls(globalScope) : []) {
    addLocal(call, call.arguments[0]);
  }
  collectImportExpressions(source, addLocal);
  return imports.sort((a, b) => a.node.range[0] - b.node.range[0]);
}

/**
 * The first pool that loading `specifier` from `fromFile` creates, following
 * local imports; `kinds` are the forking file's self-forks, whose guards a
 * module may use to keep its creation to one side. `typed`, in typed mode,
 * tells a `new` whose type is a pool.
 */
export function findPoolCreatedAtLoad(
  fromFile: string,
  specifier: string,
  creators: readonly CreatorOption[],
  kinds: readonly ForkKind[],
  elision: ImportElision = importElision(undefined),
  typed?: ConstructionTypeCheck,
): LoadTimePool | undefined {
  const file = resolveLocalModule(fromFile, specifier);
  return file ? poolCreatedByModule(file, { creators, kinds, elision, typed }, new Set()) : undefined;
}

/** How one search reads the modules it follows. */
interface ModuleSearch {
  creators: readonly CreatorOption[];
  kinds: readonly ForkKind[];
  elision: ImportElision;
  typed: ConstructionTypeCheck | undefined;
}

/**
 * Resolves a relative specifier, a subpath import (`#db`) of the importing
 * package, or a tsconfig `paths` alias (`@/lib/db`), the way Node and
 * TypeScript's bundler/node16 resolution would.
 */
export function resolveLocalModule(fromFile: string, specifier: string): string | undefined {
  if (!path.isAbsolute(fromFile)) return undefined;
  if (!isLocal(specifier)) return resolvePathAlias(fromFile, specifier);
  if (specifier.startsWith('#')) {
    const target = subpathImportTarget(fromFile, specifier);
    return target === undefined ? undefined : resolvePath(target, false);
  }
  return resolvePath(path.resolve(path.dirname(fromFile), specifier), true);
}

/**
 * The first target of a `paths` alias that names a file of the project; a
 * target inside node_modules is a package, not a local module.
 */
function resolvePathAlias(fromFile: string, specifier: string): string | undefined {
  for (const target of pathAliasTargets(fromFile, specifier)) {
    const file = resolvePath(target, true);
    if (file !== undefined && !file.split(path.sep).includes('node_modules')) return file;
  }
  return undefined;
}

/** A non-relative specifier that a `paths` pattern of the importing file's tsconfig maps. */
function isPathAlias(fromFile: string, specifier: string): boolean {
  return path.isAbsolute(fromFile) && pathAliasTargets(fromFile, specifier).length > 0;
}

/**
 * The file `base` names: itself, its TypeScript twin, with an extension, or,
 * for a directory, the entry its package.json names (`main`, else a plain
 * `exports['.']`) or its index file.
 */
function resolvePath(base: string, followPackage: boolean): string | undefined {
  const candidates = [base];
  const ext = path.extname(base);
  const tsTwin = TS_TWINS[ext];
  if (tsTwin) candidates.push(...tsTwin.map(twin => base.slice(0, -ext.length) + twin));
  candidates.push(...EXTENSIONS.map(e => base + e));
  const file = candidates.find(isFile);
  if (file) return file;
  const entry = followPackage ? packageEntry(base) : undefined;
  // An entry is itself a file or a directory with an index, not another package.json.
  const fromEntry = entry === undefined ? undefined : resolvePath(path.resolve(base, entry), false);
  return fromEntry ?? EXTENSIONS.map(e => path.join(base, 'index' + e)).find(isFile);
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
const TS_TWINS: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };

function poolCreatedByModule(file: string, search: ModuleSearch, visiting: Set<string>): LoadTimePool | undefined {
  if (visiting.has(file)) return undefined;
  visiting.add(file);
  const parsed = parseModule(file);
  if (!parsed) return undefined;
  const { source } = parsed;
  const runSides = analyzeRunSides(source, analyzeGuards(source, file), search.kinds);
  const runsOnLoad = (node: TSESTree.Node): boolean => runSides.sideOf(node) === 'shared';
  for (const site of findCreationSites(source, search.creators)) {
    if (runsOnLoad(site.node)) return poolAt(file, parsed, site.node);
  }
  const { typed } = search;
  const typedCreation = typed && constructions(source).find(node => runsOnLoad(node) && typed(file, parsed.text, node));
  if (typedCreation) return poolAt(file, parsed, typedCreation);
  for (const local of findLocalImports(source, file, search.elision)) {
    if (!runsOnLoad(local.node)) continue;
    const next = resolveLocalModule(file, local.specifier);
    const found = next && poolCreatedByModule(next, search, visiting);
    if (found) return found;
  }
  return undefined;
}

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
