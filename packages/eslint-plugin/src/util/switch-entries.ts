/**
 * How control enters a `switch` case's statements: by its own test matching,
 * or by falling through from the case above when that one does not end in
 * `break`, `return`, `throw`, `continue` or `process.exit()`; `default` is
 * entered when no test matches. The guard analysis reads a case like an
 * `if` branch from these entries: `switch (cluster.isPrimary) { case true:
 * ...; default: ... }`, `switch (true) { case isMainThread: ... }`.
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { exits } from './ast';

export interface CaseEntries {
  /** The case tests whose match runs the case's statements. */
  matches: TSESTree.Expression[];
  /** Whether the statements also run when no case matches (through `default`). */
  noMatch: boolean;
}

/** The ways into `switchCase`'s statements, including fall-through from the cases above. */
export function caseEntries(switchCase: TSESTree.SwitchCase): CaseEntries {
  const statement = switchCase.parent;
  const matches: TSESTree.Expression[] = [];
  let noMatch = false;
  for (let i = statement.cases.indexOf(switchCase); i >= 0; i--) {
    const entered = statement.cases[i];
    if (entered !== switchCase && endsCase(entered.consequent)) break;
    if (entered.test) matches.push(entered.test);
    else noMatch = true;
  }
  return { matches, noMatch };
}

/**
 * Whether control that runs `from`'s statements may run on into `to`'s:
 * `to` comes after it, and no case from `from` up to `to` ends.
 */
export function fallsInto(from: TSESTree.SwitchCase, to: TSESTree.SwitchCase): boolean {
  const { cases } = from.parent;
  const start = cases.indexOf(from);
  const end = cases.indexOf(to);
  return start <= end && cases.slice(start, end).every(entered => !endsCase(entered.consequent));
}

/** Whether control never runs off the end of these statements into the next case. */
function endsCase(statements: readonly TSESTree.Statement[]): boolean {
  return statements.some(statement => {
    switch (statement.type) {
      case AST_NODE_TYPES.BreakStatement:
      case AST_NODE_TYPES.ContinueStatement:
        return true;
      case AST_NODE_TYPES.BlockStatement:
        return endsCase(statement.body);
      default:
        return exits(statement);
    }
  });
}
