/**
 * Typed mode: does a `new` that a local module runs as it loads create a
 * pool, known by its type? `class Db extends Pool {}; export const db = new
 * Db()` opens a pool though no creator of the table is called: a subclass
 * counts wherever it came from.
 *
 * module-graph finds the module's load-time `new` expressions by syntax (so
 * that import following, guards and run sides stay its own) and asks this
 * about each. The expression is found again in the program's source file
 * by its position and asked for its type; a module outside the program, or
 * whose text in the program is not the text on disk, is not asked.
 */
import type { TSESTree } from '@typescript-eslint/utils';
import type * as ts from 'typescript';
import { typescript } from './typescript-module';
import { getPoolKind } from './pool-types';

/** Whether `node`, read from `file` whose text is `text`, constructs a pool, client or connection by its type. */
export type ConstructionTypeCheck = (file: string, text: string, node: TSESTree.NewExpression) => boolean;

/** Answers for the modules of `program`. */
export function constructionTypeCheck(program: ts.Program): ConstructionTypeCheck {
  const checker = program.getTypeChecker();
  return (file, text, node) => {
    const sourceFile = program.getSourceFile(file);
    // Another text (an unsaved edit, a stale program) puts other code at the same position.
    if (!sourceFile || sourceFile.text !== text) return false;
    const construction = newExpressionAt(sourceFile, node.range[0], node.range[1]);
    return construction !== undefined && getPoolKind(checker, checker.getTypeAtLocation(construction)) !== undefined;
  };
}

/** The `new` expression of `sourceFile` that spans exactly `start` to `end`, as ESTree's range does (no leading trivia). */
function newExpressionAt(sourceFile: ts.SourceFile, start: number, end: number): ts.NewExpression | undefined {
  let found: ts.NewExpression | undefined;
  const visit = (node: ts.Node): void => {
    if (found || node.pos > start || node.end < end) return;
    if (typescript().isNewExpression(node) && node.end === end && node.getStart(sourceFile) === start) {
      found = node;
      return;
    }
    typescript().forEachChild(node, visit);
  };
  typescript().forEachChild(sourceFile, visit);
  return found;
}
