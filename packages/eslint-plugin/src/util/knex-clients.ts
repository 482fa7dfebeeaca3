/**
 * knex declares `Knex#client` as `any`, though at run time it is always the
 * instance's `Knex.Client`: the object that holds the driver and the tarn
 * pool (`db.client.pool`). Typed mode reads such a member chain through the
 * declared `Knex.Client` class instead, so that `db.client` and
 * `db.client.pool` are judged by their real types, and `db.client.config`
 * stays plain data. Only members typed `any` are re-read; a chain knex types
 * itself (`qb.client`, a `Knex.Client` parameter) needs no help.
 */
import type { ParserServicesWithTypeInformation, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import type * as ts from 'typescript';
import { typescript } from './typescript-module';

import { unwrap } from './ast';
import { declaringPackageName } from './pool-types';
import { staticMemberName } from './pool-values';

/** Longer member chains than this are not hand-written code. */
const MAX_DEPTH = 8;

/**
 * The type a member chain typed `any` has once `Knex#client` is read as
 * `Knex.Client` (`db.client`, `db.client.pool`, `trx.client?.pool`), or
 * undefined for any other node. `sourceOf` gives the value a local variable
 * stands for, if known (pool-values), so that the chain may pass through one.
 */
export function knexClientChainType(
  services: ParserServicesWithTypeInformation,
  node: TSESTree.Node,
  sourceOf: (name: TSESTree.Identifier) => TSESTree.Node | undefined,
): ts.Type | undefined {
  if (!(services.getTypeAtLocation(node).flags & typescript().TypeFlags.Any)) return undefined;
  const checker = services.program.getTypeChecker();
  return chainType(node, 0);

  function chainType(current: TSESTree.Node, depth: number): ts.Type | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const member = unwrap(current);
    // `const pool = db.client.pool` and `const client = db.client` are typed `any` too: follow them to their value.
    if (member.type === AST_NODE_TYPES.Identifier) {
      const source = sourceOf(member);
      return source && chainType(source, depth + 1);
    }
    if (member.type !== AST_NODE_TYPES.MemberExpression) return undefined;
    const name = staticMemberName(member);
    if (name === undefined) return undefined;
    const client = knexClientOf(member);
    if (client) return client;
    const owner = chainType(member.object, depth + 1);
    const property = owner && checker.getPropertyOfType(checker.getNonNullableType(owner), name);
    return property && checker.getTypeOfSymbolAtLocation(property, services.esTreeNodeToTSNodeMap.get(member));
  }

  /** For `x.client` resolving to knex's `Knex#client: any`, the instance type of `Knex.Client`. */
  function knexClientOf(member: TSESTree.MemberExpression): ts.Type | undefined {
    if (staticMemberName(member) !== 'client') return undefined;
    for (const declaration of services.getSymbolAtLocation(member.property)?.getDeclarations() ?? []) {
      const owner = declaration.parent;
      if (
        !typescript().isInterfaceDeclaration(owner) ||
        owner.name.text !== 'Knex' ||
        declaringPackageName(declaration) !== 'knex'
      ) {
        continue;
      }
      // `interface Knex` merges with `namespace Knex`, which declares `class Client`.
      const clientClass = checker
        .getSymbolAtLocation(owner.name)
        ?.exports?.get('Client' as ts.__String);
      if (clientClass && clientClass.flags & typescript().SymbolFlags.Class) {
        return checker.getDeclaredTypeOfSymbol(clientClass);
      }
    }
    return undefined;
  }
}
