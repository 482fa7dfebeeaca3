/**
 * The string, number or boolean a value surely is, read from syntax: a
 * literal (`'primary'`, `-1`, `` `worker` `` without substitutions), or one
 * held in a name that cannot change, so that the guard analysis reads
 * `role === PRIMARY`, `case Role.Primary:`, `process.argv.includes(ROLE_FLAG)`
 * and `fork(__filename, [WORKER_ARG])` as it reads the literal written there:
 *
 * - a constant initialised with one (`const PRIMARY = 'primary'`, a `let`
 *   never reassigned), or with another such constant;
 * - a member of an enum the file declares once (`Role.Primary` of `enum Role
 *   { Primary = 'primary' }`, or `const enum`): its string or number
 *   initializer, or, with none, the member before it plus one (0 for the
 *   first), as TypeScript numbers them;
 * - a member of an object literal held in a constant (`ROLES.PRIMARY` of
 *   `const ROLES = { PRIMARY: 'primary' }`) when nothing can change it: the
 *   object is frozen (`Object.freeze({ ... })`), or the file only ever reads
 *   members of it (`ROLES.x`, never written, never the object handed on).
 *
 * Anything else (a computed enum member, a getter, a key a later spread may
 * override, a declared or merged enum) has no known value.
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { findVariable, getPropertyName } from '@typescript-eslint/utils/ast-utils';
import { constantInitializer, innermostScope, isConstantBinding, isGlobalName, unwrap } from './ast';
import type { ParsedSource } from './module-references';

export type ConstantValue = string | number | boolean;

/** Constants naming constants deeper than this are not hand-written code. */
const MAX_HOPS = 4;

/** The string, number or boolean `node` surely evaluates to, else undefined. */
export function constantValue(sourceCode: ParsedSource, node: TSESTree.Node, hops = 0): ConstantValue | undefined {
  if (hops > MAX_HOPS) return undefined;
  const target = unwrap(node);
  switch (target.type) {
    case AST_NODE_TYPES.Literal:
      return isConstantValue(target.value) ? target.value : undefined;
    case AST_NODE_TYPES.TemplateLiteral:
      return target.expressions.length === 0 ? target.quasis[0].value.cooked ?? undefined : undefined;
    case AST_NODE_TYPES.UnaryExpression: {
      const value = target.operator === '-' ? constantValue(sourceCode, target.argument, hops + 1) : undefined;
      return typeof value === 'number' ? -value : undefined;
    }
    case AST_NODE_TYPES.Identifier: {
      const init = constantInitializer(target, innermostScope(sourceCode, target));
      return init ? constantValue(sourceCode, init, hops + 1) : undefined;
    }
    case AST_NODE_TYPES.MemberExpression:
      return memberValue(sourceCode, target, hops);
    default:
      return undefined;
  }
}

function isConstantValue(value: unknown): value is ConstantValue {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** `Role.Primary` of a local enum, `ROLES.PRIMARY` of an object literal that nothing changes. */
function memberValue(sourceCode: ParsedSource, member: TSESTree.MemberExpression, hops: number): ConstantValue | undefined {
  if (member.object.type !== AST_NODE_TYPES.Identifier) return undefined;
  const scope = innermostScope(sourceCode, member);
  const name = getPropertyName(member, scope);
  if (name === null) return undefined;
  const variable = findVariable(scope, member.object);
  if (!isConstantBinding(variable)) return undefined;
  const def = variable.defs[0];
  if (def.node.type === AST_NODE_TYPES.TSEnumDeclaration) return enumMemberValue(def.node, name);
  if (def.node.type !== AST_NODE_TYPES.VariableDeclarator || def.node.id !== def.name || !def.node.init) return undefined;
  const init = unwrap(def.node.init);
  const frozen = frozenArgument(sourceCode, init);
  const literal = frozen ?? init;
  if (literal.type !== AST_NODE_TYPES.ObjectExpression) return undefined;
  if (!frozen && !variable.references.every(ref => ref.init || isMemberRead(ref.identifier))) return undefined;
  const value = ownPropertyValue(literal, name);
  return value && constantValue(sourceCode, value, hops + 1);
}

/**
 * The value `name` has in `enum E { ... }`: its string or number initializer,
 * or one more than the member before it (0 for the first). A declared enum's
 * members without initializers are not numbered by this file.
 */
function enumMemberValue(declaration: TSESTree.TSEnumDeclaration, name: string): ConstantValue | undefined {
  if (declaration.declare) return undefined;
  let previous: ConstantValue | undefined = -1;
  for (const member of declaration.body.members) {
    let value: ConstantValue | undefined;
    if (member.initializer) {
      const init = unwrap(member.initializer);
      const negated = init.type === AST_NODE_TYPES.UnaryExpression && init.operator === '-' ? unwrap(init.argument) : undefined;
      const literal = negated ?? init;
      const raw = literal.type === AST_NODE_TYPES.Literal ? literal.value : undefined;
      value = typeof raw === 'string' && !negated ? raw : typeof raw === 'number' ? (negated ? -raw : raw) : undefined;
    } else {
      value = typeof previous === 'number' ? previous + 1 : undefined;
    }
    if (enumMemberName(member) === name) return value;
    previous = value;
  }
  return undefined;
}

/** `Primary` of `Primary = ...` and of `'Primary' = ...`. */
function enumMemberName(member: TSESTree.TSEnumMember): string | undefined {
  if (member.id.type === AST_NODE_TYPES.Identifier) return member.id.name;
  return member.id.type === AST_NODE_TYPES.Literal ? member.id.value : undefined;
}

/** The object `Object.freeze(object)` returns, of the global `Object`. */
function frozenArgument(sourceCode: ParsedSource, node: TSESTree.Node): TSESTree.Node | undefined {
  if (node.type !== AST_NODE_TYPES.CallExpression || node.arguments.length !== 1) return undefined;
  const callee = node.callee;
  if (callee.type !== AST_NODE_TYPES.MemberExpression || callee.object.type !== AST_NODE_TYPES.Identifier) return undefined;
  if (callee.object.name !== 'Object' || getPropertyName(callee) !== 'freeze') return undefined;
  const [argument] = node.arguments;
  if (argument.type === AST_NODE_TYPES.SpreadElement) return undefined;
  // An `Object` the file declares or imports may be anything.
  return isGlobalName(callee.object, innermostScope(sourceCode, node)) ? unwrap(argument) : undefined;
}

/** The value of the plain `name: value` property of `object` that no later key or spread may override. */
function ownPropertyValue(object: TSESTree.ObjectExpression, name: string): TSESTree.Node | undefined {
  let found: TSESTree.Node | undefined;
  for (const property of object.properties) {
    if (property.type === AST_NODE_TYPES.SpreadElement) {
      found = undefined;
      continue;
    }
    const key = getPropertyName(property);
    if (key === null) found = undefined; // a computed key may be this one
    else if (key === name) found = property.kind === 'init' && !property.method ? property.value : undefined;
  }
  return found;
}

/** `obj.x` read, not written (`obj.x = ...`, `obj.x++`, `delete obj.x`, a destructuring target). */
function isMemberRead(id: TSESTree.Node): boolean {
  const member = id.parent;
  if (member?.type !== AST_NODE_TYPES.MemberExpression || member.object !== id) return false;
  const parent = member.parent;
  switch (parent?.type) {
    case AST_NODE_TYPES.AssignmentExpression:
    case AST_NODE_TYPES.AssignmentPattern:
      return parent.left !== member;
    case AST_NODE_TYPES.UpdateExpression:
    case AST_NODE_TYPES.ArrayPattern:
    case AST_NODE_TYPES.RestElement:
      return false;
    case AST_NODE_TYPES.UnaryExpression:
      return parent.operator !== 'delete';
    case AST_NODE_TYPES.ForInStatement:
    case AST_NODE_TYPES.ForOfStatement:
      return parent.left !== member;
    case AST_NODE_TYPES.Property:
      return parent.parent.type !== AST_NODE_TYPES.ObjectPattern || parent.value !== member;
    default:
      return true;
  }
}
