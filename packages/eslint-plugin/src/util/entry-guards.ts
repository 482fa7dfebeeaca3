/**
 * The runnable-script idiom: code that runs only when its module is the
 * program's entry point, never when another module imports it.
 *
 * `if (require.main === module) { … }` (CommonJS), `if (import.meta.main)`
 * and `if (process.argv[1] === fileURLToPath(import.meta.url))` (ESM, also
 * with `import.meta.filename` or `__filename`), and the older CommonJS
 * `if (!module.parent)` (also `module.parent === null` or `== undefined`),
 * let a migration or seed script both run on its own and export its
 * functions. Imported by a forking file, such a module creates nothing in
 * the arm of that test, nor in a function called only from there
 * (module-graph, run-sides). The forking file itself is the entry, so its own code in
 * such an arm is not read this way. Also `&&` and `?:` arms, and the `else`
 * of the negated tests (`!==`, `!import.meta.main`, `module.parent`).
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { getPropertyName } from '@typescript-eslint/utils/ast-utils';
import { isImportMeta, unwrap } from './ast';

/** Whether `node` runs only when its module is the entry point: in the entry arm of an entry test. */
export function runsOnlyAsEntry(node: TSESTree.Node): boolean {
  for (let child = node, parent = node.parent; parent; child = parent, parent = parent.parent) {
    const arm = entryArm(parent, child);
    if (arm !== undefined && entryTest(armTest(parent)) === arm) return true;
  }
  return false;
}

/** Which arm of a branch `child` is: true for the arm run when the test holds, false for the other. */
function entryArm(parent: TSESTree.Node, child: TSESTree.Node): boolean | undefined {
  switch (parent.type) {
    case AST_NODE_TYPES.IfStatement:
    case AST_NODE_TYPES.ConditionalExpression:
      if (child === parent.consequent) return true;
      return child === parent.alternate ? false : undefined;
    case AST_NODE_TYPES.LogicalExpression:
      if (child !== parent.right) return undefined;
      if (parent.operator === '&&') return true;
      return parent.operator === '||' ? false : undefined;
    default:
      return undefined;
  }
}

function armTest(parent: TSESTree.Node): TSESTree.Node {
  if (parent.type === AST_NODE_TYPES.LogicalExpression) return parent.left;
  return (parent as TSESTree.IfStatement | TSESTree.ConditionalExpression).test;
}

/** True when `test` holds exactly when the module is the entry, false when exactly when it is not; else undefined. */
function entryTest(test: TSESTree.Node): boolean | undefined {
  const expr = unwrap(test);
  if (expr.type === AST_NODE_TYPES.UnaryExpression && expr.operator === '!') {
    const inner = entryTest(expr.argument);
    return inner === undefined ? undefined : !inner;
  }
  if (isImportMeta(expr, 'main')) return true;
  // A required module has a parent; the entry has none.
  if (isModuleParent(expr)) return false;
  if (expr.type !== AST_NODE_TYPES.BinaryExpression) return undefined;
  const equal = expr.operator === '===' || expr.operator === '==';
  if (!equal && expr.operator !== '!==' && expr.operator !== '!=') return undefined;
  const { left, right } = expr;
  const matches =
    isRequireMainPair(left, right) ||
    isEntryPathPair(left, right) ||
    isEntryPathPair(right, left) ||
    isNoParentPair(left, right) ||
    isNoParentPair(right, left);
  return matches ? equal : undefined;
}

/** `module.parent` and `null` or `undefined`: no module required this one. */
function isNoParentPair(parent: TSESTree.Node, nothing: TSESTree.Node): boolean {
  const empty = unwrap(nothing);
  const isNothing = (empty.type === AST_NODE_TYPES.Literal && empty.value === null) || isIdentifier(empty, 'undefined');
  return isNothing && isModuleParent(parent);
}

function isModuleParent(node: TSESTree.Node): boolean {
  const expr = unwrap(node);
  return expr.type === AST_NODE_TYPES.MemberExpression && isIdentifier(expr.object, 'module') && getPropertyName(expr) === 'parent';
}

/** `require.main` and `module`, either way round. */
function isRequireMainPair(a: TSESTree.Node, b: TSESTree.Node): boolean {
  return (isRequireMain(a) && isIdentifier(b, 'module')) || (isRequireMain(b) && isIdentifier(a, 'module'));
}

function isRequireMain(node: TSESTree.Node): boolean {
  const expr = unwrap(node);
  return expr.type === AST_NODE_TYPES.MemberExpression && isIdentifier(expr.object, 'require') && getPropertyName(expr) === 'main';
}

/** `process.argv[1]` and this module's own path: `fileURLToPath(import.meta.url)`, `import.meta.filename`, `__filename`. */
function isEntryPathPair(argv: TSESTree.Node, own: TSESTree.Node): boolean {
  return isArgvOne(argv) && isOwnPath(own);
}

function isArgvOne(node: TSESTree.Node): boolean {
  const expr = unwrap(node);
  if (expr.type !== AST_NODE_TYPES.MemberExpression || !expr.computed) return false;
  const { object, property } = expr;
  return (
    property.type === AST_NODE_TYPES.Literal &&
    property.value === 1 &&
    object.type === AST_NODE_TYPES.MemberExpression &&
    isIdentifier(object.object, 'process') &&
    getPropertyName(object) === 'argv'
  );
}

function isOwnPath(node: TSESTree.Node): boolean {
  const expr = unwrap(node);
  if (isIdentifier(expr, '__filename') || isImportMeta(expr, 'filename')) return true;
  if (expr.type !== AST_NODE_TYPES.CallExpression || expr.arguments.length !== 1) return false;
  const callee = unwrap(expr.callee);
  const name = callee.type === AST_NODE_TYPES.MemberExpression ? getPropertyName(callee) : callee.type === AST_NODE_TYPES.Identifier ? callee.name : null;
  return name === 'fileURLToPath' && isImportMeta(expr.arguments[0], 'url');
}

function isIdentifier(node: TSESTree.Node, name: string): boolean {
  const expr = unwrap(node);
  return expr.type === AST_NODE_TYPES.Identifier && expr.name === name;
}
