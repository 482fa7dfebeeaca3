/**
 * Typed mode: whether a call runs a function of the linted file that holds,
 * or hands back, a pool whose creation in this file is already known.
 *
 * no-pool-before-fork counts a call whose type is a pool as a creation, but
 * not the call of a local factory whose own creation is reported: that is
 * one pool, reported once. A bare callee (`make()`) is found by scope; a
 * method (`Db.get()`, `db.create()` of an object literal, `repo.getPool()`)
 * only by the type checker, which names its declaration whatever the
 * receiver is. The method's body may hold the creation (`Db.#pool ??= new
 * Pool()`), or only read where it is kept (`return this.pool`, `return
 * Db.#pool`): then the values given to that field (class-fields) or binding
 * say which creation it holds. Declarations in other files, or without a
 * body (`declare const pools: { create(): Pool }`), show nothing.
 */
import type { ParserServicesWithTypeInformation, TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import type * as ts from 'typescript';
import { isFunctionNode, localFunctionOf, ownReturnValues, unwrap, within, type FunctionNode, type VisitorKeys } from './ast';
import { classFieldsOf, fieldKey } from './class-fields';

/**
 * Whether `call` runs a function of this file that contains one of
 * `creations`, or whose every return reads a field or binding given one.
 */
export function callsLocalHolderOf(
  services: ParserServicesWithTypeInformation,
  sourceCode: Readonly<TSESLint.SourceCode>,
  call: TSESTree.CallExpression,
  creations: readonly TSESTree.Node[],
): boolean {
  const others = creations.filter(creation => creation !== call);
  if (others.length === 0) return false;
  const fn = localFunctionOf(call.callee, sourceCode.getScope(call)) ?? declaredFunction(services, call);
  if (!fn) return false;
  const holds = (node: TSESTree.Node): boolean => others.some(creation => within(node, creation));
  if (holds(fn)) return true;
  return ownReturnValues(fn, sourceCode.visitorKeys).every(value => {
    const held = value && storedValues(services, value, sourceCode.visitorKeys);
    return held !== undefined && held.some(holds);
  });
}

/** The function of this file that the callee's symbol is declared as: a method, a property or a binding. */
function declaredFunction(services: ParserServicesWithTypeInformation, call: TSESTree.CallExpression): FunctionNode | undefined {
  const callee = unwrap(call.callee);
  const name = callee.type === AST_NODE_TYPES.MemberExpression ? callee.property : callee;
  for (const declaration of sameFileDeclarations(services, name)) {
    const value = assignedValue(declaration);
    const fn = value && unwrap(value);
    if (isFunctionNode(fn)) return fn;
  }
  return undefined;
}

/**
 * The values a read in a return can hold (`this.pool`, `Db.#pool`,
 * `pool`): each value given to the field or binding it names, when this
 * file declares it; undefined for any other expression.
 */
function storedValues(
  services: ParserServicesWithTypeInformation,
  value: TSESTree.Node,
  visitorKeys: VisitorKeys,
): TSESTree.Node[] | undefined {
  let read = unwrap(value);
  if (read.type === AST_NODE_TYPES.AwaitExpression) read = unwrap(read.argument);
  const name = read.type === AST_NODE_TYPES.MemberExpression ? read.property : read;
  if (name.type !== AST_NODE_TYPES.Identifier && name.type !== AST_NODE_TYPES.PrivateIdentifier) return undefined;
  const values: TSESTree.Node[] = [];
  for (const declaration of sameFileDeclarations(services, name)) {
    if (declaration.type === AST_NODE_TYPES.PropertyDefinition && declaration.parent.type === AST_NODE_TYPES.ClassBody) {
      // A field's initializer and every `this.pool = ...` of its class.
      const fields = classFieldsOf(declaration.parent, visitorKeys);
      const key = fieldKey(declaration);
      values.push(...((key !== undefined && (declaration.static ? fields.statics : fields.instance).get(key)) || []));
    } else {
      const assigned = assignedValue(declaration);
      if (assigned) values.push(assigned);
    }
  }
  return values.length > 0 ? values : undefined;
}

/** What a declaration gives its name: a method's function, a field's or property's value, a binding's initializer. */
function assignedValue(declaration: TSESTree.Node): TSESTree.Node | undefined {
  switch (declaration.type) {
    case AST_NODE_TYPES.FunctionDeclaration:
      return declaration;
    case AST_NODE_TYPES.MethodDefinition:
    case AST_NODE_TYPES.PropertyDefinition:
    case AST_NODE_TYPES.Property:
      return declaration.value ?? undefined;
    case AST_NODE_TYPES.VariableDeclarator:
      return declaration.init ?? undefined;
    default:
      return undefined;
  }
}

/** The ESTree nodes of the declarations of the symbol at `name` that this file holds (not an import's target). */
function sameFileDeclarations(services: ParserServicesWithTypeInformation, name: TSESTree.Node): TSESTree.Node[] {
  const own = services.esTreeNodeToTSNodeMap.get(name).getSourceFile();
  const declarations: ts.Declaration[] = services.getSymbolAtLocation(name)?.getDeclarations() ?? [];
  return declarations.flatMap(declaration => {
    if (declaration.getSourceFile() !== own) return [];
    const node = services.tsNodeToESTreeNodeMap.get(declaration) as TSESTree.Node | undefined;
    return node ? [node] : [];
  });
}
