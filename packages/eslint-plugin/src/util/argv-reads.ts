/**
 * How a file reads its command line, where a child started by
 * `fork(file, args)` finds `args`: from `process.argv[2]` on, after the paths
 * of node and of the script.
 *
 * The list is `process.argv` (or an alias, `const { argv } = process`) or a
 * slice of it (`process.argv.slice(2)`); an element is an index into one of
 * those (`process.argv[2]`, `args[0]`). Both are followed through constants
 * (`const args = process.argv.slice(2)`) and array destructuring
 * (`const [, , mode] = process.argv`, `const [mode] = args`,
 * `const [, , ...args] = process.argv`). A destructured default
 * (`const [, , mode = 'serve'] = process.argv`) changes what the name holds,
 * so it is not followed.
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { findVariable, getPropertyName } from '@typescript-eslint/utils/ast-utils';
import { innermostScope, isConstantBinding, unwrap } from './ast';
import type { ParsedSource } from './module-references';
import { processMemberPath } from './process-members';

/** Aliases and slices deeper than this are not hand-written code. */
const MAX_HOPS = 8;

/** A read of the command line: the list from index `from` of `process.argv` on, or the element at index `at`. */
type ArgvRead = { from: number } | { at: number };

/** The index of `process.argv` from which the list `node` holds it, e.g. 2 for `process.argv.slice(2)`. */
export function argvListStart(sourceCode: ParsedSource, node: TSESTree.Node): number | undefined {
  const read = argvRead(sourceCode, node, 0);
  return read && 'from' in read ? read.from : undefined;
}

/** The index of `process.argv` that `node` reads, e.g. 2 for `process.argv[2]`. */
export function argvIndex(sourceCode: ParsedSource, node: TSESTree.Node): number | undefined {
  const read = argvRead(sourceCode, node, 0);
  return read && 'at' in read ? read.at : undefined;
}

function argvRead(sourceCode: ParsedSource, node: TSESTree.Node, hops: number): ArgvRead | undefined {
  if (hops > MAX_HOPS) return undefined;
  const target = unwrap(node);
  const path = processMemberPath(sourceCode, target);
  if (path) {
    const [base, index, ...rest] = path;
    if (base !== 'argv' || rest.length > 0) return undefined;
    return index === undefined ? { from: 0 } : elementOf({ from: 0 }, toIndex(index));
  }
  switch (target.type) {
    case AST_NODE_TYPES.MemberExpression: {
      const index = target.computed && target.property.type === AST_NODE_TYPES.Literal ? toIndex(target.property.value) : undefined;
      return index === undefined ? undefined : elementOf(argvRead(sourceCode, target.object, hops + 1), index);
    }
    case AST_NODE_TYPES.CallExpression:
      return sliceOf(sourceCode, target, hops);
    case AST_NODE_TYPES.Identifier:
      return argvAlias(sourceCode, target, hops);
    default:
      return undefined;
  }
}

/** `list.slice(k)` or `list.slice()`: the same list from `k` further on. */
function sliceOf(sourceCode: ParsedSource, call: TSESTree.CallExpression, hops: number): ArgvRead | undefined {
  const callee = unwrap(call.callee);
  if (callee.type !== AST_NODE_TYPES.MemberExpression || getPropertyName(callee) !== 'slice' || call.arguments.length > 1) {
    return undefined;
  }
  const [start] = call.arguments;
  const skipped = start === undefined ? 0 : start.type === AST_NODE_TYPES.Literal ? toIndex(start.value) : undefined;
  if (skipped === undefined) return undefined;
  const list = argvRead(sourceCode, callee.object, hops + 1);
  return list && 'from' in list ? { from: list.from + skipped } : undefined;
}

/** `const args = <list>`, `const [, , mode] = <list>`, `const [, , ...args] = <list>`, declared once and never reassigned. */
function argvAlias(sourceCode: ParsedSource, id: TSESTree.Identifier, hops: number): ArgvRead | undefined {
  const variable = findVariable(innermostScope(sourceCode, id), id);
  if (!isConstantBinding(variable)) return undefined;
  const def = variable.defs[0];
  if (def.node.type !== AST_NODE_TYPES.VariableDeclarator || !def.node.init) return undefined;
  const { id: pattern, init } = def.node;
  if (pattern === def.name) return argvRead(sourceCode, init, hops + 1);
  if (pattern.type !== AST_NODE_TYPES.ArrayPattern) return undefined;
  const rest = def.name.parent?.type === AST_NODE_TYPES.RestElement ? def.name.parent : undefined;
  const index = pattern.elements.findIndex(element => element === (rest ?? def.name));
  if (index < 0) return undefined;
  const list = argvRead(sourceCode, init, hops + 1);
  if (!list || !('from' in list)) return undefined;
  return rest ? { from: list.from + index } : { at: list.from + index };
}

function elementOf(list: ArgvRead | undefined, index: number | undefined): ArgvRead | undefined {
  return list && 'from' in list && index !== undefined ? { at: list.from + index } : undefined;
}

/** A whole, non-negative number written as a number or a string of digits (`argv['2']`). */
function toIndex(value: unknown): number | undefined {
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}
