/**
 * Callbacks that run where they are handed over: a function passed directly
 * to an array method (`urls.map(url => new Pool({ url }))`,
 * `Array.from({ length: 2 }, () => new Pool())`), to a Promise executor
 * (`new Promise(resolve => ...)`), or to a scheduler (`setImmediate`,
 * `setTimeout`, `setInterval`, `queueMicrotask`, `process.nextTick`). The
 * array methods and the executor call it before the call returns, a
 * scheduler soon after; either way in the process and thread that made the
 * call, like an IIFE. The run-side analysis reads such a call as a call of
 * the callback.
 *
 * An event handler (`.on('message', fn)`, `app.get(path, fn)`,
 * `cluster.on('fork', fn)`) runs only if its event comes, and is not one of
 * these. The names are a fixed list: any receiver's `map`/`forEach`/... reads
 * as an array's, and a scheduler, `Array`, `Promise` or `process` counts only
 * as the global, not as a local binding of the same name.
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { findVariable, getPropertyName } from '@typescript-eslint/utils/ast-utils';
import { innermostScope } from './ast';
import type { ParsedSource } from './module-references';

/** The call that runs a callback, and whether it may run it more than once. */
export interface CallbackInvocation {
  call: TSESTree.CallExpression | TSESTree.NewExpression;
  repeats: boolean;
}

/** Array methods that call their first argument for the elements, before they return. */
const ARRAY_METHODS = new Set([
  'every',
  'filter',
  'find',
  'findIndex',
  'findLast',
  'findLastIndex',
  'flatMap',
  'forEach',
  'map',
  'reduce',
  'reduceRight',
  'some',
]);

/** Global schedulers that call their first argument soon, in this process; `setInterval` again and again. */
const SCHEDULERS: ReadonlyMap<string, boolean> = new Map([
  ['queueMicrotask', false],
  ['setImmediate', false],
  ['setInterval', true],
  ['setTimeout', false],
]);

/**
 * The call that runs `callback` (a function, or the name of one) when it is
 * that call's callback argument: `items.map(callback)`, `Array.from(items,
 * callback)`, `new Promise(callback)`, `setImmediate(callback)`,
 * `process.nextTick(callback)`.
 */
export function callbackInvocation(callback: TSESTree.Node, source: ParsedSource): CallbackInvocation | undefined {
  const call = callback.parent;
  if (call?.type !== AST_NODE_TYPES.CallExpression && call?.type !== AST_NODE_TYPES.NewExpression) return undefined;
  const index = call.arguments.indexOf(callback as TSESTree.CallExpressionArgument);
  if (index === -1) return undefined;
  const callee = call.callee;
  if (call.type === AST_NODE_TYPES.NewExpression) {
    return index === 0 && isGlobal(callee, 'Promise', source) ? { call, repeats: false } : undefined;
  }
  if (callee.type === AST_NODE_TYPES.Identifier) {
    const repeats = SCHEDULERS.get(callee.name);
    return index === 0 && repeats !== undefined && isGlobal(callee, callee.name, source) ? { call, repeats } : undefined;
  }
  if (callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  const method = getPropertyName(callee);
  if (method === null) return undefined;
  if (index === 0 && ARRAY_METHODS.has(method)) return { call, repeats: true };
  if (index === 0 && method === 'nextTick' && isGlobal(callee.object, 'process', source)) return { call, repeats: false };
  if (index === 1 && method === 'from' && isGlobal(callee.object, 'Array', source)) return { call, repeats: true };
  return undefined;
}

/** `name` read as the global of that name: not declared in the file (a configured global has no definitions). */
function isGlobal(node: TSESTree.Node, name: string, source: ParsedSource): boolean {
  if (node.type !== AST_NODE_TYPES.Identifier || node.name !== name) return false;
  const variable = findVariable(innermostScope(source, node), node);
  return !variable || variable.defs.length === 0;
}
