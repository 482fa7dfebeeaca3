/**
 * What a condition proves about the side of a self-fork it runs on: a guard
 * read directly or through an alias (`const { isPrimary } = cluster`), its
 * negation, `Boolean(guard)`, a comparison (`typeof process.send ===
 * 'function'`, `isPrimary === false`, `cluster.worker?.id === 1`), and
 * `&&`/`||`/`??` of guards and other tests, each proving a side when
 * truthy, when falsy, or both (guard-signals).
 *
 * Some guards only mean something next to this file's self-forks: a child
 * argument or environment entry read back from `process.argv` or
 * `process.env` (`fork(__filename, ['worker'])` then `process.argv[2] ===
 * 'worker'`, or `if (process.env.IS_CHILD)` after `{ env: { IS_CHILD: '1' } }`,
 * or `values.worker` of a `parseArgs` boolean option after `['--worker']`;
 * child-roles, parsed-flags). A call of a local function whose body only returns
 * a guard (`isPrimaryProcess()`) is that guard, and a constant that a guard
 * sets to one of two literals (`const role = cluster.isPrimary ? 'primary' :
 * 'worker'`) compared with one of them (`role === 'primary'`, `switch
 * (role)`) is that guard or its negation. Wherever a literal is compared,
 * a name that cannot change holding one (`PRIMARY`, `Role.Primary`,
 * `ROLES.PRIMARY`) reads as that literal (constant-values). A name imported from a local
 * module is what its export proves there (imported-guards): `isPrimary`
 * after `const { isPrimary } = require('./env')`, where `./env` says
 * `exports.isPrimary = cluster.isPrimary`; so is a call of a function it
 * exports whose body only returns a guard (`isPrimaryProcess()`).
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { findVariable } from '@typescript-eslint/utils/ast-utils';
import { constantInitializer, innermostScope, isConstantBinding, localFunctionOf, unwrap, type FunctionNode } from './ast';
import { ChildRoles } from './child-roles';
import { constantValue, type ConstantValue } from './constant-values';
import { analyzeForks, type ForkAnalysis, type ForkKind } from './fork-sites';
import { NODE_UNIQUE_ID, PROCESS_SEND, findModuleSignals, forKind, negate, type Guard, type Signal } from './guard-signals';
import { calledExport, findExportedFunction } from './exported-functions';
import { importedGuard } from './imported-guards';
import type { ParsedSource } from './module-references';
import { processMemberPath } from './process-members';

/** Aliases, negations and helper calls nested deeper than this are not hand-written code. */
const MAX_DEPTH = 8;

/**
 * The conditions of `sourceCode`, one per file: `file`, its absolute path,
 * lets names imported from local modules be followed.
 */
export function guardConditionsOf(sourceCode: ParsedSource, file?: string): GuardConditions {
  let conditions = conditionsCache.get(sourceCode);
  if (!conditions) {
    conditions = new GuardConditions(sourceCode, analyzeForks(sourceCode, file), file);
    conditionsCache.set(sourceCode, conditions);
  }
  return conditions;
}

const conditionsCache = new WeakMap<ParsedSource, GuardConditions>();

export class GuardConditions {
  /** Where the file reads a `cluster`, `worker_threads` or worker-pool flag (guard-signals). */
  private readonly sources: ReadonlyMap<TSESTree.Node, Signal>;
  private readonly guardMemo = new Map<ForkKind, Map<TSESTree.Node, Guard | undefined>>();
  /** What reading back the arguments and environment this file's self-forks give the child proves. */
  private readonly roles: ChildRoles;

  constructor(
    private readonly sourceCode: ParsedSource,
    forks: ForkAnalysis,
    private readonly file?: string,
  ) {
    this.sources = findModuleSignals(sourceCode);
    this.roles = new ChildRoles(sourceCode, forks);
  }

  /** What `expression` proves, as a condition, about the side of a fork of `kind`. */
  guardOf(expression: TSESTree.Node, kind: ForkKind, depth = 0): Guard | undefined {
    if (depth > MAX_DEPTH) return undefined;
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

  /**
   * What `left === right` (`==` when `loose`) proves, either way round; a
   * `switch` case is `discriminant === test`.
   */
  guardOfEquality(left: TSESTree.Node, right: TSESTree.Node, kind: ForkKind, depth: number, loose = false): Guard | undefined {
    const [subject, other] = this.isComparand(right) ? [left, right] : [right, left];
    let guard: Guard | undefined;
    const role = this.roles.ofEquality(subject, other, kind);
    const choice = literalChoice(this.sourceCode, subject);
    const compared = constantValue(this.sourceCode, other);
    if (subject.type === AST_NODE_TYPES.UnaryExpression && subject.operator === 'typeof') {
      const type = compared;
      const inner = this.guardOf(subject.argument, kind, depth + 1);
      guard = type === 'undefined' ? negate(inner) : type === 'string' || type === 'function' ? inner : undefined;
    } else if (role) {
      guard = role;
    } else if ((isNonNullLiteral(other) || compared !== undefined) && this.isChildObjectField(subject, kind, depth)) {
      // Equal to a value only where the object exists: the parent's is null or undefined.
      guard = { whenTrue: 'child' };
    } else if (isNullish(other) && this.isChildObjectField(subject, kind, depth)) {
      // The parent reads `undefined` through `?.`: `== null` or `=== undefined` is true there.
      const matchesUndefined = loose || (other.type === AST_NODE_TYPES.Identifier && other.name === 'undefined');
      guard = matchesUndefined ? { whenFalse: 'child' } : undefined;
    } else if (choice) {
      guard = this.guardOfChoice(choice, compared, kind, depth);
    } else if (compared === 0 && this.guardOf(subject, kind, depth + 1)?.zeroWhenFalse) {
      // `threadId === 0`: the main thread's id, and the only falsy one.
      guard = negate(this.guardOf(subject, kind, depth + 1));
    } else if (typeof compared === 'boolean') {
      const inner = this.guardOf(subject, kind, depth + 1);
      guard = compared ? inner : negate(inner);
    } else if (isNullish(other)) {
      guard = negate(this.guardOf(subject, kind, depth + 1));
    }
    return guard;
  }

  /**
   * `role === 'primary'`, where `const role = cluster.isPrimary ? 'primary' :
   * 'worker'`: true exactly when the test picked the arm equal to the value,
   * so it proves what the test proves, or its negation; nothing when both
   * arms or neither equal it, or an arm is of another type (`==` may match).
   */
  private guardOfChoice(choice: LiteralChoice, compared: ConstantValue | undefined, kind: ForkKind, depth: number): Guard | undefined {
    const equals = (arm: ConstantValue) => (typeof arm === typeof compared ? arm === compared : undefined);
    const picksTrue = equals(choice.whenTrue);
    const picksFalse = equals(choice.whenFalse);
    if (picksTrue === undefined || picksFalse === undefined || picksTrue === picksFalse) return undefined;
    const test = this.guardOf(choice.test, kind, depth + 1);
    return picksTrue ? test : negate(test);
  }

  /** A value compared with: a literal, `undefined`, or a constant holding a literal (`PRIMARY`, `Role.Primary`). */
  private isComparand(node: TSESTree.Node): boolean {
    return node.type === AST_NODE_TYPES.Literal || isNullish(node) || constantValue(this.sourceCode, node) !== undefined;
  }

  private computeGuard(node: TSESTree.Node, kind: ForkKind, depth: number): Guard | undefined {
    const tracked = this.sources.get(node);
    if (tracked) return forKind(tracked, kind);
    switch (node.type) {
      case AST_NODE_TYPES.Identifier:
        return (
          this.guardOfAlias(node, kind, depth) ??
          this.processSignal(node, kind) ??
          this.roles.ofTruthiness(node, kind) ??
          this.roles.ofParsedFlag(node, kind) ??
          this.guardOfImport(node, kind, depth)
        );
      case AST_NODE_TYPES.MemberExpression:
        return (
          this.processSignal(node, kind) ??
          this.roles.ofTruthiness(node, kind) ??
          this.roles.ofParsedFlag(node, kind) ??
          this.guardOfImport(node, kind, depth) ??
          this.truthyChildField(node, kind, depth)
        );
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

  /** `isPrimary` or `env.isPrimary` of a local module: what its export proves there. */
  private guardOfImport(node: TSESTree.Node, kind: ForkKind, depth: number): Guard | undefined {
    const imported = this.file === undefined ? undefined : importedGuard(this.sourceCode, this.file, node);
    if (!imported) return undefined;
    if ('signal' in imported) return forKind(imported.signal, kind);
    return guardConditionsOf(imported.source, imported.file).guardOf(imported.node, kind, depth + 1);
  }

  /** `process.send` and `process.env.NODE_UNIQUE_ID`, or an alias of them (`const { send } = process`). */
  private processSignal(node: TSESTree.Node, kind: ForkKind): Guard | undefined {
    const member = this.memberPath(node);
    if (member === 'send') return forKind(PROCESS_SEND, kind);
    return member === 'env.NODE_UNIQUE_ID' ? forKind(NODE_UNIQUE_ID, kind) : undefined;
  }

  /** `process.argv.includes('--child')`, `Boolean(guard)`, and `isPrimaryProcess()` whose body returns a guard. */
  private guardOfCall(call: TSESTree.CallExpression, kind: ForkKind, depth: number): Guard | undefined {
    const tested = this.booleanArgument(call);
    if (tested) return this.guardOf(tested, kind, depth + 1);
    if (call.arguments.length > 0) return this.roles.ofInclusion(call, kind);
    const local = localFunctionOf(call.callee, innermostScope(this.sourceCode, call));
    if (!local) return this.guardOfImportedCall(call, kind, depth);
    const returned = returnedGuardCandidate(local);
    return returned && this.guardOf(returned, kind, depth + 1);
  }

  /** The argument of the global `Boolean(x)`, which is truthy exactly when `x` is, as `!!x` is. */
  private booleanArgument(call: TSESTree.CallExpression): TSESTree.Node | undefined {
    const [argument] = call.arguments;
    if (call.callee.type !== AST_NODE_TYPES.Identifier || call.callee.name !== 'Boolean' || call.arguments.length !== 1) return undefined;
    if (argument.type === AST_NODE_TYPES.SpreadElement) return undefined;
    // A `Boolean` the file declares or imports may be anything.
    const variable = findVariable(innermostScope(this.sourceCode, call), call.callee);
    return variable && variable.defs.length > 0 ? undefined : argument;
  }

  /** `isPrimaryProcess()` of a local module, whose body returns a guard there. */
  private guardOfImportedCall(call: TSESTree.CallExpression, kind: ForkKind, depth: number): Guard | undefined {
    const { file } = this;
    const imported = file === undefined ? undefined : calledExport(this.sourceCode, call.callee);
    const target = file !== undefined && imported ? findExportedFunction(file, imported) : undefined;
    const returned = returnedGuardCandidate(target?.fn);
    return target && returned && guardConditionsOf(target.parsed.source, target.file).guardOf(returned, kind, depth + 1);
  }

  /** The dotted path below `process` that `node` reads, e.g. `'env'`, or undefined. */
  private memberPath(node: TSESTree.Node): string | undefined {
    return processMemberPath(this.sourceCode, node)?.join('.');
  }

  /**
   * `if (cluster.worker?.id)`, `if (workerData?.role)`: a field of an object
   * only the child has is undefined in the parent, so truthy proves the child.
   * Falsy proves nothing: the child's field may be empty too.
   */
  private truthyChildField(node: TSESTree.MemberExpression, kind: ForkKind, depth: number): Guard | undefined {
    return this.isChildObjectField(node, kind, depth) ? { whenTrue: 'child' } : undefined;
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
   * argument), `process.argv.indexOf('--child') !== -1`, `process.env.ROLE ===
   * 'child'` (a child environment entry), `workerData.role === 'reader'`,
   * `cluster.worker?.id === 1`, `cluster.worker?.id > 1`,
   * `cluster.worker?.id != null`, `role === 'primary'`.
   */
  private guardOfComparison(node: TSESTree.BinaryExpression, kind: ForkKind, depth: number): Guard | undefined {
    if (node.operator === 'in') {
      const key = node.left.type === AST_NODE_TYPES.Literal ? node.left.value : undefined;
      return key === 'NODE_UNIQUE_ID' && this.memberPath(node.right) === 'env' ? forKind(NODE_UNIQUE_ID, kind) : undefined;
    }
    const role = this.roles.ofIndexComparison(node, kind);
    if (role) return role;
    if (RELATIONAL.has(node.operator)) {
      // `undefined > 1`, like any comparison with NaN, is false: true proves the field is there.
      const [field, other] = isNumberLiteral(node.right) ? [node.left, node.right] : [node.right, node.left];
      return isNumberLiteral(other) && this.isChildObjectField(field, kind, depth) ? { whenTrue: 'child' } : undefined;
    }
    const equality = node.operator === '===' || node.operator === '==';
    if (!equality && node.operator !== '!==' && node.operator !== '!=') return undefined;
    const loose = node.operator === '==' || node.operator === '!=';
    const guard = this.guardOfEquality(node.left, node.right, kind, depth, loose);
    return equality ? guard : negate(guard);
  }
}

/** A ternary that picks one of two literals by its test: `cluster.isPrimary ? 'primary' : 'worker'`. */
interface LiteralChoice {
  test: TSESTree.Expression;
  whenTrue: ConstantValue;
  whenFalse: ConstantValue;
}

/**
 * The literal choice `node` holds: the ternary itself, or one that a
 * constant binding (`const role = ...`, a `let` never reassigned) was
 * initialised with. The test is read where the binding is declared; a guard
 * does not change while a process runs.
 */
function literalChoice(sourceCode: ParsedSource, node: TSESTree.Node): LiteralChoice | undefined {
  let target = unwrap(node);
  if (target.type === AST_NODE_TYPES.Identifier) {
    const init = constantInitializer(target, innermostScope(sourceCode, target));
    if (!init) return undefined;
    target = unwrap(init);
  }
  if (target.type !== AST_NODE_TYPES.ConditionalExpression) return undefined;
  // The arms may be literals or constants holding them: `cluster.isPrimary ? Role.Primary : Role.Worker`.
  const whenTrue = constantValue(sourceCode, target.consequent);
  const whenFalse = constantValue(sourceCode, target.alternate);
  return whenTrue === undefined || whenFalse === undefined ? undefined : { test: target.test, whenTrue, whenFalse };
}

const RELATIONAL: ReadonlySet<string> = new Set(['<', '<=', '>', '>=']);

function isNumberLiteral(node: TSESTree.Node): boolean {
  return node.type === AST_NODE_TYPES.Literal && typeof node.value === 'number';
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
