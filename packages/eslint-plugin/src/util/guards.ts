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
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { ReferenceTracker, findVariable, getPropertyName } from '@typescript-eslint/utils/ast-utils';
import { innermostScope, unwrap } from './ast';
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

  constructor(private readonly sourceCode: ParsedSource) {
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

  /** `typeof process.send === 'function'`, `isPrimary === false`, `x !== undefined`, `'NODE_UNIQUE_ID' in process.env`. */
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

function isGlobalProcess(node: TSESTree.Node): boolean {
  const target = unwrap(node);
  return target.type === AST_NODE_TYPES.Identifier && target.name === 'process';
}

/** Whether control never continues past `statement`: return, throw, `process.exit()`. */
function exits(statement: TSESTree.Statement): boolean {
  switch (statement.type) {
    case AST_NODE_TYPES.ReturnStatement:
    case AST_NODE_TYPES.ThrowStatement:
      return true;
    case AST_NODE_TYPES.ExpressionStatement: {
      const expr = unwrap(statement.expression);
      return (
        expr.type === AST_NODE_TYPES.CallExpression &&
        expr.callee.type === AST_NODE_TYPES.MemberExpression &&
        isGlobalProcess(expr.callee.object) &&
        getPropertyName(expr.callee) === 'exit'
      );
    }
    case AST_NODE_TYPES.BlockStatement:
      return statement.body.some(exits);
    case AST_NODE_TYPES.IfStatement:
      return exits(statement.consequent) && statement.alternate != null && exits(statement.alternate);
    default:
      return false;
  }
}
