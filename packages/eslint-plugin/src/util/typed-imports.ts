/**
 * Typed mode: top-level imports and re-exports that load a module which
 * hands out a live pool, known by the type of what the file takes from it.
 *
 * `import { pool } from '@acme/db'` with `pool` read as a value and typed
 * `Pool`: the package opened that pool as it loaded. Also a namespace
 * import read as `db.pool` (`import * as db from '@acme/db'`, or
 * TypeScript's `import db = require('@acme/db')`), and a re-export (`export
 * { pool } from '@acme/db'`, `export * from '@acme/db'`), which loads the
 * module as an import does. A type that may be unset (`Pool | undefined`,
 * `Pool | null`) is a holder that some call fills later, or never: it says
 * nothing about the load, and is not reported. A use in a type only (`let
 * p: typeof pool`) reads no value; `import type` and `export type` load
 * nothing. Which modules to ask about is the caller's: the pool packages
 * themselves export classes and factories, and a local module is read by
 * syntax (module-graph), whose verdict stands.
 */
import type { ParserServicesWithTypeInformation, TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { getPropertyName } from '@typescript-eslint/utils/ast-utils';
import type * as ts from 'typescript';
import { typescript } from './typescript-module';
import { unwrap } from './ast';
import type { LocalImport } from './module-graph';
import type { ParsedSource } from './module-references';
import { getPoolKind } from './pool-types';

/** A module load that hands out a live pool, and what says so (`` `pool` is a `Pool` ``). */
export interface TypedPoolImport extends LocalImport {
  origin: string;
}

/** The top-level loads of `source` whose module, asked about by `asks`, hands out a live pool. */
export function findTypedPoolImports(
  services: ParserServicesWithTypeInformation,
  source: ParsedSource,
  asks: (specifier: string) => boolean,
): TypedPoolImport[] {
  const found: TypedPoolImport[] = [];
  for (const statement of source.ast.body) {
    const load = moduleLoad(statement);
    if (!load || !asks(load.specifier)) continue;
    const origin = poolOrigin(services, source, statement);
    if (origin) found.push({ ...load, origin });
  }
  return found;
}

/** The module a statement loads: a value import, `import x = require()`, or a value re-export. */
function moduleLoad(statement: TSESTree.ProgramStatement): LocalImport | undefined {
  let source: TSESTree.Node | undefined;
  switch (statement.type) {
    case AST_NODE_TYPES.ImportDeclaration:
      if (statement.importKind !== 'type') source = statement.source;
      break;
    case AST_NODE_TYPES.TSImportEqualsDeclaration:
      if (statement.importKind !== 'type' && statement.moduleReference.type === AST_NODE_TYPES.TSExternalModuleReference) {
        source = statement.moduleReference.expression;
      }
      break;
    case AST_NODE_TYPES.ExportNamedDeclaration:
    case AST_NODE_TYPES.ExportAllDeclaration:
      if (statement.exportKind !== 'type') source = statement.source ?? undefined;
      break;
  }
  const specifier = source?.type === AST_NODE_TYPES.Literal && typeof source.value === 'string' ? source.value : undefined;
  const loadKind = statement.type === AST_NODE_TYPES.TSImportEqualsDeclaration ? 'require' : 'import';
  return source && specifier !== undefined ? { node: statement, source, specifier, loadKind } : undefined;
}

/** What shows that `statement`'s module hands out a live pool, or undefined. */
function poolOrigin(
  services: ParserServicesWithTypeInformation,
  source: ParsedSource,
  statement: TSESTree.ProgramStatement,
): string | undefined {
  switch (statement.type) {
    case AST_NODE_TYPES.ImportDeclaration:
      for (const binding of statement.specifiers) {
        if (binding.type === AST_NODE_TYPES.ImportSpecifier && binding.importKind === 'type') continue;
        const origin =
          binding.type === AST_NODE_TYPES.ImportNamespaceSpecifier
            ? memberOrigin(services, source, binding)
            : bindingOrigin(services, source, binding);
        if (origin) return origin;
      }
      return undefined;
    case AST_NODE_TYPES.TSImportEqualsDeclaration:
      return memberOrigin(services, source, statement);
    case AST_NODE_TYPES.ExportNamedDeclaration:
      for (const specifier of statement.specifiers) {
        if (specifier.exportKind === 'type') continue;
        const type = exportedType(services, specifier.local);
        if (type && isLivePool(services, type)) return describe(services, nameOf(specifier.exported), type);
      }
      return undefined;
    case AST_NODE_TYPES.ExportAllDeclaration:
      return reExportedPool(services, statement.source);
    default:
      return undefined;
  }
}

/** `pool` of `import { pool }` or `import pool from`, read as a value somewhere and typed as a live pool. */
function bindingOrigin(
  services: ParserServicesWithTypeInformation,
  source: ParsedSource,
  binding: TSESTree.ImportDefaultSpecifier | TSESTree.ImportSpecifier,
): string | undefined {
  if (valueReads(source, binding).length === 0) return undefined;
  const type = services.getTypeAtLocation(binding.local);
  return isLivePool(services, type) ? describe(services, binding.local.name, type) : undefined;
}

/** `db.pool` read as a value, for a namespace `db` (`import * as db`, `import db = require()`). */
function memberOrigin(
  services: ParserServicesWithTypeInformation,
  source: ParsedSource,
  declaring: TSESTree.ImportNamespaceSpecifier | TSESTree.TSImportEqualsDeclaration,
): string | undefined {
  for (const id of valueReads(source, declaring)) {
    const member = id.parent;
    if (member?.type !== AST_NODE_TYPES.MemberExpression || member.object !== id) continue;
    const type = services.getTypeAtLocation(member);
    if (isLivePool(services, type)) return describe(services, `${id.name}.${getPropertyName(member) ?? '[]'}`, type);
  }
  return undefined;
}

/** A value export of the module `export * from` names that is a live pool. */
function reExportedPool(services: ParserServicesWithTypeInformation, moduleName: TSESTree.Node): string | undefined {
  const checker = services.program.getTypeChecker();
  const tsNode = services.esTreeNodeToTSNodeMap.get(moduleName);
  const module = checker.getSymbolAtLocation(tsNode);
  for (const exported of module ? checker.getExportsOfModule(module) : []) {
    const symbol = exported.flags & typescript().SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    if (!(symbol.flags & typescript().SymbolFlags.Variable)) continue;
    const type = checker.getTypeOfSymbolAtLocation(symbol, tsNode);
    if (isLivePool(services, type)) return describe(services, exported.name, type);
  }
  return undefined;
}

/** The type of what `export { local } from` re-exports. */
function exportedType(services: ParserServicesWithTypeInformation, local: TSESTree.Node): ts.Type | undefined {
  const checker = services.program.getTypeChecker();
  const tsNode = services.esTreeNodeToTSNodeMap.get(local);
  const alias = checker.getSymbolAtLocation(tsNode);
  const symbol = alias && alias.flags & typescript().SymbolFlags.Alias ? checker.getAliasedSymbol(alias) : alias;
  return symbol && symbol.flags & typescript().SymbolFlags.Variable ? checker.getTypeOfSymbolAtLocation(symbol, tsNode) : undefined;
}

/** The identifiers that read the names `declaring` binds as values: not in a type, nor in `typeof x` there. */
function valueReads(source: ParsedSource, declaring: TSESTree.Node): TSESTree.Identifier[] {
  const variables = source.scopeManager?.getDeclaredVariables(declaring) ?? [];
  return variables
    .flatMap(variable => variable.references)
    .filter(ref => ref.isValueReference && !inTypeQuery(ref))
    .map(ref => ref.identifier as TSESTree.Identifier);
}

function inTypeQuery(ref: TSESLint.Scope.Reference): boolean {
  for (let current: TSESTree.Node | undefined = ref.identifier.parent; current; current = current.parent) {
    if (current.type === AST_NODE_TYPES.TSTypeQuery) return true;
    if (current.type !== AST_NODE_TYPES.TSQualifiedName) return false;
  }
  return false;
}

/** A pool, client or connection that is there: not `Pool | undefined`, which may be unset. */
function isLivePool(services: ParserServicesWithTypeInformation, type: ts.Type): boolean {
  const checker = services.program.getTypeChecker();
  if (getPoolKind(checker, type) === undefined) return false;
  const unset = typescript().TypeFlags.Undefined | typescript().TypeFlags.Null | typescript().TypeFlags.Void;
  return !(type.isUnion() && type.types.some(member => (member.flags & unset) !== 0));
}

function describe(services: ParserServicesWithTypeInformation, name: string, type: ts.Type): string {
  return `\`${name}\` is a \`${services.program.getTypeChecker().typeToString(type)}\``;
}

function nameOf(node: TSESTree.Node): string {
  const name = unwrap(node);
  if (name.type === AST_NODE_TYPES.Identifier) return name.name;
  return name.type === AST_NODE_TYPES.Literal ? String(name.value) : 'default';
}
