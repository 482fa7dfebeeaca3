/**
 * The side each arm of a branch runs on, including a guard that proves its
 * side one way only, and an arm that no forking process takes.
 *
 * A test that proves the parent one way only (`process.env.CLUSTER === '1'
 * && cluster.isPrimary` when true, `!cluster.isPrimary || workers === 1`
 * when false) proves nothing the other way, except beside the forks: when
 * every self-fork of the file needs the parent's outcome (it sits in that
 * arm, after `{ fork(); return }`, or in a function called only from
 * there), a process that takes the other arm never forks, so that arm runs
 * in children and in processes that fork nothing, never in a parent. The
 * same holds for a test that proves nothing at all: the "single-process
 * mode" of `if (workers === 1) { serve } else if (cluster.isPrimary) {
 * fork } else { serve }` (or its nested `if`, or `if (workers === 1) {
 * serve; return }` before the forks) leaves the forks all in one arm, and
 * the process that takes the other never forks. Likewise for a `switch`
 * case that neither falls into nor is fallen into from the cases holding
 * every fork, or that exits before the forks after the `switch`
 * (`switch (true) { case workers === 1: ...; break; case
 * cluster.isPrimary: fork(); }`). That holds only when the branch runs at
 * most once per process (call-sites): not in a loop, an array method's
 * callback, a handler, or a function called twice, recursively or by code
 * this file does not show, any of which may take both arms in one process.
 *
 * Such an arm is 'forkless' rather than proven to be the child's: a process
 * taking it may be one that was never forked (`node app.js migrate`), and a
 * guard inside it that proves the parent still counts (guards). A test that
 * proves a side for the arm itself wins over this (a command no child is
 * given, `case 'migrate':`, stays the parent's).
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { exits, within } from './ast';
import type { CallSites } from './call-sites';
import { isLaterInList } from './early-exits';
import type { ForkKind, ForkSite } from './fork-sites';
import type { GuardConditions } from './guard-conditions';
import type { Side } from './guard-signals';
import { fallsInto } from './switch-entries';

/** A branch with a true arm and an other arm: `if`/`else`, `?:`. */
export type Branch = TSESTree.ConditionalExpression | TSESTree.IfStatement;

/** The side an arm runs on: one its test proves, or 'forkless', where no process that takes it forks. */
export type ArmSide = Side | 'forkless';

/**
 * Whether guards around `node`, a self-fork of `kind` or a call that leads
 * to one, prove it runs in the parent, without counting arms that no
 * forking process takes.
 */
export type ProvenParent = (node: TSESTree.Node, kind: ForkKind) => boolean;

export class ArmSides {
  /** The outcome of a branch's test that every self-fork needs, or null when the forks need none. */
  private readonly forkingOutcomes = new WeakMap<Branch, boolean | null>();
  /** Whether every self-fork is guarded as the parent's in the arm that holds them all, per branch. */
  private readonly guardedForks = new WeakMap<Branch, boolean>();
  /** Whether no process that runs a case forks, per case. */
  private readonly forklessCases = new WeakMap<TSESTree.SwitchCase, boolean>();

  constructor(
    private readonly callSites: CallSites,
    private readonly conditions: GuardConditions,
    private readonly selfForks: readonly ForkSite[],
    private readonly provenParent: ProvenParent,
  ) {}

  /**
   * The side of the code a branch runs when its test comes out `outcome`:
   * what the test proves then, or, with `withForkless`, 'forkless' when
   * every self-fork needs the other outcome and runs in the parent there,
   * which a test that proves the parent that other way shows by itself.
   */
  sideOfArm(branch: Branch, outcome: boolean, kind: ForkKind, withForkless = true): ArmSide | undefined {
    const guard = this.conditions.guardOf(branch.test, kind);
    const proven = outcome ? guard?.whenTrue : guard?.whenFalse;
    if (proven || !withForkless || this.forkingOutcome(branch) !== !outcome) return proven;
    const otherwise = outcome ? guard?.whenFalse : guard?.whenTrue;
    return otherwise === 'parent' || this.forksGuarded(branch, !outcome) ? 'forkless' : undefined;
  }

  /**
   * 'forkless' for a case of a `switch` that runs once, when every self-fork
   * runs in the parent in other cases that this one neither falls into nor
   * is fallen into from, or after the `switch` when this case exits; a case
   * that a fork's case falls into runs after the fork, in the parent.
   */
  sideOfCase(switchCase: TSESTree.SwitchCase): 'forkless' | undefined {
    let forkless = this.forklessCases.get(switchCase);
    if (forkless === undefined) {
      const statement = switchCase.parent;
      const exitsFirst = switchCase.consequent.some(exits);
      const apart = (node: TSESTree.Node): boolean =>
        statement.cases.some(
          other => other !== switchCase && within(other, node) && !fallsInto(switchCase, other) && !fallsInto(other, switchCase),
        ) ||
        (exitsFirst && isLaterInList(statement, node));
      forkless = this.selfForks.length > 0 && this.callSites.runsOnce(statement) && this.forksGuardedWhere(apart);
      this.forklessCases.set(switchCase, forkless);
    }
    return forkless ? 'forkless' : undefined;
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
        this.selfForks.every(fork => this.callSites.runsOnlyWhere(fork.node, node => runsOnlyOn(branch, value, node)));
      outcome =
        this.selfForks.length === 0 || !this.callSites.runsOnce(branch) ? null : needs(true) ? true : needs(false) ? false : null;
      this.forkingOutcomes.set(branch, outcome);
    }
    return outcome;
  }

  /**
   * Whether every self-fork runs in the parent within the arm of the
   * forking `outcome` (`else if (cluster.isPrimary) fork()`): a test that
   * is no guard is then a mode, such as `workers === 1`. One with the fork
   * bare in its arm (`if (isMainThread) cluster.fork(); else new Pool()`)
   * stands where the fork guard would, and is one the rule cannot read.
   */
  private forksGuarded(branch: Branch, outcome: boolean): boolean {
    let guarded = this.guardedForks.get(branch);
    if (guarded === undefined) {
      guarded = this.forksGuardedWhere(node => runsOnlyOn(branch, outcome, node));
      this.guardedForks.set(branch, guarded);
    }
    return guarded;
  }

  /** Whether every self-fork runs only where `holds`, proven the parent's there. */
  private forksGuardedWhere(holds: (node: TSESTree.Node) => boolean): boolean {
    return this.selfForks.every(fork =>
      this.callSites.runsOnlyWhere(fork.node, node => holds(node) && this.provenParent(node, fork.kind)),
    );
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
