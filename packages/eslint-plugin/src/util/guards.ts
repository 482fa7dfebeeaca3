/**
 * Primary/worker guard analysis: which side of a self-fork a node runs on.
 *
 * After a self-fork the same file runs in the parent and in each child; a
 * guard (`cluster.isPrimary`, `isMainThread`, `parentPort`, `process.send`,
 * ...) splits the file into a parent side and a child side. Like ESLint's
 * `no-this-before-super` this reasons about the branches that lead to a node,
 * but structurally: the enclosing `if`/`?:`/`&&`/`||` branches, `switch`
 * cases (switch-entries), and earlier `if (guard) { ...; return }` exits in
 * the same statement list (early-exits). Anything not behind a guard is
 * 'shared'.
 *
 * A guard tells apart the parent and the children of some kinds of fork only
 * (guard-signals), so sides are worked out per fork kind. What a condition
 * proves is read in guard-conditions; an arm behind a guard that proves its
 * side one way only, in one-sided-guards.
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { CallSites } from './call-sites';
import { EarlyExits } from './early-exits';
import { analyzeForks, type ForkKind } from './fork-sites';
import { GuardConditions } from './guard-conditions';
import type { Position, Side } from './guard-signals';
import type { ParsedSource } from './module-references';
import { ArmSides } from './one-sided-guards';
import { caseEntries } from './switch-entries';

export type { Position } from './guard-signals';

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

class GuardReasoner implements GuardAnalysis {
  private readonly conditions: GuardConditions;
  private readonly arms: ArmSides;
  private readonly earlyExits = new EarlyExits();

  constructor(sourceCode: ParsedSource) {
    const forks = analyzeForks(sourceCode);
    this.conditions = new GuardConditions(sourceCode, forks);
    this.arms = new ArmSides(new CallSites(sourceCode), this.conditions, forks.selfForks.map(site => site.node));
  }

  isGuard(condition: TSESTree.Node, kinds: readonly ForkKind[]): boolean {
    return kinds.some(kind => {
      const guard = this.conditions.guardOf(condition, kind);
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
        if (child === parent.consequent) return this.arms.sideOfArm(parent, true, kind);
        if (child === parent.alternate) return this.arms.sideOfArm(parent, false, kind);
        return undefined;
      case AST_NODE_TYPES.LogicalExpression:
        if (child !== parent.right) return undefined;
        if (parent.operator === '&&') return this.conditions.guardOf(parent.left, kind)?.whenTrue;
        if (parent.operator === '||') return this.conditions.guardOf(parent.left, kind)?.whenFalse;
        return undefined;
      case AST_NODE_TYPES.Program:
      case AST_NODE_TYPES.BlockStatement:
      case AST_NODE_TYPES.StaticBlock:
        // A function declaration is hoisted: where it stands in the list says nothing of when it runs.
        if (child.type === AST_NODE_TYPES.FunctionDeclaration) return undefined;
        return this.sideAfterEarlyExit(parent.body, child, kind);
      case AST_NODE_TYPES.SwitchCase:
        // Hoisted to the whole `switch`, it may be called from any case.
        if (child === parent.test || child.type === AST_NODE_TYPES.FunctionDeclaration) return undefined;
        return this.sideAfterEarlyExit(parent.consequent, child, kind) ?? this.sideOfCase(parent, kind);
      default:
        return undefined;
    }
  }

  /** `if (guard) { ...; return }` before `child` leaves only the other side. */
  private sideAfterEarlyExit(statements: readonly TSESTree.Node[], child: TSESTree.Node, kind: ForkKind): Side | undefined {
    for (const { statement, thenExits } of this.earlyExits.before(statements, child)) {
      const side = this.arms.sideOfArm(statement, !thenExits, kind);
      if (side) return side;
    }
    return undefined;
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
    const caseGuard = (test: TSESTree.Node) => this.conditions.guardOfEquality(discriminant, test, kind, 0);
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
}
