/**
 * A pool the parent ends before it forks: "migrate in the primary, end the
 * pool, then fork" holds no connections while the children run.
 *
 * `const pool = new Pool()` counts as ended when a later statement of the
 * same statement list ends it (`await pool.end()`, `db.destroy()`,
 * `close()`, `quit()`, `disconnect()`, `$disconnect()`), directly or in the
 * `finally` of a `try` there (or its block, when no `catch` may swallow an
 * error and go on to the fork); every self-fork of the file comes after that
 * statement; and nothing between the creation and the end calls a function
 * of the file that forks. An end inside an `if`, a callback or another
 * function, an end after the fork, or a binding that is reassigned may leave
 * the pool open while the children run: not ended.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { getPropertyName } from '@typescript-eslint/utils/ast-utils';
import { enclosingFunction, innermostScope, isConstantBinding, localFunctionOf, unwrap, walk } from './ast';
import type { ForkSite } from './fork-sites';
import type { ParsedSource } from './module-references';

/** Methods that close a pool, client, connection or engine for good. */
const END_METHODS = new Set(['end', 'destroy', 'close', 'quit', 'disconnect', '$disconnect']);

/** Wrappers around a creation that keep its value: `await`, `as`, `!`, `satisfies`. */
const VALUE_WRAPPERS: ReadonlySet<string> = new Set([
  AST_NODE_TYPES.AwaitExpression,
  AST_NODE_TYPES.TSAsExpression,
  AST_NODE_TYPES.TSNonNullExpression,
  AST_NODE_TYPES.TSSatisfiesExpression,
]);

/** Whether the pool `creation` opens is ended, on every path, before any of `forks` runs. */
export function isEndedBeforeForks(source: ParsedSource, creation: TSESTree.Node, forks: readonly ForkSite[]): boolean {
  const declaration = declarationHolding(creation);
  const list = declaration && statementList(declaration);
  if (!declaration || !list) return false;
  const [variable] = source.scopeManager?.getDeclaredVariables(declaration.declarations[0]) ?? [];
  if (!isConstantBinding(variable)) return false;
  const start = list.indexOf(declaration);
  const end = list.findIndex((statement, index) => index > start && endsPool(statement, variable));
  if (end === -1) return false;
  const ending = list[end];
  if (forks.some(fork => fork.node.range[0] < ending.range[1])) return false;
  return !callsForkingFunction(source, list.slice(start + 1, end), forks);
}

/** `const pool = new Pool()` or `const db = await connect()`: the declaration, when it declares that one name. */
function declarationHolding(creation: TSESTree.Node): TSESTree.VariableDeclaration | undefined {
  let value = creation;
  while (value.parent && VALUE_WRAPPERS.has(value.parent.type)) value = value.parent;
  const declarator = value.parent;
  if (declarator?.type !== AST_NODE_TYPES.VariableDeclarator || declarator.init !== value) return undefined;
  if (declarator.id.type !== AST_NODE_TYPES.Identifier) return undefined;
  const declaration = declarator.parent;
  return declaration.type === AST_NODE_TYPES.VariableDeclaration && declaration.declarations.length === 1
    ? declaration
    : undefined;
}

/** The statements the declaration is one of: a block, the program, a `case`. */
function statementList(statement: TSESTree.Node): readonly TSESTree.Node[] | undefined {
  const parent = statement.parent;
  switch (parent?.type) {
    case AST_NODE_TYPES.Program:
    case AST_NODE_TYPES.BlockStatement:
    case AST_NODE_TYPES.StaticBlock:
      return parent.body;
    case AST_NODE_TYPES.SwitchCase:
      return parent.consequent;
    default:
      return undefined;
  }
}

/** `pool.end()`, `await db.destroy()`, or a `try` that surely runs one. */
function endsPool(statement: TSESTree.Node, variable: TSESLint.Scope.Variable): boolean {
  if (statement.type === AST_NODE_TYPES.TryStatement) {
    const inFinally = statement.finalizer?.body.some(inner => endsPool(inner, variable)) ?? false;
    // Without a `catch`, an error before the end also skips the fork after the `try`.
    const inBlock = statement.handler === null && statement.block.body.some(inner => endsPool(inner, variable));
    return inFinally || inBlock;
  }
  if (statement.type !== AST_NODE_TYPES.ExpressionStatement) return false;
  let call = unwrap(statement.expression);
  if (call.type === AST_NODE_TYPES.UnaryExpression && call.operator === 'void') call = unwrap(call.argument);
  if (call.type === AST_NODE_TYPES.AwaitExpression) call = unwrap(call.argument);
  if (call.type !== AST_NODE_TYPES.CallExpression) return false;
  const callee = unwrap(call.callee);
  if (callee.type !== AST_NODE_TYPES.MemberExpression || !END_METHODS.has(getPropertyName(callee) ?? '')) return false;
  const receiver = unwrap(callee.object);
  return receiver.type === AST_NODE_TYPES.Identifier && variable.references.some(ref => ref.identifier === receiver);
}

/** Whether one of `statements` calls a function of the file that holds one of `forks`. */
function callsForkingFunction(source: ParsedSource, statements: readonly TSESTree.Node[], forks: readonly ForkSite[]): boolean {
  const forking = new Set<TSESTree.Node>();
  for (const fork of forks) {
    for (let fn = enclosingFunction(fork.node); fn; fn = enclosingFunction(fn)) forking.add(fn);
  }
  if (forking.size === 0) return false;
  let found = false;
  for (const statement of statements) {
    walk(statement, source.visitorKeys, node => {
      if (found || node.type !== AST_NODE_TYPES.CallExpression) return;
      const fn = localFunctionOf(node.callee, innermostScope(source, node));
      found = fn !== undefined && forking.has(fn);
    });
  }
  return found;
}
