/**
 * Early exits in a statement list: `if (guard) { ...; return }` before a
 * statement leaves it only the other arm's side, and a statement after
 * `if (...) { fork(); return }` runs only when control got past the `if`.
 *
 * Every node of a long file asks about the statement lists above it, so each
 * list's positions and its `if`s of which exactly one arm exits are worked
 * out once and kept: scanning them on every question would be quadratic.
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { exits, within } from './ast';

/** An `if` of which exactly one arm exits, at index `at` of its statement list. */
export interface EarlyExit {
  at: number;
  statement: TSESTree.IfStatement;
  thenExits: boolean;
}

/** A statement list's positions, and its early exits in order. */
interface StatementList {
  indexOf: ReadonlyMap<TSESTree.Node, number>;
  earlyExits: readonly EarlyExit[];
}

export class EarlyExits {
  private readonly statementLists = new WeakMap<readonly TSESTree.Node[], StatementList>();

  /** The early exits of `statements` that come before `child`, nearest first. */
  *before(statements: readonly TSESTree.Node[], child: TSESTree.Node): IterableIterator<EarlyExit> {
    const { indexOf, earlyExits } = this.statementList(statements);
    const index = indexOf.get(child) ?? -1;
    for (let i = earlyExits.length - 1; i >= 0; i--) {
      if (earlyExits[i].at < index) yield earlyExits[i];
    }
  }

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
}

/**
 * Whether `node` comes after `statement` in the statement list that holds
 * it, so that it runs only if control gets past `statement`; not in a
 * function declared there, which is hoisted and may be called from anywhere.
 */
export function isLaterInList(statement: TSESTree.Statement, node: TSESTree.Node): boolean {
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
