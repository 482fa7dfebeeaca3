/**
 * Primary/worker guard analysis: which side of a self-fork a node runs on.
 *
 * After a self-fork the same file runs in the parent and in each child; a
 * guard (`cluster.isPrimary`, `isMainThread`, `parentPort`, `process.send`,
 * ...) splits the file into a parent side and a child side. Like ESLint's
 * `no-this-before-super` this reasons about the branches that lead to a node,
 * but structurally: the enclosing `if`/`?:`/`&&`/`||` branches, and earlier
 * `if (guard) { ...; return }` exits in the same statement list. Anything not
 * behind a guard is 'shared'.
 *
 * Some guards only mean something next to this file's self-forks: a child
 * argument or environment entry read back from `process.argv` or
 * `process.env` (`fork(__filename, ['worker'])` then `process.argv[2] ===
 * 'worker'`). A call of a local function whose body only
 * returns a guard (`isPrimaryProcess()`) is that guard.
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { ReferenceTracker, findVariable, getPropertyName } from '@typescript-eslint/utils/ast-utils';
import { innermostScope, localFunctionOf, unwrap, type FunctionNode } from './ast';
import { analyzeForks } from './fork-sites';
import { iterateModuleReferences, type ParsedSource, type TraceMap } from './module-references';

export type Position = 'shared' | 'parent' | 'child';
type Side = Exclude<Position, 'shared'>;

/** The side a condition proves when it is truthy, and when it is falsy. */
interface Guard {
  whenTrue?: Side;
  whenFalse?: Side;
}

export interface GuardAnalysis {
  /** The side of the fork `node` runs on; 'shared' when both run it. */
  positionOf(node: TSESTree.Node): Position;
  /** Whether `condition` tells the parent from the child, e.g. `!cluster.isPrimary`. */
  isGuard(condition: TSESTree.Node): boolean;
}

export function analyzeGuards(sourceCode: ParsedSource): GuardAnalysis {
  let cached = guardCache.get(sourceCode);
  if (!cached) {
    cached = new GuardReasoner(sourceCode);
    guardCache.set(sourceCode, cached);
  }
  return cached;
}

const guardCache = new WeakMap<ParsedSource, GuardAnalysis>();

const PARENT_WHEN_TRUE: Guard = { whenTrue: 'parent', whenFalse: 'child' };
const CHILD_WHEN_TRUE: Guard = { whenTrue: 'child', whenFalse: 'parent' };
/**
 * `workerData` is null on the main thread, and whatever the parent passed
 * (perhaps undefined) in a worker: truthy proves a worker, falsy nothing.
 */
const WORKER_DATA: Guard = { whenTrue: 'child' };

const CLUSTER_FLAGS: Record<string, object> = {
  isPrimary: { [ReferenceTracker.READ]: PARENT_WHEN_TRUE },
  isMaster: { [ReferenceTracker.READ]: PARENT_WHEN_TRUE },
  isWorker: { [ReferenceTracker.READ]: CHILD_WHEN_TRUE },
  worker: { [ReferenceTracker.READ]: CHILD_WHEN_TRUE },
};
const WORKER_THREADS_FLAGS: Record<string, object> = {
  isMainThread: { [ReferenceTracker.READ]: PARENT_WHEN_TRUE },
  // The port to the parent thread: null on the main thread.
  parentPort: { [ReferenceTracker.READ]: CHILD_WHEN_TRUE },
  workerData: { [ReferenceTracker.READ]: WORKER_DATA },
};

const TRACE_MAP: TraceMap = Object.fromEntries(
  (
    [
      ['cluster', CLUSTER_FLAGS],
      ['worker_threads', WORKER_THREADS_FLAGS],
    ] as const
  ).flatMap(([name, flags]) => {
    const map = { ...flags, default: flags };
    return [
      [name, map],
      [`node:${name}`, map],
    ];
  }),
);

class GuardReasoner implements GuardAnalysis {
  private readonly sources = new Map<TSESTree.Node, Guard>();
  private readonly guardMemo = new Map<TSESTree.Node, Guard | undefined>();
  /** The string arguments and `NAME=value` environment entries this file's self-forks give the child. */
  private readonly childArguments: ReadonlySet<string>;
  private readonly childEnvironment: ReadonlySet<string>;

  constructor(private readonly sourceCode: ParsedSource) {
    ({ childArguments: this.childArguments, childEnvironment: this.childEnvironment } = analyzeForks(sourceCode));
    for (const { node, info } of iterateModuleReferences<Guard>(sourceCode, TRACE_MAP)) {
      this.sources.set(node, info);
    }
  }

  isGuard(condition: TSESTree.Node): boolean {
    const guard = this.guardOf(condition);
    return guard?.whenTrue !== undefined || guard?.whenFalse !== undefined;
  }

  positionOf(node: TSESTree.Node): Position {
    let child = node;
    for (let parent = node.parent; parent; child = parent, parent = parent.parent) {
      const side = this.sideFromParent(child, parent);
      if (side) return side;
    }
    return 'shared';
  }

  /** The side proven by `parent` for its part `child`, if any. */
  private sideFromParent(child: TSESTree.Node, parent: TSESTree.Node): Side | undefined {
    switch (parent.type) {
      case AST_NODE_TYPES.IfStatement:
      case AST_NODE_TYPES.ConditionalExpression:
        if (child === parent.consequent) return this.guardOf(parent.test)?.whenTrue;
        if (child === parent.alternate) return this.guardOf(parent.test)?.whenFalse;
        return undefined;
      case AST_NODE_TYPES.LogicalExpression:
        if (child !== parent.right) return undefined;
        if (parent.operator === '&&') return this.guardOf(parent.left)?.whenTrue;
        if (parent.operator === '||') return this.guardOf(parent.left)?.whenFalse;
        return undefined;
      case AST_NODE_TYPES.Program:
      case AST_NODE_TYPES.BlockStatement:
      case AST_NODE_TYPES.StaticBlock:
        return this.sideAfterEarlyExit(parent.body, child);
      case AST_NODE_TYPES.SwitchCase:
        return this.sideAfterEarlyExit(parent.consequent, child);
      default:
        return undefined;
    }
  }

  /** `if (guard) { ...; return }` before `child` leaves only the other side. */
  private sideAfterEarlyExit(statements: readonly TSESTree.Node[], child: TSESTree.Node): Side | undefined {
    const index = statements.indexOf(child);
    for (let i = index - 1; i >= 0; i--) {
      const statement = statements[i];
      if (statement.type !== AST_NODE_TYPES.IfStatement) continue;
      const thenExits = exits(statement.consequent);
      const elseExits = statement.alternate != null && exits(statement.alternate);
      if (thenExits === elseExits) continue;
      const guard = this.guardOf(statement.test);
      const side = thenExits ? guard?.whenFalse : guard?.whenTrue;
      if (side) return side;
    }
    return undefined;
  }

  private guardOf(expression: TSESTree.Node, depth = 0): Guard | undefined {
    if (depth > 8) return undefined;
    const node = unwrap(expression);
    if (this.guardMemo.has(node)) return this.guardMemo.get(node);
    this.guardMemo.set(node, undefined); // cycles through aliases end here
    const guard = this.computeGuard(node, depth);
    this.guardMemo.set(node, guard);
    return guard;
  }

  private computeGuard(node: TSESTree.Node, depth: number): Guard | undefined {
    const tracked = this.sources.get(node);
    if (tracked) return tracked;
    switch (node.type) {
      case AST_NODE_TYPES.Identifier:
        return this.guardOfAlias(node, depth);
      case AST_NODE_TYPES.MemberExpression:
        return isProcessChildSignal(node) ? CHILD_WHEN_TRUE : undefined;
      case AST_NODE_TYPES.UnaryExpression:
        return node.operator === '!' ? negate(this.guardOf(node.argument, depth + 1)) : undefined;
      case AST_NODE_TYPES.LogicalExpression:
        return this.guardOfLogical(node, depth);
      case AST_NODE_TYPES.BinaryExpression:
        return this.guardOfComparison(node, depth);
      case AST_NODE_TYPES.CallExpression:
        return this.guardOfCall(node, depth);
      default:
        return undefined;
    }
  }

  /** `const { isPrimary } = cluster`, `const isMain = cluster.isPrimary`, `import { isMainThread }`. */
  private guardOfAlias(id: TSESTree.Identifier, depth: number): Guard | undefined {
    const variable = findVariable(innermostScope(this.sourceCode, id), id);
    if (!variable || variable.defs.length !== 1) return undefined;
    if (variable.references.some(ref => ref.isWrite() && !ref.init)) return undefined;
    const def = variable.defs[0];
    if (def.type === 'ImportBinding') return this.sources.get(def.node);
    if (def.node.type !== AST_NODE_TYPES.VariableDeclarator) return undefined;
    let binding: TSESTree.Node = def.name;
    if (binding.parent?.type === AST_NODE_TYPES.AssignmentPattern) binding = binding.parent;
    if (binding.parent?.type === AST_NODE_TYPES.Property) return this.sources.get(binding.parent);
    if (def.node.id === def.name && def.node.init) return this.guardOf(def.node.init, depth + 1);
    return undefined;
  }

  /** `process.argv.includes('--child')`, and `isPrimaryProcess()` whose body returns a guard. */
  private guardOfCall(call: TSESTree.CallExpression, depth: number): Guard | undefined {
    const callee = unwrap(call.callee);
    if (callee.type === AST_NODE_TYPES.MemberExpression && getPropertyName(callee) === 'includes') {
      return isProcessArgv(callee.object) && this.isChildArgument(call.arguments[0]) ? CHILD_WHEN_TRUE : undefined;
    }
    if (call.arguments.length > 0) return undefined;
    const returned = returnedGuardCandidate(localFunctionOf(callee, innermostScope(this.sourceCode, call)));
    return returned && this.guardOf(returned, depth + 1);
  }

  /** A string literal that a self-fork in this file passes as a child argument. */
  private isChildArgument(node: TSESTree.Node | undefined): boolean {
    return node?.type === AST_NODE_TYPES.Literal && typeof node.value === 'string' && this.childArguments.has(node.value);
  }

  /** `process.argv[2]` or `process.env.ROLE` compared with a value a self-fork hands the child. */
  private readsChildValue(subject: TSESTree.Node, value: TSESTree.Node): boolean {
    if (value.type !== AST_NODE_TYPES.Literal || typeof value.value !== 'string') return false;
    const target = unwrap(subject);
    if (isProcessArgvElement(target)) return this.childArguments.has(value.value);
    return (
      target.type === AST_NODE_TYPES.MemberExpression &&
      isProcessEnv(target.object) &&
      this.childEnvironment.has(`${getPropertyName(target)}=${value.value}`)
    );
  }

  /** `workerData.role` or `workerData?.role`: a field of the data a worker was given. */
  private isWorkerDataField(node: TSESTree.Node, depth: number): boolean {
    const target = unwrap(node);
    return target.type === AST_NODE_TYPES.MemberExpression && this.guardOf(target.object, depth + 1) === WORKER_DATA;
  }

  private guardOfLogical(node: TSESTree.LogicalExpression, depth: number): Guard | undefined {
    const left = this.guardOf(node.left, depth + 1);
    const right = this.guardOf(node.right, depth + 1);
    if (!left && !right) return undefined;
    if (node.operator === '&&') {
      return {
        whenTrue: left?.whenTrue ?? right?.whenTrue,
        whenFalse: left?.whenFalse === right?.whenFalse ? left?.whenFalse : undefined,
      };
    }
    if (node.operator === '||') {
      return {
        whenTrue: left?.whenTrue === right?.whenTrue ? left?.whenTrue : undefined,
        whenFalse: left?.whenFalse ?? right?.whenFalse,
      };
    }
    return undefined;
  }

  /**
   * `typeof process.send === 'function'`, `isPrimary === false`, `x !== undefined`,
   * `'NODE_UNIQUE_ID' in process.env`, `process.argv[2] === 'worker'` (a child
   * argument), `process.env.ROLE === 'child'` (a child environment entry),
   * `workerData.role === 'reader'`.
   */
  private guardOfComparison(node: TSESTree.BinaryExpression, depth: number): Guard | undefined {
    if (node.operator === 'in') {
      const key = node.left.type === AST_NODE_TYPES.Literal ? node.left.value : undefined;
      return key === 'NODE_UNIQUE_ID' && isProcessEnv(node.right) ? CHILD_WHEN_TRUE : undefined;
    }
    const equality = node.operator === '===' || node.operator === '==';
    if (!equality && node.operator !== '!==' && node.operator !== '!=') return undefined;
    const [subject, other] = isComparand(node.right) ? [node.left, node.right] : [node.right, node.left];
    let guard: Guard | undefined;
    if (subject.type === AST_NODE_TYPES.UnaryExpression && subject.operator === 'typeof') {
      const type = other.type === AST_NODE_TYPES.Literal ? other.value : undefined;
      const inner = this.guardOf(subject.argument, depth + 1);
      guard = type === 'undefined' ? negate(inner) : type === 'string' || type === 'function' ? inner : undefined;
    } else if (this.readsChildValue(subject, other)) {
      guard = CHILD_WHEN_TRUE;
    } else if (isNonNullLiteral(other) && this.isWorkerDataField(subject, depth)) {
      // Equal to a value only if the worker was given one; the main thread's workerData is null.
      guard = { whenTrue: 'child' };
    } else if (other.type === AST_NODE_TYPES.Literal && typeof other.value === 'boolean') {
      const inner = this.guardOf(subject, depth + 1);
      guard = other.value ? inner : negate(inner);
    } else if (isNullish(other)) {
      guard = negate(this.guardOf(subject, depth + 1));
    }
    return equality ? guard : negate(guard);
  }
}

function negate(guard: Guard | undefined): Guard | undefined {
  return guard && { whenTrue: guard.whenFalse, whenFalse: guard.whenTrue };
}

function isComparand(node: TSESTree.Node): boolean {
  return node.type === AST_NODE_TYPES.Literal || isNullish(node);
}

function isNonNullLiteral(node: TSESTree.Node): boolean {
  return node.type === AST_NODE_TYPES.Literal && node.value !== null;
}

function isNullish(node: TSESTree.Node): boolean {
  return (
    (node.type === AST_NODE_TYPES.Literal && node.value === null) ||
    (node.type === AST_NODE_TYPES.Identifier && node.name === 'undefined')
  );
}

/** `process.send` exists only in a forked child; `NODE_UNIQUE_ID` only in a cluster worker. */
function isProcessChildSignal(node: TSESTree.MemberExpression): boolean {
  const name = getPropertyName(node);
  if (name === 'send') return isGlobalProcess(node.object);
  return name === 'NODE_UNIQUE_ID' && isProcessEnv(node.object);
}

function isProcessEnv(node: TSESTree.Node): boolean {
  const target = unwrap(node);
  return (
    target.type === AST_NODE_TYPES.MemberExpression &&
    getPropertyName(target) === 'env' &&
    isGlobalProcess(target.object)
  );
}

/** `process.argv` */
function isProcessArgv(node: TSESTree.Node): boolean {
  const target = unwrap(node);
  return (
    target.type === AST_NODE_TYPES.MemberExpression && getPropertyName(target) === 'argv' && isGlobalProcess(target.object)
  );
}

/** `process.argv[2]` */
function isProcessArgvElement(node: TSESTree.Node): boolean {
  const target = unwrap(node);
  return (
    target.type === AST_NODE_TYPES.MemberExpression &&
    target.computed &&
    target.property.type === AST_NODE_TYPES.Literal &&
    typeof target.property.value === 'number' &&
    isProcessArgv(target.object)
  );
}

/**
 * What a helper such as `function isPrimaryProcess() { return cluster.isPrimary }`
 * or `() => cluster.isPrimary` returns, when its whole body is that one return.
 * An async function or a generator returns an object, always truthy.
 */
function returnedGuardCandidate(fn: FunctionNode | undefined): TSESTree.Node | undefined {
  if (!fn || fn.async || fn.generator) return undefined;
  if (fn.body.type !== AST_NODE_TYPES.BlockStatement) return fn.body;
  const [only] = fn.body.body;
  return fn.body.body.length === 1 && only.type === AST_NODE_TYPES.ReturnStatement ? (only.argument ?? undefined) : undefined;
}

function isGlobalProcess(node: TSESTree.Node): boolean {
  const target = unwrap(node);
  return target.type === AST_NODE_TYPES.Identifier && target.name === 'process';
}

/**
 * Whether control never continues past `statement`: return, throw,
 * `process.exit()`. An expression (the right of `guard || process.exit()`)
 * exits when it is that call.
 */
export function exits(statement: TSESTree.Node): boolean {
  switch (statement.type) {
    case AST_NODE_TYPES.ReturnStatement:
    case AST_NODE_TYPES.ThrowStatement:
      return true;
    case AST_NODE_TYPES.ExpressionStatement:
      return exits(unwrap(statement.expression));
    case AST_NODE_TYPES.CallExpression:
      return (
        statement.callee.type === AST_NODE_TYPES.MemberExpression &&
        isGlobalProcess(statement.callee.object) &&
        getPropertyName(statement.callee) === 'exit'
      );
    case AST_NODE_TYPES.BlockStatement:
      return statement.body.some(exits);
    case AST_NODE_TYPES.IfStatement:
      return exits(statement.consequent) && statement.alternate != null && exits(statement.alternate);
    default:
      return false;
  }
}
