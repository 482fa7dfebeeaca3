/**
 * Primary/worker guard analysis: which side of a self-fork a node runs on.
 *
 * After a self-fork the same file runs in the parent and in each child; a
 * guard (`cluster.isPrimary`, `isMainThread`, `parentPort`, `process.send`,
 * ...) splits the file into a parent side and a child side. Like ESLint's
 * `no-this-before-super` this reasons about the branches that lead to a node,
 * but structurally: the enclosing `if`/`?:`/`&&`/`||` branches, `switch`
 * cases (switch-entries), and earlier `if (guard) { ...; return }` exits in
 * the same statement list. Anything not behind a guard is 'shared'.
 *
 * A guard tells apart the parent and the children of some kinds of fork only:
 * `cluster.isPrimary` is true in a `child_process.fork()` child and in a
 * worker thread too, `isMainThread` is true in a cluster worker, and a worker
 * thread has `process.send` if its process has. So sides are worked out per
 * fork kind, each with the guards that hold for it (`process.send` for
 * `child_process` and `cluster`, whose workers have an IPC channel too).
 *
 * Some guards only mean something next to this file's self-forks: a child
 * argument or environment entry read back from `process.argv` or
 * `process.env` (`fork(__filename, ['worker'])` then `process.argv[2] ===
 * 'worker'`). A call of a local function whose body only
 * returns a guard (`isPrimaryProcess()`) is that guard.
 *
 * A test that proves the parent one way only (`process.env.CLUSTER === '1'
 * && cluster.isPrimary` when true, `!cluster.isPrimary || workers === 1`
 * when false) proves nothing the other way, except beside the forks: when
 * every self-fork of the file needs the parent's outcome (it sits in that
 * arm, or after `{ fork(); return }`), a process that takes the other arm
 * never forks, so that arm runs in children and in processes that fork
 * nothing, never in a parent. That holds when the branch runs once per run
 * of its function: not in a loop or an array method's callback, which may
 * take both arms in one process.
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { ReferenceTracker, findVariable, getPropertyName } from '@typescript-eslint/utils/ast-utils';
import { exits, innermostScope, isConstantBinding, localFunctionOf, unwrap, within, type FunctionNode } from './ast';
import { analyzeForks, type ForkKind } from './fork-sites';
import { iterateModuleReferences, type ParsedSource, type TraceMap } from './module-references';
import { processMemberPath } from './process-members';
import { caseEntries } from './switch-entries';
import { callbackInvocation } from './sync-callbacks';

export type Position = 'shared' | 'parent' | 'child';
type Side = Exclude<Position, 'shared'>;

/** A branch with a true arm and an other arm: `if`/`else`, `?:`. */
type Branch = TSESTree.ConditionalExpression | TSESTree.IfStatement;

/** The side a condition proves when it is truthy, and when it is falsy. */
interface Guard {
  whenTrue?: Side;
  whenFalse?: Side;
  /**
   * The value is an object only the child has, null or undefined in the
   * parent (`cluster.worker`, `parentPort`, `workerData`): a field of it
   * equal to a value (`cluster.worker?.id === 1`) proves the child.
   */
  childObject?: true;
}

/** A guard as the code reads it, with the fork kinds whose parent and child it tells apart. */
interface Signal extends Guard {
  kinds: readonly ForkKind[];
}

export interface GuardAnalysis {
  /**
   * The side of the forks of `kinds` (this file's self-forks) that `node` runs
   * on; 'shared' when a parent and a child both run it.
   */
  positionOf(node: TSESTree.Node, kinds: readonly ForkKind[]): Position;
  /** Whether `condition` tells the parent from the child of a fork of `kinds`, e.g. `!cluster.isPrimary`. */
  isGuard(condition: TSESTree.Node, kinds: readonly ForkKind[]): boolean;
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

/** A statement list's positions, and its `if`s of which exactly one arm exits, in order. */
interface StatementList {
  indexOf: ReadonlyMap<TSESTree.Node, number>;
  earlyExits: readonly EarlyExit[];
}

interface EarlyExit {
  at: number;
  statement: TSESTree.IfStatement;
  thenExits: boolean;
}

const LOOPS: ReadonlySet<AST_NODE_TYPES> = new Set([
  AST_NODE_TYPES.DoWhileStatement,
  AST_NODE_TYPES.ForInStatement,
  AST_NODE_TYPES.ForOfStatement,
  AST_NODE_TYPES.ForStatement,
  AST_NODE_TYPES.WhileStatement,
]);

const PARENT_WHEN_TRUE: Guard = { whenTrue: 'parent', whenFalse: 'child' };
const CHILD_WHEN_TRUE: Guard = { whenTrue: 'child', whenFalse: 'parent' };

const CLUSTER_PRIMARY: Signal = { ...PARENT_WHEN_TRUE, kinds: ['cluster'] };
const CLUSTER_WORKER: Signal = { ...CHILD_WHEN_TRUE, kinds: ['cluster'] };
/** `cluster.worker`: the worker's own Worker object, undefined in the primary. */
const CLUSTER_WORKER_OBJECT: Signal = { ...CLUSTER_WORKER, childObject: true };
const MAIN_THREAD: Signal = { ...PARENT_WHEN_TRUE, kinds: ['worker_threads'] };
/** The port to the parent thread: null on the main thread. */
const PARENT_PORT: Signal = { ...CHILD_WHEN_TRUE, childObject: true, kinds: ['worker_threads'] };
/**
 * `workerData` is null on the main thread, and whatever the parent passed
 * (perhaps undefined) in a worker: truthy proves a worker, falsy nothing.
 */
const WORKER_DATA: Signal = { whenTrue: 'child', childObject: true, kinds: ['worker_threads'] };
/** The IPC channel: a forked child and a cluster worker have one; a worker thread shares its process's. */
const PROCESS_SEND: Signal = { ...CHILD_WHEN_TRUE, kinds: ['child_process', 'cluster'] };
/** Set by cluster for its workers; a process without it may still be a forked child. */
const NODE_UNIQUE_ID: Signal = CLUSTER_WORKER;
/** Only `child_process.fork()` arguments are collected as child arguments. */
const CHILD_ARGUMENT: Signal = { ...CHILD_WHEN_TRUE, kinds: ['child_process'] };
/** Environment entries come from every kind of self-fork (`cluster.fork(env)`, `{ env }` options). */
const CHILD_ENVIRONMENT: Signal = { ...CHILD_WHEN_TRUE, kinds: ['child_process', 'cluster', 'worker_threads'] };

const CLUSTER_FLAGS: Record<string, object> = {
  isPrimary: { [ReferenceTracker.READ]: CLUSTER_PRIMARY },
  isMaster: { [ReferenceTracker.READ]: CLUSTER_PRIMARY },
  isWorker: { [ReferenceTracker.READ]: CLUSTER_WORKER },
  worker: { [ReferenceTracker.READ]: CLUSTER_WORKER_OBJECT },
};
const WORKER_THREADS_FLAGS: Record<string, object> = {
  isMainThread: { [ReferenceTracker.READ]: MAIN_THREAD },
  parentPort: { [ReferenceTracker.READ]: PARENT_PORT },
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
  private readonly sources = new Map<TSESTree.Node, Signal>();
  private readonly guardMemo = new Map<ForkKind, Map<TSESTree.Node, Guard | undefined>>();
  private readonly statementLists = new WeakMap<readonly TSESTree.Node[], StatementList>();
  /** The outcome of a branch's test that every self-fork needs, or null when the forks need none. */
  private readonly forkingOutcomes = new WeakMap<Branch, boolean | null>();
  /** The string arguments and `NAME=value` environment entries this file's self-forks give the child. */
  private readonly childArguments: ReadonlySet<string>;
  private readonly childEnvironment: ReadonlySet<string>;
  private readonly selfForks: readonly TSESTree.Node[];

  constructor(private readonly sourceCode: ParsedSource) {
    const forks = analyzeForks(sourceCode);
    ({ childArguments: this.childArguments, childEnvironment: this.childEnvironment } = forks);
    this.selfForks = forks.selfForks.map(site => site.node);
    for (const { node, info } of iterateModuleReferences<Signal>(sourceCode, TRACE_MAP)) {
      this.sources.set(node, info);
    }
  }

  isGuard(condition: TSESTree.Node, kinds: readonly ForkKind[]): boolean {
    return kinds.some(kind => {
      const guard = this.guardOf(condition, kind);
      return guard?.whenTrue !== undefined || guard?.whenFalse !== undefined;
    });
  }

  /**
   * A node on the child side of one kind never runs in the parent. Otherwise
   * it runs in the parent, and in the children of any kind it is shared with.
   */
  positionOf(node: TSESTree.Node, kinds: readonly ForkKind[]): Position {
    const positions = kinds.map(kind => this.positionFor(node, kind));
    if (positions.includes('child')) return 'child';
    return positions.length === 0 || positions.includes('shared') ? 'shared' : 'parent';
  }

  private positionFor(node: TSESTree.Node, kind: ForkKind): Position {
    let child = node;
    for (let parent = node.parent; parent; child = parent, parent = parent.parent) {
      const side = this.sideFromParent(child, parent, kind);
      if (side) return side;
    }
    return 'shared';
  }

  /** The side proven by `parent` for its part `child`, if any. */
  private sideFromParent(child: TSESTree.Node, parent: TSESTree.Node, kind: ForkKind): Side | undefined {
    switch (parent.type) {
      case AST_NODE_TYPES.IfStatement:
      case AST_NODE_TYPES.ConditionalExpression:
        if (child === parent.consequent) return this.sideOfArm(parent, true, kind);
        if (child === parent.alternate) return this.sideOfArm(parent, false, kind);
        return undefined;
      case AST_NODE_TYPES.LogicalExpression:
        if (child !== parent.right) return undefined;
        if (parent.operator === '&&') return this.guardOf(parent.left, kind)?.whenTrue;
        if (parent.operator === '||') return this.guardOf(parent.left, kind)?.whenFalse;
        return undefined;
      case AST_NODE_TYPES.Program:
      case AST_NODE_TYPES.BlockStatement:
      case AST_NODE_TYPES.StaticBlock:
        return this.sideAfterEarlyExit(parent.body, child, kind);
      case AST_NODE_TYPES.SwitchCase:
        if (child === parent.test) return undefined;
        return this.sideAfterEarlyExit(parent.consequent, child, kind) ?? this.sideOfCase(parent, kind);
      default:
        return undefined;
    }
  }

  /** `if (guard) { ...; return }` before `child` leaves only the other side. */
  private sideAfterEarlyExit(statements: readonly TSESTree.Node[], child: TSESTree.Node, kind: ForkKind): Side | undefined {
    const { indexOf, earlyExits } = this.statementList(statements);
    const index = indexOf.get(child) ?? -1;
    for (let i = earlyExits.length - 1; i >= 0; i--) {
      const { at, statement, thenExits } = earlyExits[i];
      if (at >= index) continue;
      const side = this.sideOfArm(statement, !thenExits, kind);
      if (side) return side;
    }
    return undefined;
  }

  /**
   * The side of the code a branch runs when its test comes out `outcome`:
   * what the test proves then, or the child side when the test proves the
   * parent only the other way and every self-fork needs that other outcome.
   */
  private sideOfArm(branch: Branch, outcome: boolean, kind: ForkKind): Side | undefined {
    const guard = this.guardOf(branch.test, kind);
    const proven = outcome ? guard?.whenTrue : guard?.whenFalse;
    if (proven) return proven;
    const otherwise = outcome ? guard?.whenFalse : guard?.whenTrue;
    return otherwise === 'parent' && this.forkingOutcome(branch) === !outcome ? 'child' : undefined;
  }

  /**
   * The outcome of the branch's test that every self-fork of the file needs:
   * each sits in that outcome's arm, or after the branch in its statement
   * list when the other arm exits (`if (A && cluster.isPrimary) { fork();
   * return }`). Null when the forks need no one outcome, or when the branch
   * may run more than once per run of its function, taking both arms.
   */
  private forkingOutcome(branch: Branch): boolean | null {
    let outcome = this.forkingOutcomes.get(branch);
    if (outcome === undefined) {
      const needs = (value: boolean) => this.selfForks.every(fork => this.runsOnlyOn(branch, value, fork));
      outcome = this.selfForks.length === 0 || this.mayRepeat(branch) ? null : needs(true) ? true : needs(false) ? false : null;
      this.forkingOutcomes.set(branch, outcome);
    }
    return outcome;
  }

  /** Whether `node` runs only when the branch's test comes out `outcome`. */
  private runsOnlyOn(branch: Branch, outcome: boolean, node: TSESTree.Node): boolean {
    const arm = outcome ? branch.consequent : branch.alternate;
    const other = outcome ? branch.alternate : branch.consequent;
    if (arm && within(arm, node)) return true;
    if (branch.type !== AST_NODE_TYPES.IfStatement || !other || !exits(other)) return false;
    return isLaterInList(branch, node);
  }

  /** Whether `node` may run more than once per run of its function: in a loop, or in an array method's callback. */
  private mayRepeat(node: TSESTree.Node): boolean {
    for (let current = node.parent; current; current = current.parent) {
      if (LOOPS.has(current.type)) return true;
      if (current.type === AST_NODE_TYPES.FunctionDeclaration) return false;
      if (current.type !== AST_NODE_TYPES.ArrowFunctionExpression && current.type !== AST_NODE_TYPES.FunctionExpression) {
        continue;
      }
      // An IIFE runs once where it stands; a callback runs where its call does, once or for each element.
      const isIife = current.parent?.type === AST_NODE_TYPES.CallExpression && current.parent.callee === current;
      const invocation = isIife ? undefined : callbackInvocation(current, this.sourceCode);
      if (invocation?.repeats) return true;
      if (!isIife && !invocation) return false;
    }
    return false;
  }

  /**
   * The positions of a statement list and its `if`s with one exiting arm,
   * worked out once per list: every node of a long file asks about the lists
   * above it, and scanning them each time would be quadratic.
   */
  private statementList(statements: readonly TSESTree.Node[]): StatementList {
    let list = this.statementLists.get(statements);
    if (!list) {
      const indexOf = new Map<TSESTree.Node, number>();
      const earlyExits: EarlyExit[] = [];
      statements.forEach((statement, at) => {
        indexOf.set(statement, at);
        if (statement.type !== AST_NODE_TYPES.IfStatement) return;
        const thenExits = exits(statement.consequent);
        const elseExits = statement.alternate != null && exits(statement.alternate);
        if (thenExits !== elseExits) earlyExits.push({ at, statement, thenExits });
      });
      list = { indexOf, earlyExits };
      this.statementLists.set(statements, list);
    }
    return list;
  }

  /**
   * A case runs on one side when every way into it proves that side: a test
   * matching the discriminant (`case true:` under `switch (cluster.isPrimary)`,
   * `case isMainThread:` under `switch (true)`), read as `discriminant ===
   * test`; or, for `default`, every test failing, which proves the side the
   * failure of any one test proves.
   */
  private sideOfCase(switchCase: TSESTree.SwitchCase, kind: ForkKind): Side | undefined {
    const { discriminant, cases } = switchCase.parent;
    const { matches, noMatch } = caseEntries(switchCase);
    const caseGuard = (test: TSESTree.Node) => this.guardOfEquality(discriminant, test, kind, 0);
    const sides = matches.map(test => caseGuard(test)?.whenTrue);
    if (noMatch) {
      const proven = new Set<Side>();
      for (const other of cases) {
        const side = other.test && caseGuard(other.test)?.whenFalse;
        if (side) proven.add(side);
      }
      sides.push(proven.size === 1 ? [...proven][0] : undefined);
    }
    return sides.length > 0 && sides.every(side => side === sides[0]) ? sides[0] : undefined;
  }

  private guardOf(expression: TSESTree.Node, kind: ForkKind, depth = 0): Guard | undefined {
    if (depth > 8) return undefined;
    const node = unwrap(expression);
    let memo = this.guardMemo.get(kind);
    if (!memo) {
      memo = new Map();
      this.guardMemo.set(kind, memo);
    }
    if (memo.has(node)) return memo.get(node);
    memo.set(node, undefined); // cycles through aliases end here
    const guard = this.computeGuard(node, kind, depth);
    memo.set(node, guard);
    return guard;
  }

  private computeGuard(node: TSESTree.Node, kind: ForkKind, depth: number): Guard | undefined {
    const tracked = this.sources.get(node);
    if (tracked) return forKind(tracked, kind);
    switch (node.type) {
      case AST_NODE_TYPES.Identifier:
        return this.guardOfAlias(node, kind, depth) ?? this.processSignal(node, kind);
      case AST_NODE_TYPES.MemberExpression:
        return this.processSignal(node, kind);
      case AST_NODE_TYPES.UnaryExpression:
        return node.operator === '!' ? negate(this.guardOf(node.argument, kind, depth + 1)) : undefined;
      case AST_NODE_TYPES.LogicalExpression:
        return this.guardOfLogical(node, kind, depth);
      case AST_NODE_TYPES.BinaryExpression:
        return this.guardOfComparison(node, kind, depth);
      case AST_NODE_TYPES.CallExpression:
        return this.guardOfCall(node, kind, depth);
      default:
        return undefined;
    }
  }

  /** `const { isPrimary } = cluster`, `const isMain = cluster.isPrimary`, `import { isMainThread }`. */
  private guardOfAlias(id: TSESTree.Identifier, kind: ForkKind, depth: number): Guard | undefined {
    const variable = findVariable(innermostScope(this.sourceCode, id), id);
    if (!isConstantBinding(variable)) return undefined;
    const def = variable.defs[0];
    if (def.type === 'ImportBinding') return forKind(this.sources.get(def.node), kind);
    if (def.node.type !== AST_NODE_TYPES.VariableDeclarator) return undefined;
    let binding: TSESTree.Node = def.name;
    if (binding.parent?.type === AST_NODE_TYPES.AssignmentPattern) binding = binding.parent;
    if (binding.parent?.type === AST_NODE_TYPES.Property) return forKind(this.sources.get(binding.parent), kind);
    if (def.node.id === def.name && def.node.init) return this.guardOf(def.node.init, kind, depth + 1);
    return undefined;
  }

  /** `process.send` and `process.env.NODE_UNIQUE_ID`, or an alias of them (`const { send } = process`). */
  private processSignal(node: TSESTree.Node, kind: ForkKind): Guard | undefined {
    const member = this.memberPath(node);
    if (member === 'send') return forKind(PROCESS_SEND, kind);
    return member === 'env.NODE_UNIQUE_ID' ? forKind(NODE_UNIQUE_ID, kind) : undefined;
  }

  /** `process.argv.includes('--child')`, and `isPrimaryProcess()` whose body returns a guard. */
  private guardOfCall(call: TSESTree.CallExpression, kind: ForkKind, depth: number): Guard | undefined {
    const callee = unwrap(call.callee);
    if (callee.type === AST_NODE_TYPES.MemberExpression && getPropertyName(callee) === 'includes') {
      const readsArgv = this.memberPath(callee.object) === 'argv';
      return readsArgv && this.isChildArgument(call.arguments[0]) ? forKind(CHILD_ARGUMENT, kind) : undefined;
    }
    if (call.arguments.length > 0) return undefined;
    const returned = returnedGuardCandidate(localFunctionOf(callee, innermostScope(this.sourceCode, call)));
    return returned && this.guardOf(returned, kind, depth + 1);
  }

  /** A string literal that a self-fork in this file passes as a child argument. */
  private isChildArgument(node: TSESTree.Node | undefined): boolean {
    return node?.type === AST_NODE_TYPES.Literal && typeof node.value === 'string' && this.childArguments.has(node.value);
  }

  /** `process.argv[2]` or `process.env.ROLE` compared with a value a self-fork hands the child. */
  private childValueSignal(subject: TSESTree.Node, value: TSESTree.Node): Signal | undefined {
    if (value.type !== AST_NODE_TYPES.Literal || typeof value.value !== 'string') return undefined;
    const [base, name, ...rest] = processMemberPath(this.sourceCode, subject) ?? [];
    if (name === undefined || rest.length > 0) return undefined;
    if (base === 'argv') return /^\d+$/.test(name) && this.childArguments.has(value.value) ? CHILD_ARGUMENT : undefined;
    return base === 'env' && this.childEnvironment.has(`${name}=${value.value}`) ? CHILD_ENVIRONMENT : undefined;
  }

  /** The dotted path below `process` that `node` reads, e.g. `'env'`, or undefined. */
  private memberPath(node: TSESTree.Node): string | undefined {
    return processMemberPath(this.sourceCode, node)?.join('.');
  }

  /** `workerData?.role`, `cluster.worker.id`: a field of an object that only the child has. */
  private isChildObjectField(node: TSESTree.Node, kind: ForkKind, depth: number): boolean {
    const target = unwrap(node);
    return (
      target.type === AST_NODE_TYPES.MemberExpression && this.guardOf(target.object, kind, depth + 1)?.childObject === true
    );
  }

  private guardOfLogical(node: TSESTree.LogicalExpression, kind: ForkKind, depth: number): Guard | undefined {
    const left = this.guardOf(node.left, kind, depth + 1);
    const right = this.guardOf(node.right, kind, depth + 1);
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
    // `cluster.isPrimary ?? cluster.isMaster`: truthy like `||`. Falsy means the
    // left is falsy (a nullish left is falsy too), but the right is read only
    // when the left is nullish: a left of `false` or `0` never asks it.
    return {
      whenTrue: left?.whenTrue === right?.whenTrue ? left?.whenTrue : undefined,
      whenFalse: left?.whenFalse,
    };
  }

  /**
   * `typeof process.send === 'function'`, `isPrimary === false`, `x !== undefined`,
   * `'NODE_UNIQUE_ID' in process.env`, `process.argv[2] === 'worker'` (a child
   * argument), `process.env.ROLE === 'child'` (a child environment entry),
   * `workerData.role === 'reader'`, `cluster.worker?.id === 1`.
   */
  private guardOfComparison(node: TSESTree.BinaryExpression, kind: ForkKind, depth: number): Guard | undefined {
    if (node.operator === 'in') {
      const key = node.left.type === AST_NODE_TYPES.Literal ? node.left.value : undefined;
      return key === 'NODE_UNIQUE_ID' && this.memberPath(node.right) === 'env' ? forKind(NODE_UNIQUE_ID, kind) : undefined;
    }
    const equality = node.operator === '===' || node.operator === '==';
    if (!equality && node.operator !== '!==' && node.operator !== '!=') return undefined;
    const guard = this.guardOfEquality(node.left, node.right, kind, depth);
    return equality ? guard : negate(guard);
  }

  /** What `left === right` proves, either way round; a `switch` case is `discriminant === test`. */
  private guardOfEquality(left: TSESTree.Node, right: TSESTree.Node, kind: ForkKind, depth: number): Guard | undefined {
    const [subject, other] = isComparand(right) ? [left, right] : [right, left];
    let guard: Guard | undefined;
    const childValue = this.childValueSignal(subject, other);
    if (subject.type === AST_NODE_TYPES.UnaryExpression && subject.operator === 'typeof') {
      const type = other.type === AST_NODE_TYPES.Literal ? other.value : undefined;
      const inner = this.guardOf(subject.argument, kind, depth + 1);
      guard = type === 'undefined' ? negate(inner) : type === 'string' || type === 'function' ? inner : undefined;
    } else if (childValue) {
      guard = forKind(childValue, kind);
    } else if (isNonNullLiteral(other) && this.isChildObjectField(subject, kind, depth)) {
      // Equal to a value only where the object exists: the parent's is null or undefined.
      guard = { whenTrue: 'child' };
    } else if (other.type === AST_NODE_TYPES.Literal && typeof other.value === 'boolean') {
      const inner = this.guardOf(subject, kind, depth + 1);
      guard = other.value ? inner : negate(inner);
    } else if (isNullish(other)) {
      guard = negate(this.guardOf(subject, kind, depth + 1));
    }
    return guard;
  }
}

/**
 * Whether `node` comes after `statement` in the statement list that holds
 * it, so that it runs only if control gets past `statement`; not in a
 * function declared there, which is hoisted and may be called from anywhere.
 */
function isLaterInList(statement: TSESTree.Statement, node: TSESTree.Node): boolean {
  const list = statement.parent;
  if (!list || node.range[0] < statement.range[1] || !within(list, node)) return false;
  for (let current = node.parent; current && current !== list; current = current.parent) {
    if (current.type === AST_NODE_TYPES.FunctionDeclaration) return false;
  }
  return (
    list.type === AST_NODE_TYPES.BlockStatement ||
    list.type === AST_NODE_TYPES.Program ||
    list.type === AST_NODE_TYPES.StaticBlock ||
    list.type === AST_NODE_TYPES.SwitchCase
  );
}

/** The signal, when it tells apart the parent and the children of a fork of `kind`. */
function forKind(signal: Signal | undefined, kind: ForkKind): Guard | undefined {
  return signal?.kinds.includes(kind) ? signal : undefined;
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
