/**
 * The side each arm of a branch runs on, including a guard that proves its
 * side one way only.
 *
 * A test that proves the parent one way only (`process.env.CLUSTER === '1'
 * && cluster.isPrimary` when true, `!cluster.isPrimary || workers === 1`
 * when false) proves nothing the other way, except beside the forks: when
 * every self-fork of the file needs the parent's outcome (it sits in that
 * arm, after `{ fork(); return }`, or in a function called only from
 * there), a process that takes the other arm never forks, so that arm runs
 * in children and in processes that fork nothing, never in a parent. That
 * holds only when the branch runs at most once per process (call-sites):
 * not in a loop, an array method's callback, a handler, or a function
 * called twice, recursively or by code this file does not show, any of
 * which may take both arms in one process.
 *
 * Such an arm is 'forkless' rather than proven to be the child's: a process
 * taking it may be one that was never forked (`node app.js migrate`), and a
 * guard inside it that proves the parent still counts (guards).
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { exits, within } from './ast';
import type { CallSites } from './call-sites';
import { isLaterInList } from './early-exits';
import type { ForkKind } from './fork-sites';
import type { GuardConditions } from './guard-conditions';
import type { Side } from './guard-signals';

/** A branch with a true arm and an other arm: `if`/`else`, `?:`. */
export type Branch = TSESTree.ConditionalExpression | TSESTree.IfStatement;

/** The side an arm runs on: one its test proves, or 'forkless', where no process that takes it forks. */
export type ArmSide = Side | 'forkless';

export class ArmSides {
  /** The outcome of a branch's test that every self-fork needs, or null when the forks need none. */
  private readonly forkingOutcomes = new WeakMap<Branch, boolean | null>();

  constructor(
    private readonly callSites: CallSites,
    private readonly conditions: GuardConditions,
    private readonly selfForks: readonly TSESTree.Node[],
  ) {}

  /**
   * The side of the code a branch runs when its test comes out `outcome`:
   * what the test proves then, or 'forkless' when the test proves the parent
   * only the other way and every self-fork needs that other outcome.
   */
  sideOfArm(branch: Branch, outcome: boolean, kind: ForkKind): ArmSide | undefined {
    const guard = this.conditions.guardOf(branch.test, kind);
    const proven = outcome ? guard?.whenTrue : guard?.whenFalse;
    if (proven) return proven;
    const otherwise = outcome ? guard?.whenFalse : guard?.whenTrue;
    return otherwise === 'parent' && this.forkingOutcome(branch) === !outcome ? 'forkless' : undefined;
  }

  /**
   * The outcome of the branch's test that every self-fork of the file needs:
   * each sits in that outcome's arm, or after the branch in its statement
   * list when the other arm exits (`if (A && cluster.isPrimary) { fork();
   * return }`), or in a function called only from there. Null when the forks
   * need no one outcome, or when the branch may run more than once per
   * process, taking both arms.
   */
  private forkingOutcome(branch: Branch): boolean | null {
    let outcome = this.forkingOutcomes.get(branch);
    if (outcome === undefined) {
      const needs = (value: boolean) =>
        this.selfForks.every(fork => this.callSites.runsOnlyWhere(fork, node => runsOnlyOn(branch, value, node)));
      outcome =
        this.selfForks.length === 0 || !this.callSites.runsOnce(branch) ? null : needs(true) ? true : needs(false) ? false : null;
      this.forkingOutcomes.set(branch, outcome);
    }
    return outcome;
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
