/**
 * Self-fork detection: the calls that start a copy of *this* file in another
 * process or thread, so that everything on the file's shared path runs twice.
 *
 * - `cluster.fork()` re-runs the main module, unless `cluster.setupPrimary` /
 *   `setupMaster({ exec })` in this file (inline, or a constant settings
 *   object) points the workers at another file;
 * - `child_process.fork(self)` and `new Worker(self)`, where `self` is
 *   `__filename`, `process.argv[1]`, `import.meta.filename`, `import.meta.url`,
 *   `new URL(import.meta.url)` or `fileURLToPath(...)` of one of those, or a
 *   constant holding one.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { ReferenceTracker, findVariable, getPropertyName } from '@typescript-eslint/utils/ast-utils';
import { innermostScope, unwrap } from './ast';
import { iterateModuleReferences, type ParsedSource, type TraceMap } from './module-references';

export type ForkKind = 'cluster' | 'child_process' | 'worker_threads';

export interface ForkSite {
  node: TSESTree.CallExpression | TSESTree.NewExpression;
  kind: ForkKind;
}

export interface ForkAnalysis {
  /** Calls that start this same file again. */
  selfForks: ForkSite[];
  /** `setupPrimary({ exec })` sends cluster workers to another file. */
  clusterExecElsewhere: boolean;
}

/** Cheap text pre-check: a file without these words cannot fork itself. */
export function mayFork(text: string): boolean {
  return text.includes('fork') || text.includes('Worker');
}

export function analyzeForks(sourceCode: ParsedSource): ForkAnalysis {
  let cached = forkCache.get(sourceCode);
  if (!cached) {
    cached = collectForks(sourceCode);
    forkCache.set(sourceCode, cached);
  }
  return cached;
}

/** Whether `node` evaluates to the path or URL of the current file. */
export function isSelfReference(node: TSESTree.Node | undefined, scope: TSESLint.Scope.Scope, depth = 0): boolean {
  if (!node || depth > 4) return false;
  const expr = unwrap(node);
  switch (expr.type) {
    case AST_NODE_TYPES.Identifier:
      return expr.name === '__filename' || isSelfConstant(expr, scope, depth);
    case AST_NODE_TYPES.MemberExpression:
      return isImportMetaMember(expr) || isProcessArgv1(expr);
    case AST_NODE_TYPES.NewExpression:
      // `new URL(import.meta.url)`; `new URL('.', import.meta.url)` is the directory.
      return isNamed(expr.callee, 'URL') && expr.arguments.length === 1 && isSelfReference(expr.arguments[0], scope, depth + 1);
    case AST_NODE_TYPES.CallExpression:
      return isNamed(expr.callee, 'fileURLToPath') && isSelfReference(expr.arguments[0], scope, depth + 1);
    default:
      return false;
  }
}

const forkCache = new WeakMap<ParsedSource, ForkAnalysis>();

interface ForkInfo {
  kind: ForkKind | 'setupPrimary';
}

const CLUSTER: Record<string, object> = {
  fork: { [ReferenceTracker.CALL]: { kind: 'cluster' } },
  setupPrimary: { [ReferenceTracker.CALL]: { kind: 'setupPrimary' } },
  setupMaster: { [ReferenceTracker.CALL]: { kind: 'setupPrimary' } },
};
const CHILD_PROCESS: Record<string, object> = { fork: { [ReferenceTracker.CALL]: { kind: 'child_process' } } };
const WORKER_THREADS: Record<string, object> = { Worker: { [ReferenceTracker.CONSTRUCT]: { kind: 'worker_threads' } } };

/** Each core module under both its names, its members also reachable via `default`. */
const TRACE_MAP: TraceMap = Object.fromEntries(
  (
    [
      ['cluster', CLUSTER],
      ['child_process', CHILD_PROCESS],
      ['worker_threads', WORKER_THREADS],
    ] as const
  ).flatMap(([name, members]) => {
    const map = { ...members, default: members };
    return [
      [name, map],
      [`node:${name}`, map],
    ];
  }),
);

function collectForks(sourceCode: ParsedSource): ForkAnalysis {
  const globalScope = sourceCode.scopeManager?.globalScope;
  const selfForks: ForkSite[] = [];
  const clusterForks: ForkSite[] = [];
  let clusterExecElsewhere = false;
  if (!globalScope) return { selfForks, clusterExecElsewhere };
  const seen = new Set<TSESTree.Node>();
  for (const { node, info } of iterateModuleReferences<ForkInfo>(sourceCode, TRACE_MAP)) {
    if (seen.has(node)) continue;
    seen.add(node);
    if (node.type !== AST_NODE_TYPES.CallExpression && node.type !== AST_NODE_TYPES.NewExpression) continue;
    const scope = innermostScope(sourceCode, node);
    switch (info.kind) {
      case 'setupPrimary':
        if (execPointsElsewhere(node.arguments[0], scope)) clusterExecElsewhere = true;
        break;
      case 'cluster':
        clusterForks.push({ node, kind: 'cluster' });
        break;
      default:
        if (isSelfReference(node.arguments[0], scope)) selfForks.push({ node, kind: info.kind });
    }
  }
  if (!clusterExecElsewhere) selfForks.push(...clusterForks);
  selfForks.sort((a, b) => a.node.range[0] - b.node.range[0]);
  return { selfForks, clusterExecElsewhere };
}

/** `setupPrimary({ exec })` (inline or in a constant) with an `exec` that is not this file. */
function execPointsElsewhere(settings: TSESTree.Node | undefined, scope: TSESLint.Scope.Scope): boolean {
  const literal = settings && objectLiteralOf(settings, scope);
  if (!literal) return false;
  for (const property of literal.properties) {
    if (property.type !== AST_NODE_TYPES.Property || getPropertyName(property, scope) !== 'exec') continue;
    return !isSelfReference(property.value, scope);
  }
  return false;
}

/** The object literal `node` is, or that a never-reassigned variable was initialized with. */
function objectLiteralOf(node: TSESTree.Node, scope: TSESLint.Scope.Scope): TSESTree.ObjectExpression | undefined {
  const expr = unwrap(node);
  if (expr.type === AST_NODE_TYPES.ObjectExpression) return expr;
  const init = expr.type === AST_NODE_TYPES.Identifier ? constantValue(expr, scope) : undefined;
  const value = init && unwrap(init);
  return value?.type === AST_NODE_TYPES.ObjectExpression ? value : undefined;
}

function isSelfConstant(id: TSESTree.Identifier, scope: TSESLint.Scope.Scope, depth: number): boolean {
  const init = constantValue(id, scope);
  return init !== undefined && isSelfReference(init, scope, depth + 1);
}

/** The initializer of `const x = ...` (or a `let` never reassigned). */
function constantValue(id: TSESTree.Identifier, scope: TSESLint.Scope.Scope): TSESTree.Expression | undefined {
  const variable = findVariable(scope, id);
  const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
  if (def?.node.type !== AST_NODE_TYPES.VariableDeclarator || def.node.id !== def.name || !def.node.init) return undefined;
  if (variable?.references.some(ref => ref.isWrite() && !ref.init)) return undefined;
  return def.node.init;
}

function isImportMetaMember(expr: TSESTree.MemberExpression): boolean {
  if (expr.object.type !== AST_NODE_TYPES.MetaProperty || expr.object.meta.name !== 'import') return false;
  const name = getPropertyName(expr);
  return name === 'url' || name === 'filename';
}

function isProcessArgv1(expr: TSESTree.MemberExpression): boolean {
  return (
    expr.computed &&
    expr.property.type === AST_NODE_TYPES.Literal &&
    expr.property.value === 1 &&
    expr.object.type === AST_NODE_TYPES.MemberExpression &&
    isNamed(expr.object.object, 'process') &&
    getPropertyName(expr.object) === 'argv'
  );
}

/** `name` or `anything.name`, e.g. `fileURLToPath` and `url.fileURLToPath`. */
function isNamed(node: TSESTree.Node, name: string): boolean {
  if (node.type === AST_NODE_TYPES.Identifier) return node.name === name;
  return node.type === AST_NODE_TYPES.MemberExpression && getPropertyName(node) === name;
}
