/**
 * How a message quotes a creation: its source as written when short
 * (`new Pool({ max: 4 })`), else its callee with the arguments elided
 * (`new DataSource(...)`), so a creation over several lines never pastes
 * its whole object literal, comments and all, into one message: a message
 * stays on one line. Shared by the
 * creation reports and the origin of `importCreatesPool`, which quote the same
 * calls of different files.
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';

/** Longer source than this is elided. */
const MAX_LENGTH = 40;

/** The quote of `node`, whose file's text is `text`. */
export function creationText(node: TSESTree.Node, text: string): string {
  const source = text.slice(node.range[0], node.range[1]);
  const multiline = source.includes('\n');
  if (source.length <= MAX_LENGTH && !multiline) return source;
  if (node.type === AST_NODE_TYPES.ImportExpression) return 'import(...)';
  if (node.type !== AST_NODE_TYPES.CallExpression && node.type !== AST_NODE_TYPES.NewExpression) return oneLine(source);
  const callee = oneLine(text.slice(node.callee.range[0], node.callee.range[1]));
  return `${node.type === AST_NODE_TYPES.NewExpression ? 'new ' : ''}${callee}(...)`;
}

/** A message is one line: a chain broken over lines (`mysql\n  .createPool`) is quoted as `mysql.createPool`. */
function oneLine(source: string): string {
  return source.replace(/\s*\n\s*(?=[.?])/g, '').replace(/\s*\n\s*/g, ' ');
}
