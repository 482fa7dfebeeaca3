/**
 * A file URL written as a string: `new URL(import.meta.url).href`,
 * `.toString()`, `String(url)` or `` `${url}` ``. Worker-pool libraries
 * (Piscina, Tinypool) take their `filename` as a path or a file URL string,
 * and their own docs spell it `new URL('./worker.mjs', import.meta.url).href`.
 * Node's own `new Worker()` and `child_process.fork()` do not: Worker
 * throws ERR_WORKER_PATH for a `file://` string, and fork reads it as a
 * relative path, so neither starts anything from one.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { getPropertyName } from '@typescript-eslint/utils/ast-utils';
import { constantInitializer, unwrap, isGlobalName } from './ast';

/** Constants holding constants are not followed further than this. */
const MAX_HOPS = 4;

/**
 * The `new URL(...)` that `node` spells as a string, itself or through
 * constants (`const self = new URL(import.meta.url); self.href`); undefined
 * for anything else.
 */
export function urlOfString(node: TSESTree.Node, scope: TSESLint.Scope.Scope, hops = 0): TSESTree.NewExpression | undefined {
  if (hops > MAX_HOPS) return undefined;
  const expr = unwrap(node);
  if (expr.type === AST_NODE_TYPES.Identifier) {
    const init = constantInitializer(expr, scope);
    return init && urlOfString(init, scope, hops + 1);
  }
  const url = stringifiedValue(expr, scope);
  return url && urlObjectOf(url, scope, hops);
}

/** What `url.href`, `url.toString()`, `String(url)` or `` `${url}` `` turns into a string. */
function stringifiedValue(expr: TSESTree.Node, scope: TSESLint.Scope.Scope): TSESTree.Node | undefined {
  switch (expr.type) {
    case AST_NODE_TYPES.MemberExpression:
      return getPropertyName(expr, scope) === 'href' ? expr.object : undefined;
    case AST_NODE_TYPES.CallExpression: {
      const callee = unwrap(expr.callee);
      const [argument] = expr.arguments;
      if (callee.type === AST_NODE_TYPES.MemberExpression) {
        return getPropertyName(callee, scope) === 'toString' && expr.arguments.length === 0 ? callee.object : undefined;
      }
      const isString = callee.type === AST_NODE_TYPES.Identifier && callee.name === 'String' && isGlobalName(callee, scope);
      return isString && expr.arguments.length === 1 && argument.type !== AST_NODE_TYPES.SpreadElement ? argument : undefined;
    }
    case AST_NODE_TYPES.TemplateLiteral: {
      const bare = expr.expressions.length === 1 && expr.quasis.every(quasi => quasi.value.cooked === '');
      return bare ? expr.expressions[0] : undefined;
    }
    default:
      return undefined;
  }
}

/** `new URL(...)`, itself or in a constant. */
function urlObjectOf(node: TSESTree.Node, scope: TSESLint.Scope.Scope, hops: number): TSESTree.NewExpression | undefined {
  const expr = unwrap(node);
  if (expr.type === AST_NODE_TYPES.Identifier) {
    const init = hops < MAX_HOPS ? constantInitializer(expr, scope) : undefined;
    return init && urlObjectOf(init, scope, hops + 1);
  }
  if (expr.type !== AST_NODE_TYPES.NewExpression) return undefined;
  // `new URL(...)`, or `new url.URL(...)` of `import * as url from 'node:url'`.
  const callee = unwrap(expr.callee);
  const isUrl =
    (callee.type === AST_NODE_TYPES.Identifier && callee.name === 'URL') ||
    (callee.type === AST_NODE_TYPES.MemberExpression && getPropertyName(callee) === 'URL');
  return isUrl ? expr : undefined;
}
