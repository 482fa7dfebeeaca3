/**
 * Self-fork detection: the calls that start a copy of *this* file in another
 * process or thread, so that everything on the file's shared path runs twice.
 *
 * - `cluster.fork()` re-runs the main module, unless `cluster.setupPrimary` /
 *   `setupMaster({ exec })` in this file (inline, or a constant settings
 *   object) points the workers at another file, surely (not `env ??
 *   __filename`) and before the fork on every path (not behind an `if`);
 * - `child_process.fork(self)` and `new Worker(self)`, where `self` is
 *   `__filename`, `process.argv[1]` (argv-reads: through an alias or the
 *   `process` module too), `require.main.filename`, `module.filename`,
 *   `import.meta.filename`, `import.meta.url`, `new URL(import.meta.url)`,
 *   `fileURLToPath(...)`, `path.resolve(...)` or `path.normalize(...)` of one
 *   of those, `path.join(__dirname, path.basename(__filename))`, a path that
 *   names this very file (`path.join(__dirname, 'server.js')` in server.js,
 *   file-names), or a constant holding one.
 *
 * Worker-pool libraries start their workers the same ways, so a pool of this
 * very file is a self-fork too: `new Piscina({ filename: self })` and `new
 * Tinypool({ filename: self })` (worker threads; `self` also as a file URL
 * string, `new URL(import.meta.url).href`), `workerpool.pool(self)`
 * (a worker thread on Node, by default), and any `throng(...)` call, which
 * runs `cluster.fork()` of the entry script, with no `exec` of its own.
 *
 * What a self-fork hands the child as strings (literals, or constants
 * holding them; constant-values) is collected too: its
 * arguments (`fork(__filename, ['worker'])`) and environment entries
 * (`cluster.fork({ ROLE: 'web' })`, `fork(self, args, { env: { ROLE: 'child' } })`),
 * for the file as a whole and per fork (child-roles). Reading one back from
 * `process.argv` or `process.env` tells the child from the parent.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { ReferenceTracker, getPropertyName } from '@typescript-eslint/utils/ast-utils';
import { argvIndex } from './argv-reads';
import { constantInitializer, innermostScope, isDirname, isFunctionNode, isImportMeta, unwrap, isGlobalName } from './ast';
import { constantValue } from './constant-values';
import { namesFile } from './file-names';
import { coreModuleTraceMap, iterateModuleReferences, type ParsedSource, type TraceMap } from './module-references';
import { runPoints } from './run-order';
import { urlOfString } from './url-strings';

export type ForkKind = 'cluster' | 'child_process' | 'worker_threads';

export interface ForkSite {
  node: TSESTree.CallExpression | TSESTree.NewExpression;
  kind: ForkKind;
  /**
   * For `fork(self, ['worker'])`: the one argument it passes, when that is a
   * string literal that reads as a role (`worker`, `--child`), not an option
   * with a value (`['--port', port]`) or anything else.
   */
  role?: string;
  /**
   * `fork(self, args)`'s `args`, which the child reads from `process.argv[2]`
   * on: each element a string literal's value, `undefined` for any other
   * value, `null` for a spread (any number of values). `[]` when the call
   * passes none; undefined when it does not show them (a variable), and for
   * the other kinds of fork.
   */
  args?: readonly (string | null | undefined)[];
  /**
   * The environment entries the child surely gets, `NAME` → value: strings
   * of the env object (literals or constants) that no later spread may override.
   */
  env: ReadonlyMap<string, string>;
}

export interface ForkAnalysis {
  /** Calls that start this same file again. */
  selfForks: ForkSite[];
  /** `setupPrimary({ exec })` sends cluster workers to another file. */
  clusterExecElsewhere: boolean;
  /** String literals a self-fork passes in the child's argument list: `fork(__filename, ['worker'])`. */
  childArguments: ReadonlySet<string>;
  /** `NAME=value` for each string environment entry (a literal or a constant) a self-fork gives the child. */
  childEnvironment: ReadonlySet<string>;
}

/** Cheap text pre-check: a file without these words cannot fork itself. */
export function mayFork(text: string): boolean {
  return text.includes('fork') || text.includes('Worker') || POOL_LIBRARY_WORDS.test(text);
}

/** The worker-pool libraries, by package or class name: `require('piscina')`, `new Piscina(...)`. */
const POOL_LIBRARY_WORDS = /piscina|tinypool|workerpool|throng/i;

/**
 * The self-forks of `sourceCode`, once per file; `file`, its absolute path,
 * lets a `setupPrimary({ exec })` that names this very file be told apart.
 */
export function analyzeForks(sourceCode: ParsedSource, file?: string): ForkAnalysis {
  let cached = forkCache.get(sourceCode);
  if (!cached) {
    cached = collectForks(sourceCode, file);
    forkCache.set(sourceCode, cached);
  }
  return cached;
}

/** The URL `new URL(...)` is when it may be this file: its only argument, or the base of an empty reference. */
function urlOfSelf(args: readonly TSESTree.CallExpressionArgument[]): TSESTree.Node | undefined {
  if (args.length === 1) return args[0];
  const [reference, base] = args;
  return args.length === 2 && reference?.type === AST_NODE_TYPES.Literal && reference.value === '' ? base : undefined;
}

/** Whether `node` evaluates to the path or URL of the current file. */
export function isSelfReference(source: ParsedSource, node: TSESTree.Node | undefined, scope: TSESLint.Scope.Scope, depth = 0): boolean {
  if (!node || depth > 4) return false;
  const expr = unwrap(node);
  switch (expr.type) {
    case AST_NODE_TYPES.Identifier:
      return expr.name === '__filename' || isSelfConstant(source, expr, scope, depth) || argvIndex(source, expr) === 1;
    case AST_NODE_TYPES.MemberExpression:
      return isImportMetaMember(expr) || argvIndex(source, expr) === 1 || isRequireMainFilename(expr) || isModuleFilename(expr, scope);
    case AST_NODE_TYPES.NewExpression:
      // `new URL(import.meta.url)`, and `new URL('', import.meta.url)` (an empty reference is the base itself);
      // `new URL('.', import.meta.url)` is the directory.
      return isNamed(expr.callee, 'URL') && isSelfReference(source, urlOfSelf(expr.arguments), scope, depth + 1);
    case AST_NODE_TYPES.CallExpression:
      return isSelfPathCall(source, expr, scope, depth);
    default:
      return false;
  }
}

/**
 * `fileURLToPath(self)`, `path.resolve(self)`, `path.normalize(self)`: the
 * same file. `path.join(__dirname, path.basename(__filename))` rebuilds it.
 */
function isSelfPathCall(source: ParsedSource, call: TSESTree.CallExpression, scope: TSESLint.Scope.Scope, depth: number): boolean {
  const [first, second] = call.arguments;
  if (call.arguments.length === 1 && SAME_PATH_CALLS.some(name => isNamed(call.callee, name))) {
    return isSelfReference(source, first, scope, depth + 1);
  }
  if (call.arguments.length !== 2 || !(isNamed(call.callee, 'join') || isNamed(call.callee, 'resolve'))) return false;
  const base = unwrap(second);
  return (
    isDirname(first) &&
    base.type === AST_NODE_TYPES.CallExpression &&
    isNamed(base.callee, 'basename') &&
    base.arguments.length === 1 &&
    isSelfReference(source, base.arguments[0], scope, depth + 1)
  );
}

/** Calls that return the path (or URL) they are given, in another spelling. */
const SAME_PATH_CALLS = ['fileURLToPath', 'resolve', 'normalize'];

const forkCache = new WeakMap<ParsedSource, ForkAnalysis>();

interface ForkInfo {
  kind: ForkKind | 'setupPrimary';
  /**
   * Where the call names the file it starts, when not in its first argument:
   * `'filenameOption'` for `new Piscina({ filename })`, whose options hold
   * the worker's `env` too; `'entry'` for `throng(...)`, which forks the
   * entry script with no environment of its own.
   */
  target?: 'filenameOption' | 'entry';
}

const CLUSTER: Record<string, object> = {
  fork: { [ReferenceTracker.CALL]: { kind: 'cluster' } },
  setupPrimary: { [ReferenceTracker.CALL]: { kind: 'setupPrimary' } },
  setupMaster: { [ReferenceTracker.CALL]: { kind: 'setupPrimary' } },
};
const CHILD_PROCESS: Record<string, object> = { fork: { [ReferenceTracker.CALL]: { kind: 'child_process' } } };
const WORKER_THREADS: Record<string, object> = { Worker: { [ReferenceTracker.CONSTRUCT]: { kind: 'worker_threads' } } };

/** Piscina's class is the CommonJS module itself, its `default` and its `Piscina`; Tinypool's is `default` and `Tinypool`. */
const POOL_CLASS = { [ReferenceTracker.CONSTRUCT]: { kind: 'worker_threads', target: 'filenameOption' } };
const PISCINA = { ...POOL_CLASS, Piscina: POOL_CLASS };
/** workerpool's `pool(script, options)` starts worker threads on Node unless `workerType` says otherwise. */
const WORKERPOOL = { pool: { [ReferenceTracker.CALL]: { kind: 'worker_threads' } } };
/** throng is a function, the CommonJS module itself: `throng(start)`, `throng({ master, worker, count })`. */
const THRONG = { [ReferenceTracker.CALL]: { kind: 'cluster', target: 'entry' } };

const TRACE_MAP: TraceMap = {
  ...coreModuleTraceMap({ cluster: CLUSTER, child_process: CHILD_PROCESS, worker_threads: WORKER_THREADS }),
  piscina: { ...PISCINA, default: PISCINA },
  tinypool: { Tinypool: POOL_CLASS, default: POOL_CLASS },
  workerpool: { ...WORKERPOOL, default: WORKERPOOL },
  throng: { ...THRONG, default: THRONG },
};

function collectForks(sourceCode: ParsedSource, file: string | undefined): ForkAnalysis {
  const globalScope = sourceCode.scopeManager?.globalScope;
  const selfForks: ForkSite[] = [];
  const clusterForks: ForkSite[] = [];
  const childArguments = new Set<string>();
  const clusterEnvironment = new Set<string>();
  const childEnvironment = new Set<string>();
  const execSetups: TSESTree.Node[] = [];
  if (!globalScope) return { selfForks, clusterExecElsewhere: false, childArguments, childEnvironment };
  const seen = new Set<TSESTree.Node>();
  for (const { node, info } of iterateModuleReferences<ForkInfo>(sourceCode, TRACE_MAP)) {
    if (seen.has(node)) continue;
    seen.add(node);
    if (node.type !== AST_NODE_TYPES.CallExpression && node.type !== AST_NODE_TYPES.NewExpression) continue;
    const scope = innermostScope(sourceCode, node);
    switch (info.kind) {
      case 'setupPrimary':
        if (execPointsElsewhere(sourceCode, node.arguments[0], scope, file)) execSetups.push(node);
        break;
      case 'cluster': {
        const env = environmentOf(sourceCode, info.target === 'entry' ? undefined : node.arguments[0], scope);
        clusterForks.push({ node, kind: 'cluster', env: env.sure });
        for (const entry of env.entries) clusterEnvironment.add(entry);
        break;
      }
      default: {
        // `fork(file, args, options)`, `fork(file, options)`, `new Worker(file, options)`, `workerpool.pool(file, options)`;
        // `new Piscina({ filename: file, env })`
        const [first, second, third] = node.arguments;
        const named = info.target === 'filenameOption' ? first && filenameOption(first, scope) : first;
        if (!namesThisFile(sourceCode, named, scope, file)) break;
        const args = info.kind === 'child_process' ? forkArguments(sourceCode, second, scope) : undefined;
        const strings = (args ?? []).filter(arg => typeof arg === 'string');
        for (const arg of strings) childArguments.add(arg);
        const role = args?.length === 1 && strings.length === 1 && ROLE.test(strings[0]) ? strings[0] : undefined;
        const options = info.target === 'filenameOption' ? first : (third ?? second);
        const env = environmentOf(sourceCode, options && propertyValue(options, 'env', scope), scope);
        for (const entry of env.entries) childEnvironment.add(entry);
        selfForks.push({ node, kind: info.kind, ...(role !== undefined && { role }), ...(args && { args }), env: env.sure });
      }
    }
  }
  // A cluster fork that no unconditional `setupPrimary({ exec })` runs before re-runs this file.
  const rerunning = clusterForks.filter(site => !execSetups.some(setup => setupPrecedesFork(sourceCode, setup, site.node)));
  const clusterExecElsewhere = execSetups.length > 0 && rerunning.length === 0;
  selfForks.push(...rerunning);
  if (rerunning.length > 0) for (const entry of clusterEnvironment) childEnvironment.add(entry);
  selfForks.sort((a, b) => a.node.range[0] - b.node.range[0]);
  return { selfForks, clusterExecElsewhere, childArguments, childEnvironment };
}

/** A lone fork argument that reads as a role the child can test for: a word, perhaps with dashes. */
const ROLE = /^-{0,2}[a-z][\w-]*$/i;

/**
 * `fork(self, args?, options?)`'s `args` (see ForkSite): none, or an object
 * in their place (the options), is `[]`; an array inline or in a constant
 * is read element by element.
 */
function forkArguments(
  sourceCode: ParsedSource,
  args: TSESTree.Node | undefined,
  scope: TSESLint.Scope.Scope,
): (string | null | undefined)[] | undefined {
  if (!args) return [];
  const expr = unwrap(args);
  const init = expr.type === AST_NODE_TYPES.Identifier ? constantInitializer(expr, scope) : expr;
  const list = init && unwrap(init);
  if (list?.type !== AST_NODE_TYPES.ArrayExpression) return objectLiteralOf(args, scope) ? [] : undefined;
  return list.elements.map(element => {
    if (element?.type === AST_NODE_TYPES.SpreadElement) return null;
    // `[ROLE_FLAG]` of `const ROLE_FLAG = '--worker'` hands the child that string as `['--worker']` does.
    const value = element && constantValue(sourceCode, element);
    return typeof value === 'string' ? value : undefined;
  });
}

/**
 * An environment object literal's entries: `NAME=value` for each property
 * whose value is a string, written there or held in a constant (`{ ROLE:
 * WORKER_ROLE }`, `{ ROLE: Role.Worker }`; constant-values), and those the
 * child surely gets (no spread after them may override them, `{ ROLE:
 * 'web', ...process.env }`).
 */
function environmentOf(
  sourceCode: ParsedSource,
  env: TSESTree.Node | undefined,
  scope: TSESLint.Scope.Scope,
): { entries: string[]; sure: Map<string, string> } {
  const entries: string[] = [];
  const sure = new Map<string, string>();
  for (const property of (env && objectLiteralOf(env, scope))?.properties ?? []) {
    if (property.type === AST_NODE_TYPES.SpreadElement) {
      sure.clear();
      continue;
    }
    const name = getPropertyName(property, scope);
    if (name === null) {
      sure.clear(); // a computed key may be any name
      continue;
    }
    // `{ ROLE: WORKER_ROLE }` hands the child the string the constant holds, as `{ ROLE: 'worker' }` does.
    const value = property.kind === 'init' && !property.method ? constantValue(sourceCode, property.value) : undefined;
    if (typeof value === 'string') {
      entries.push(`${name}=${value}`);
      sure.set(name, value);
    } else {
      sure.delete(name);
    }
  }
  return { entries, sure };
}

/**
 * A worker pool's `filename` option: a path, or a file URL, as a `URL` or a
 * string (`new URL(import.meta.url).href`, url-strings), read as the URL.
 */
function filenameOption(options: TSESTree.Node, scope: TSESLint.Scope.Scope): TSESTree.Node | undefined {
  const filename = propertyValue(options, 'filename', scope);
  return filename && (urlOfString(filename, scope) ?? filename);
}

/** `options.name`, where options is an object literal here or in a constant. */
function propertyValue(
  options: TSESTree.Node,
  name: string,
  scope: TSESLint.Scope.Scope,
): TSESTree.Node | undefined {
  const properties = objectLiteralOf(options, scope)?.properties ?? [];
  // The last one wins, as at runtime.
  for (let i = properties.length - 1; i >= 0; i--) {
    const property = properties[i];
    if (property.type === AST_NODE_TYPES.Property && getPropertyName(property, scope) === name) return property.value;
  }
  return undefined;
}

/**
 * `setupPrimary({ exec })` (inline or in a constant) with an `exec` that is
 * not this file, nor may be: `process.env.WORKER_FILE ?? __filename` falls
 * back to it, and `path.join(__dirname, 'server.js')` in server.js names it.
 */
function execPointsElsewhere(
  source: ParsedSource,
  settings: TSESTree.Node | undefined,
  scope: TSESLint.Scope.Scope,
  file: string | undefined,
): boolean {
  const literal = settings && objectLiteralOf(settings, scope);
  if (!literal) return false;
  for (const property of literal.properties) {
    if (property.type !== AST_NODE_TYPES.Property || getPropertyName(property, scope) !== 'exec') continue;
    return !maybeSelfReference(source, property.value, scope, file);
  }
  return false;
}

/** `self`, or `a ?? self`, `a || self`, `ok ? a : self`: a value that may be this file. */
function maybeSelfReference(source: ParsedSource, node: TSESTree.Node, scope: TSESLint.Scope.Scope, file: string | undefined, depth = 0): boolean {
  const expr = unwrap(node);
  if (depth > 4) return false;
  if (expr.type === AST_NODE_TYPES.LogicalExpression) {
    return maybeSelfReference(source, expr.left, scope, file, depth + 1) || maybeSelfReference(source, expr.right, scope, file, depth + 1);
  }
  if (expr.type === AST_NODE_TYPES.ConditionalExpression) {
    return (
      maybeSelfReference(source, expr.consequent, scope, file, depth + 1) ||
      maybeSelfReference(source, expr.alternate, scope, file, depth + 1)
    );
  }
  if (expr.type === AST_NODE_TYPES.Identifier) {
    const init = constantInitializer(expr, scope);
    if (init && maybeSelfReference(source, init, scope, file, depth + 1)) return true;
  }
  return namesThisFile(source, expr, scope, file);
}

/**
 * `self`, or a path that spells out this file's own name, here or in a
 * constant: `path.join(__dirname, 'server.js')`, `require.resolve('./server')`
 * or `new URL('./server.mjs', import.meta.url)` inside that file.
 */
function namesThisFile(source: ParsedSource, node: TSESTree.Node | undefined, scope: TSESLint.Scope.Scope, file: string | undefined, depth = 0): boolean {
  if (!node || depth > 4) return false;
  if (isSelfReference(source, node, scope)) return true;
  if (file === undefined) return false;
  const expr = unwrap(node);
  if (expr.type !== AST_NODE_TYPES.Identifier) return namesFile(expr, scope, file);
  const init = constantInitializer(expr, scope);
  return init !== undefined && namesThisFile(source, init, scope, file, depth + 1);
}

/**
 * Whether `setup` surely runs before `fork`, wherever the fork runs: a fork
 * in a function runs where the function is set running (run-order), so
 * `function spawn() { cluster.fork() }` declared above the setup and
 * called below it is preceded; each such place must be.
 */
function setupPrecedesFork(source: ParsedSource, setup: TSESTree.Node, fork: TSESTree.Node): boolean {
  const points = runPoints(source, fork, setup);
  return points !== undefined && points.every(point => setupPrecedes(setup, point));
}

/**
 * Whether `setup` surely runs before `fork`: it comes first in the file and
 * no branch, loop, `catch` or `switch` case around it leaves it out while the
 * fork runs (`if (process.env.WORKER_FILE) cluster.setupPrimary(...)` does).
 * A function around both is one run; a helper function around the setup
 * alone runs where it is called, taken as before the fork.
 */
function setupPrecedes(setup: TSESTree.Node, fork: TSESTree.Node): boolean {
  let crossesFunction = false;
  for (let child = setup, parent = setup.parent; parent; child = parent, parent = parent.parent) {
    if (parent.range[0] <= fork.range[0] && fork.range[1] <= parent.range[1]) {
      return crossesFunction || setup.range[1] <= fork.range[0];
    }
    if (isConditionalPart(child, parent)) return false;
    if (isFunctionNode(parent)) crossesFunction = true;
  }
  return false;
}

/** Whether `parent` may run without running its part `child`. */
function isConditionalPart(child: TSESTree.Node, parent: TSESTree.Node): boolean {
  switch (parent.type) {
    case AST_NODE_TYPES.IfStatement:
    case AST_NODE_TYPES.ConditionalExpression:
      return child !== parent.test;
    case AST_NODE_TYPES.LogicalExpression:
      return child === parent.right;
    case AST_NODE_TYPES.ForStatement:
    case AST_NODE_TYPES.ForInStatement:
    case AST_NODE_TYPES.ForOfStatement:
    case AST_NODE_TYPES.WhileStatement:
    case AST_NODE_TYPES.SwitchCase:
    case AST_NODE_TYPES.CatchClause:
      return true;
    default:
      return false;
  }
}

/** The object literal `node` is, or that a never-reassigned variable was initialized with. */
function objectLiteralOf(node: TSESTree.Node, scope: TSESLint.Scope.Scope): TSESTree.ObjectExpression | undefined {
  const expr = unwrap(node);
  if (expr.type === AST_NODE_TYPES.ObjectExpression) return expr;
  const init = expr.type === AST_NODE_TYPES.Identifier ? constantInitializer(expr, scope) : undefined;
  const value = init && unwrap(init);
  return value?.type === AST_NODE_TYPES.ObjectExpression ? value : undefined;
}

function isSelfConstant(source: ParsedSource, id: TSESTree.Identifier, scope: TSESLint.Scope.Scope, depth: number): boolean {
  const init = constantInitializer(id, scope);
  return init !== undefined && isSelfReference(source, init, scope, depth + 1);
}

function isImportMetaMember(expr: TSESTree.MemberExpression): boolean {
  return isImportMeta(expr, 'url') || isImportMeta(expr, 'filename');
}


/** `require.main.filename`: the entry module, which is the file that forks itself. */
function isRequireMainFilename(expr: TSESTree.MemberExpression): boolean {
  const main = expr.object;
  return (
    getPropertyName(expr) === 'filename' &&
    main.type === AST_NODE_TYPES.MemberExpression &&
    main.object.type === AST_NODE_TYPES.Identifier &&
    main.object.name === 'require' &&
    getPropertyName(main) === 'main'
  );
}


/**
 * `module.filename` of CommonJS's own `module` (not one the file declares,
 * such as `import module from 'node:module'`): the same as `__filename`.
 */
function isModuleFilename(expr: TSESTree.MemberExpression, scope: TSESLint.Scope.Scope): boolean {
  if (getPropertyName(expr) !== 'filename' || expr.object.type !== AST_NODE_TYPES.Identifier || expr.object.name !== 'module') return false;
  return isGlobalName(expr.object, scope);
}

/** `name` or `anything.name`, e.g. `fileURLToPath` and `url.fileURLToPath`. */
function isNamed(node: TSESTree.Node, name: string): boolean {
  if (node.type === AST_NODE_TYPES.Identifier) return node.name === name;
  return node.type === AST_NODE_TYPES.MemberExpression && getPropertyName(node) === name;
}
