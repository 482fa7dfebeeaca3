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
 * side one way only, or that no forking process takes, in one-sided-guards.
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { CallSites } from './call-sites';
import { EarlyExits } from './early-exits';
import { analyzeForks, type ForkKind } from './fork-sites';
import { guardConditionsOf, type GuardConditions } from './guard-conditions';
import type { Position } from './guard-signals';
import type { ParsedSource } from './module-references';
import { ArmSides, type ArmSide } from './one-sided-guards';
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

/** The guards of `sourceCode`; `file`, its absolute path, lets guards imported from local modules count. */
export function analyzeGuards(sourceCode: ParsedSource, file?: string): GuardAnalysis {
  let cached = guardCache.get(sourceCode);
  if (!cached) {
    cached = new GuardReasoner(sourceCode, file);
    guardCache.set(sourceCode, cached);
  }
  return cached;
}

const guardCache = new WeakMap<ParsedSource, GuardAnalysis>();

/** Per case test of a switch, the side its match proves; under `null`, the side of no test matching. */
type EntrySides = Map<TSESTree.Node | null, ArmSide | undefined>;

class GuardReasoner implements GuardAnalysis {
  private readonly conditions: GuardConditions;
  private readonly arms: ArmSides;
  private readonly earlyExits = new EarlyExits();
  private readonly switchEntries = new WeakMap<TSESTree.SwitchStatement, Map<ForkKind, EntrySides>>();

  constructor(sourceCode: ParsedSource, file: string | undefined) {
    const forks = analyzeForks(sourceCode, file);
    this.conditions = guardConditionsOf(sourceCode, file);
    const provenParent = (node: TSESTree.Node, kind: ForkKind): boolean =>
      combineProofs(this.proofsAround(node, kind, false)) === 'parent';
    this.arms = new ArmSides(new CallSites(sourceCode), this.conditions, forks.selfForks, provenParent);
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

  /**
   * The nearest branch around `node` that proves a side decides it, except
   * that code in a branch proven to run only in children stays there,
   * whatever the branches inside it read: a child given one of several roles
   * (`cluster.fork({ ROLE: 'web' })`, `cluster.fork({ ROLE: 'queue' })`)
   * takes their `else` too, and the parent never gets that far.
   */
  private positionFor(node: TSESTree.Node, kind: ForkKind): Position {
    const side = combineProofs(this.proofsAround(node, kind));
    return side === undefined ? 'shared' : side === 'forkless' ? 'child' : side;
  }

  /**
   * The sides that the branches around `node` prove for it, nearest first;
   * with `withForkless` off, only what their tests prove (one-sided-guards).
   */
  private *proofsAround(node: TSESTree.Node, kind: ForkKind, withForkless = true): Generator<ArmSide> {
    let child = node;
    for (let parent = node.parent; parent; child = parent, parent = parent.parent) {
      yield* this.proofsFromParent(child, parent, kind, withForkless);
    }
  }

  /** The sides proven by `parent` for its part `child`, nearest first. */
  private *proofsFromParent(child: TSESTree.Node, parent: TSESTree.Node, kind: ForkKind, withForkless: boolean): Generator<ArmSide> {
    let side: ArmSide | undefined;
    switch (parent.type) {
      case AST_NODE_TYPES.IfStatement:
      case AST_NODE_TYPES.ConditionalExpression:
        if (child === parent.consequent) side = this.arms.sideOfArm(parent, true, kind, withForkless);
        else if (child === parent.alternate) side = this.arms.sideOfArm(parent, false, kind, withForkless);
        break;
      case AST_NODE_TYPES.LogicalExpression:
        if (child !== parent.right) break;
        if (parent.operator === '&&') side = this.conditions.guardOf(parent.left, kind)?.whenTrue;
        else if (parent.operator === '||') side = this.conditions.guardOf(parent.left, kind)?.whenFalse;
        break;
      case AST_NODE_TYPES.Program:
      case AST_NODE_TYPES.BlockStatement:
      case AST_NODE_TYPES.StaticBlock:
        // A function declaration is hoisted: where it stands in the list says nothing of when it runs.
        if (child.type !== AST_NODE_TYPES.FunctionDeclaration) yield* this.sidesAfterEarlyExits(parent.body, child, kind, withForkless);
        break;
      case AST_NODE_TYPES.SwitchCase:
        // Hoisted to the whole `switch`, it may be called from any case.
        if (child === parent.test || child.type === AST_NODE_TYPES.FunctionDeclaration) break;
        yield* this.sidesAfterEarlyExits(parent.consequent, child, kind, withForkless);
        side = this.sideOfCase(parent, kind) ?? (withForkless ? this.arms.sideOfCase(parent) : undefined);
        break;
      default:
        break;
    }
    if (side) yield side;
  }

  /** `if (guard) { ...; return }` before `child` leaves only the other side: each such exit's, nearest first. */
  private *sidesAfterEarlyExits(
    statements: readonly TSESTree.Node[],
    child: TSESTree.Node,
    kind: ForkKind,
    withForkless: boolean,
  ): Generator<ArmSide> {
    for (const { statement, thenExits } of this.earlyExits.before(statements, child)) {
      const side = this.arms.sideOfArm(statement, !thenExits, kind, withForkless);
      if (side) yield side;
    }
  }

  /**
   * A case runs on one side when every way into it proves that side: its
   * own test matching, or a test above that falls through into it, or, for
   * `default`, no test matching (switch-entries).
   */
  private sideOfCase(switchCase: TSESTree.SwitchCase, kind: ForkKind): ArmSide | undefined {
    const entrySides = this.entrySides(switchCase.parent, kind);
    const { matches, noMatch } = caseEntries(switchCase);
    const sides = [...matches, ...(noMatch ? [null] : [])].map(entry => entrySides.get(entry));
    return sides.length > 0 && sides.every(side => side === sides[0]) ? sides[0] : undefined;
  }

  /**
   * What each way into a switch's cases proves, worked out once per switch:
   * a test matching the discriminant (`case true:` under `switch
   * (cluster.isPrimary)`, `case isMainThread:` under `switch (true)`, read
   * as `discriminant === test`) proves what that match proves and what the
   * failure of each test above it proves, as in an `else if` chain (`case
   * 'migrate':` below `case '--daemon':`); no test matching (under `null`),
   * what the failure of every test proves.
   */
  private entrySides(statement: TSESTree.SwitchStatement, kind: ForkKind): EntrySides {
    let byKind = this.switchEntries.get(statement);
    if (!byKind) {
      byKind = new Map();
      this.switchEntries.set(statement, byKind);
    }
    let sides = byKind.get(kind);
    if (!sides) {
      sides = new Map();
      let failures: ArmSide | undefined;
      for (const { test } of statement.cases) {
        if (!test) continue;
        const guard = this.conditions.guardOfEquality(statement.discriminant, test, kind, 0);
        sides.set(test, combineProofs([guard?.whenTrue, failures]));
        failures = combineProofs([guard?.whenFalse, failures]);
      }
      sides.set(null, failures);
      byKind.set(kind, sides);
    }
    return sides;
  }
}

/**
 * What several proofs about the same code say together, nearest first: the
 * child's side when one proves it, since the parent never gets there, else
 * the nearest.
 */
function combineProofs(sides: Iterable<ArmSide | undefined>): ArmSide | undefined {
  let nearest: ArmSide | undefined;
  for (const side of sides) {
    if (side === 'child') return 'child';
    nearest ??= side;
  }
  return nearest;
}
