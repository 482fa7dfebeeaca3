/**
 * Which `export { ... } from './m'` declarations of a TypeScript file the
 * compiler drops, so that they load nothing at runtime: the re-export
 * counterpart of import-elision.
 *
 * tsc drops a re-export specifier whose name is no value in the target
 * module, and the whole declaration once none is left: `export { type X }
 * from`, and `export { X } from './m'` where `X` is, in `./m`, an
 * interface, a type alias, a namespace that holds only types, an `import
 * type`, or itself a re-export that tsc drops. A barrel (`index.ts`) that
 * re-exports a config type from the module that opens the pool then loads
 * only its other modules. A declaration merged with a value (`interface X`
 * and `const X`), a `declare const`/`declare class`/`declare function` (a
 * value all the same), a `const enum`, a name that may come from `export *`,
 * and a target that is JavaScript or cannot be read count as values, and
 * keep the load. `export {} from` is kept, as import-elision keeps `import
 * {} from`, and so is every re-export under the options that keep type-only
 * imports (import-elision's `keepsTypeOnlyImports`: `verbatimModuleSyntax`,
 * `preserveValueImports`, `importsNotUsedAsValues`), where `export { type X }
 * from` becomes `export {} from`.
 *
 * The same reading of a module's exports tells import-elision whether a name
 * imported into a decorator-metadata position is a type only, which that
 * metadata does not keep loaded (`isTypeOnlyExportOf`).
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import type { ImportElision } from './import-elision';
import { parseModule } from './module-parse';

/** The module a specifier of `fromFile` names, as module-graph resolves it; undefined when it is not a local file. */
export type ResolveModule = (fromFile: string, specifier: string) => string | undefined;

/** Re-exports nested deeper than this are not hand-written barrels. */
const MAX_DEPTH = 8;

/** A TypeScript module, whose type declarations the compiler drops; `.d.ts` files are never loaded. */
const TYPESCRIPT_FILE = /\.[cm]?tsx?$/;

/**
 * Whether tsc drops `statement`, an `export { ... } from` of the TypeScript
 * module `file`. `reads` collects the modules consulted, whose edits change
 * the answer.
 */
export function isElidedReexport(
  statement: TSESTree.ExportNamedDeclaration,
  file: string,
  elision: ImportElision,
  resolve: ResolveModule,
  reads?: Set<string>,
): boolean {
  if (statement.exportKind === 'type') return true;
  const { source, specifiers } = statement;
  if (!source || specifiers.length === 0 || elision.keepsTypeOnlyImports) return false;
  if (specifiers.every(specifier => specifier.exportKind === 'type')) return true;
  return specifiers.every(specifier => isTypeOnlyExport(file, source.value, nameOf(specifier.local), resolve, reads, 0));
}

/**
 * Whether `name`, as the module `specifier` of the TypeScript file `file`
 * exports it, is a type only (see the file comment): a value, or a module
 * that cannot be read, is not.
 */
export function isTypeOnlyExportOf(file: string, specifier: string, name: string, resolve: ResolveModule, reads?: Set<string>): boolean {
  return isTypeOnlyExport(file, specifier, name, resolve, reads, 0);
}

/** Whether `name`, as the module `specifier` of `fromFile` exports it, is a type only. */
function isTypeOnlyExport(
  fromFile: string,
  specifier: string,
  name: string,
  resolve: ResolveModule,
  reads: Set<string> | undefined,
  depth: number,
): boolean {
  const file = depth > MAX_DEPTH ? undefined : resolve(fromFile, specifier);
  if (!file || !TYPESCRIPT_FILE.test(file)) return false;
  reads?.add(file);
  const body = parseModule(file)?.source.ast.body;
  if (!body) return false;
  const kinds: boolean[] = [];
  // `export * from` may bring the name, unread, unless the module exports it itself.
  const starKinds: boolean[] = [];
  for (const statement of body) {
    if (statement.type === AST_NODE_TYPES.ExportAllDeclaration) {
      // `export * as name from` is a namespace object: a value.
      if (statement.exported === null) starKinds.push(statement.exportKind === 'type');
      else if (nameOf(statement.exported) === name) kinds.push(statement.exportKind === 'type');
    } else if (statement.type === AST_NODE_TYPES.ExportNamedDeclaration) {
      if (statement.declaration) {
        if (declares(statement.declaration, name)) kinds.push(isTypeDeclaration(statement.declaration));
        continue;
      }
      for (const exported of statement.specifiers) {
        if (nameOf(exported.exported) !== name) continue;
        if (statement.exportKind === 'type' || exported.exportKind === 'type') {
          kinds.push(true);
        } else if (statement.source) {
          kinds.push(isTypeOnlyExport(file, statement.source.value, nameOf(exported.local), resolve, reads, depth + 1));
        } else {
          kinds.push(...localKinds(body, nameOf(exported.local)));
        }
      }
    } else if (statement.type === AST_NODE_TYPES.ExportDefaultDeclaration && name === 'default') {
      kinds.push(isTypeDeclaration(statement.declaration));
    }
  }
  const found = kinds.length > 0 ? kinds : starKinds;
  return found.length > 0 && found.every(Boolean);
}

/** For `export { X }` of a local name: whether each declaration of `X` in the module is a type only. */
function localKinds(body: readonly TSESTree.ProgramStatement[], name: string): boolean[] {
  const kinds: boolean[] = [];
  for (const statement of body) {
    const declaration = statement.type === AST_NODE_TYPES.ExportNamedDeclaration ? statement.declaration : statement;
    if (!declaration) continue;
    if (declaration.type === AST_NODE_TYPES.ImportDeclaration) {
      for (const imported of declaration.specifiers) {
        if (imported.local.name !== name) continue;
        // An imported value may be a type in its own module; unread here, it counts as a value.
        const typeMarked = imported.type === AST_NODE_TYPES.ImportSpecifier && imported.importKind === 'type';
        kinds.push(declaration.importKind === 'type' || typeMarked);
      }
    } else if (declares(declaration, name)) {
      kinds.push(isTypeDeclaration(declaration));
    }
  }
  // Not declared here at all: unknown, so a value.
  return kinds.length > 0 ? kinds : [false];
}

/** Whether a top-level declaration binds `name`; a destructuring (`const { a, b } = x`) is taken to bind any. */
function declares(declaration: TSESTree.Node, name: string): boolean {
  const names = declaredNames(declaration);
  return names.includes(name) || names.includes(ANY_NAME);
}

/** What a destructuring binds, unread: its names are values, so a type of the same name counts as one. */
const ANY_NAME = '*';

/** The names a top-level declaration binds. */
function declaredNames(declaration: TSESTree.Node): string[] {
  switch (declaration.type) {
    case AST_NODE_TYPES.VariableDeclaration:
      return declaration.declarations.map(declarator => (declarator.id.type === AST_NODE_TYPES.Identifier ? declarator.id.name : ANY_NAME));
    case AST_NODE_TYPES.FunctionDeclaration:
    case AST_NODE_TYPES.TSDeclareFunction:
    case AST_NODE_TYPES.ClassDeclaration:
    case AST_NODE_TYPES.TSInterfaceDeclaration:
    case AST_NODE_TYPES.TSTypeAliasDeclaration:
    case AST_NODE_TYPES.TSEnumDeclaration:
      return declaration.id ? [declaration.id.name] : [];
    case AST_NODE_TYPES.TSModuleDeclaration:
      return declaration.id.type === AST_NODE_TYPES.Identifier ? [declaration.id.name] : [];
    case AST_NODE_TYPES.TSImportEqualsDeclaration:
      return [declaration.id.name];
    default:
      return [];
  }
}

/** An interface, a type alias, or a namespace that holds types only: nothing at runtime. */
function isTypeDeclaration(declaration: TSESTree.Node): boolean {
  switch (declaration.type) {
    case AST_NODE_TYPES.TSInterfaceDeclaration:
    case AST_NODE_TYPES.TSTypeAliasDeclaration:
      return true;
    case AST_NODE_TYPES.TSModuleDeclaration:
      return declaration.body === undefined || isTypesOnlyBlock(declaration.body);
    default:
      return false;
  }
}

/** The body of a namespace that TypeScript does not instantiate: types, and namespaces of types, only. */
function isTypesOnlyBlock(body: TSESTree.TSModuleBlock | TSESTree.TSModuleDeclaration): boolean {
  if (body.type === AST_NODE_TYPES.TSModuleDeclaration) return isTypeDeclaration(body);
  return body.body.every(statement => {
    const declaration = statement.type === AST_NODE_TYPES.ExportNamedDeclaration ? statement.declaration : statement;
    return declaration !== null && isTypeDeclaration(declaration);
  });
}

function nameOf(node: TSESTree.Identifier | TSESTree.StringLiteral): string {
  return node.type === AST_NODE_TYPES.Identifier ? node.name : node.value;
}
