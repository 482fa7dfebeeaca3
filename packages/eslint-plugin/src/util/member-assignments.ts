/**
 * Members assigned onto a local object or array literal after its
 * declaration: `const holder = {}; holder.pool = new Pool(); send(holder)`,
 * `pools[0] = pool`.
 *
 * The untyped pool tracking reads an object by its literal; these
 * assignments add to what the literal holds. Only plain `=` (and `??=`,
 * `||=`) assignments of a static member name or index, on a variable
 * declared once with the literal and never reassigned, made in the same
 * function as the declaration, count: an assignment in a callback may run
 * after the object is sent, and anything subtler (`pools.push(pool)`,
 * `map.set('a', pool)`, `holder[key] = pool`) needs data flow.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { getPropertyName } from '@typescript-eslint/utils/ast-utils';
import { isConstantBinding } from './ast';

/** An object or array literal, which these assignments extend. */
export type ContainerLiteral = TSESTree.ArrayExpression | TSESTree.ObjectExpression;

/** Member name (an index as a string) -> every value assigned to it. */
export type AssignedMembers = ReadonlyMap<string, readonly TSESTree.Node[]>;

const NONE: AssignedMembers = new Map();
const cache = new WeakMap<ContainerLiteral, AssignedMembers>();

/** What is assigned onto the members of the variable that `literal` initializes. */
export function assignedMembers(
  sourceCode: Readonly<TSESLint.SourceCode>,
  literal: ContainerLiteral,
): AssignedMembers {
  let found = cache.get(literal);
  if (!found) {
    found = collect(sourceCode, literal);
    cache.set(literal, found);
  }
  return found;
}

function collect(sourceCode: Readonly<TSESLint.SourceCode>, literal: ContainerLiteral): AssignedMembers {
  const declarator = declaratorOf(literal);
  const variable = declarator && sourceCode.getDeclaredVariables(declarator)[0];
  if (!isConstantBinding(variable)) return NONE;
  const found = new Map<string, TSESTree.Node[]>();
  for (const ref of variable.references) {
    const member = ref.identifier.parent;
    const assignment = member?.parent;
    if (
      ref.from.variableScope !== variable.scope.variableScope ||
      member?.type !== AST_NODE_TYPES.MemberExpression ||
      member.object !== ref.identifier ||
      assignment?.type !== AST_NODE_TYPES.AssignmentExpression ||
      assignment.left !== member ||
      !['=', '??=', '||='].includes(assignment.operator)
    ) {
      continue;
    }
    const name = getPropertyName(member, ref.from);
    if (name === null) continue;
    found.set(name, [...(found.get(name) ?? []), assignment.right]);
  }
  return found;
}

/** `const holder = {}` (through TypeScript's `as`/`satisfies`), with a plain name. */
function declaratorOf(literal: ContainerLiteral): TSESTree.VariableDeclarator | undefined {
  let node: TSESTree.Node = literal;
  while (
    node.parent?.type === AST_NODE_TYPES.TSAsExpression ||
    node.parent?.type === AST_NODE_TYPES.TSSatisfiesExpression
  ) {
    node = node.parent;
  }
  const parent = node.parent;
  return parent?.type === AST_NODE_TYPES.VariableDeclarator &&
    parent.init === node &&
    parent.id.type === AST_NODE_TYPES.Identifier
    ? parent
    : undefined;
}
