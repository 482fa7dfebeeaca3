/**
 * The side each arm of a branch runs on, including a guard that proves its
 * side one way only.
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
import { exits, within } from './ast';
import { isLaterInList } from './early-exits';
import type { ForkKind } from './fork-sites';
import type { GuardConditions } from './guard-conditions';
import type { Side } from './guard-signals';
import type { ParsedSource } from './module-references';
import { callbackInvocation } from './sync-callbacks';

/** A branch with a true arm and an other arm: `if`/`else`, `?:`. */
export type Branch = TSESTree.ConditionalExpression | TSESTree.IfStatement;

const LOOPS: ReadonlySet<AST_NODE_TYPES> = new Set([
  AST_NODE_TYPES.DoWhileStatement,
  AST_NODE_TYPES.ForInStatement,
  AST_NODE_TYPES.ForOfStatement,
  AST_NODE_TYPES.ForStatement,
  AST_NODE_TYPES.WhileStatement,
]);

export class ArmSides {
  /** The outcome of a branch's test that every self-fork needs, or null when the forks need none. */
  private readonly forkingOutcomes = new WeakMap<Branch, boolean | null>();

  constructor(
    private readonly sourceCode: ParsedSource,
    private readonly conditions: GuardConditions,
    private readonly selfForks: readonly TSESTree.Node[],
  ) {}

  /**
   * The side of the code a branch runs when its test comes out `outcome`:
   * what the test proves then, or the child side when the test proves the
   * parent only the other way and every self-fork needs that other outcome.
   */
  sideOfArm(branch: Branch, outcome: boolean, kind: ForkKind): Side | undefined {
    const guard = this.conditions.guardOf(branch.test, kind);
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
      const needs = (value: boolean) => this.selfForks.every(fork => runsOnlyOn(branch, value, fork));
      outcome = this.selfForks.length === 0 || this.mayRepeat(branch) ? null : needs(true) ? true : needs(false) ? false : null;
      this.forkingOutcomes.set(branch, outcome);
    }
    return outcome;
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
}

/** Whether `node` runs only when the branch's test comes out `outcome`. */
function runsOnlyOn(branch: Branch, outcome: boolean, node: TSESTree.Node): boolean {
  const arm = outcome ? branch.consequent : branch.alternate;
  const other = outcome ? branch.alternate : branch.consequent;
  if (arm && within(arm, node)) return true;
  if (branch.type !== AST_NODE_TYPES.IfStatement || !other || !exits(other)) return false;
  return isLaterInList(branch, node);
}
