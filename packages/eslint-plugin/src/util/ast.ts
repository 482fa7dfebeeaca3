/**
 * Small AST helpers shared by the fork, guard and creator analyses, which run
 * both on ESLint's SourceCode and on module-graph parses of other files.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import type { ParsedSource } from './module-references';

/** Peels TypeScript-only wrappers that change nothing at runtime. */
export function unwrap(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  while (
    current.type === AST_NODE_TYPES.TSAsExpression ||
    current.type === AST_NODE_TYPES.TSNonNullExpression ||
    current.type === AST_NODE_TYPES.TSSatisfiesExpression ||
    current.type === AST_NODE_TYPES.TSTypeAssertion ||
    current.type === AST_NODE_TYPES.ChainExpression
  ) {
    current = current.expression;
  }
  return current;
}

/** The innermost scope that contains `node`, like `sourceCode.getScope`. */
export function innermostScope(sourceCode: ParsedSource, node: TSESTree.Node): TSESLint.Scope.Scope {
  const manager = sourceCode.scopeManager!;
  for (let current: TSESTree.Node | undefined = node; current; current = current.parent) {
    const scope = manager.acquire(current, true);
    if (scope) return scope.type === 'function-expression-name' ? scope.childScopes[0] : scope;
  }
  return manager.globalScope!;
}

type FunctionNode =
  | TSESTree.ArrowFunctionExpression
  | TSESTree.FunctionDeclaration
  | TSESTree.FunctionExpression;

/**
 * The function whose call runs `node`, skipping IIFEs (they run where they
 * stand); `undefined` when `node` runs as the module loads.
 */
export function enclosingFunction(node: TSESTree.Node): FunctionNode | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (
      current.type === AST_NODE_TYPES.ArrowFunctionExpression ||
      current.type === AST_NODE_TYPES.FunctionDeclaration ||
      current.type === AST_NODE_TYPES.FunctionExpression
    ) {
      const call = current.parent;
      const isIife = call?.type === AST_NODE_TYPES.CallExpression && call.callee === current;
      if (!isIife) return current;
    }
  }
  return undefined;
}
