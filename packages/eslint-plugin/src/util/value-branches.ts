/**
 * The expressions a value may be, when syntax cannot pick one: both branches
 * of `c ? a : b`, both sides of `a || b` and `a ?? b`, and the right of
 * `a && b` (its left is the value only when falsy, and a falsy value holds no
 * pool); and the argument of a global that returns the object it is given
 * (`Object.freeze(x)`, `Object.seal(x)`, `Object.preventExtensions(x)`).
 *
 * no-pool-across-boundary searches each of them where the value sits, so
 * `postMessage(shared ? { pool } : { url })` and
 * `workerData: Object.freeze({ pool })` are searched like the literal itself.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { findVariable } from '@typescript-eslint/utils/ast-utils';
import { staticMemberName } from './pool-values';

/** `Object`'s methods that return their first argument, the same object. */
const RETURNS_ARGUMENT = new Set(['freeze', 'seal', 'preventExtensions']);

/** The argument of `Object.freeze(x)` and the like (the global `Object`), else undefined. */
export function passedThrough(node: TSESTree.Node, sourceCode: Readonly<TSESLint.SourceCode>): TSESTree.Node | undefined {
  if (node.type !== AST_NODE_TYPES.CallExpression || node.callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  const { object } = node.callee;
  const [argument] = node.arguments;
  if (object.type !== AST_NODE_TYPES.Identifier || object.name !== 'Object' || !argument) return undefined;
  if (argument.type === AST_NODE_TYPES.SpreadElement) return undefined;
  const method = staticMemberName(node.callee);
  if (method === undefined || !RETURNS_ARGUMENT.has(method)) return undefined;
  const variable = findVariable(sourceCode.getScope(node), object);
  return variable && variable.defs.length > 0 ? undefined : argument;
}

/** The values a conditional or logical expression may evaluate to, else undefined. */
export function branchesOf(node: TSESTree.Node): readonly TSESTree.Node[] | undefined {
  if (node.type === AST_NODE_TYPES.ConditionalExpression) return [node.consequent, node.alternate];
  if (node.type !== AST_NODE_TYPES.LogicalExpression) return undefined;
  return node.operator === '&&' ? [node.right] : [node.left, node.right];
}
