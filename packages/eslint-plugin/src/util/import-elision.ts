/**
 * Which `import` declarations of a TypeScript file the compiler drops, so
 * that they load nothing at runtime.
 *
 * tsc elides an import whose names are all used as types only: in type
 * annotations (`let db: Db`) and in `typeof` queries in a type position
 * (`type Db = typeof pool`); `import type` and `import { type A }` are
 * dropped too. Compiler options keep some of them:
 *
 * - `verbatimModuleSyntax` keeps every import that is not `import type`
 *   (`import { type A } from './a'` becomes `import {} from './a'`, which
 *   still loads it); its TS1484 rejects a name that is only a type, but a
 *   class used as a type compiles and is kept;
 * - `importsNotUsedAsValues: 'preserve' | 'error'` keeps such an import as
 *   `import './a'`, and `preserveValueImports` keeps its value names;
 * - `emitDecoratorMetadata` (with `experimentalDecorators`) writes the type
 *   of a decorated class's constructor parameter, a decorated method's
 *   parameters and return, and a decorated property as a value
 *   (`design:paramtypes`), so a name used there is a value use when it
 *   names a value: a class (`[Repo]`), an enum (written as `String` or
 *   `Number`, but its import is kept). An interface or a type alias is
 *   written as `Object`, `String`..., and its import is still dropped; so
 *   is a `const enum`'s. The caller says which imported names are types
 *   only (`isTypeOnlyName`): the checker in typed mode, else the imported
 *   module's declarations (module-graph).
 *
 * With type information the options are the program's. Without it (no
 * program) nothing says which hold: the reading is tsc's defaults, except
 * that a name in a decorator-metadata position counts as a value use, since
 * the decorator frameworks that read that metadata (NestJS, TypeORM,
 * Angular) need `emitDecoratorMetadata`, and a file of theirs that leaves it
 * off breaks at startup anyway.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import type * as ts from 'typescript';
import { typescript } from './typescript-module';
import type { ParsedSource } from './module-references';

/** What the compiler options say about dropping imports used as types only. */
export interface ImportElision {
  /** `verbatimModuleSyntax` or `importsNotUsedAsValues` keeps the module load of such an import. */
  keepsTypeOnlyImports: boolean;
  /** `emitDecoratorMetadata` may write a type name as a value. */
  emitsDecoratorMetadata: boolean;
}

/** The reading for `options`, a program's compiler options, or the untyped reading without them. */
export function importElision(options: ts.CompilerOptions | undefined): ImportElision {
  if (!options) return { keepsTypeOnlyImports: false, emitsDecoratorMetadata: true };
  const preserves =
    options.importsNotUsedAsValues === typescript().ImportsNotUsedAsValues.Preserve ||
    options.importsNotUsedAsValues === typescript().ImportsNotUsedAsValues.Error;
  return {
    keepsTypeOnlyImports: options.verbatimModuleSyntax === true || options.preserveValueImports === true || preserves,
    emitsDecoratorMetadata: options.emitDecoratorMetadata === true && options.experimentalDecorators === true,
  };
}

/** Whether the name an import binds is a type only in its module (an interface, a type alias): no value for decorator metadata. */
export type TypeOnlyName = (specifier: TSESTree.ImportClause) => boolean;

/**
 * Whether tsc drops `statement` of a TypeScript file: `import type`, an
 * import whose names are all `type`-marked, or one whose every reference is
 * a type use (see the file comment), as `elision` reads them. An import
 * none of whose names is used at all, or with no names (`import './db'`),
 * is kept here: it loads its module in JavaScript, and a test of usage
 * would hang on a reference the scope manager does not see.
 * `isTypeOnlyName` is asked only about a name in decorator metadata;
 * without it, every such name counts as a value.
 */
export function isElidedImport(
  source: ParsedSource,
  statement: TSESTree.ImportDeclaration,
  elision: ImportElision,
  isTypeOnlyName: TypeOnlyName = () => false,
): boolean {
  if (statement.importKind === 'type') return true;
  if (statement.specifiers.length === 0) return false;
  const typeMarked = statement.specifiers.every(
    specifier => specifier.type === AST_NODE_TYPES.ImportSpecifier && specifier.importKind === 'type',
  );
  if (typeMarked) return !elision.keepsTypeOnlyImports;
  if (elision.keepsTypeOnlyImports) return false;
  const uses = statement.specifiers.flatMap(specifier =>
    (source.scopeManager?.getDeclaredVariables(specifier) ?? []).flatMap(variable => variable.references.map(ref => ({ ref, specifier }))),
  );
  return uses.length > 0 && uses.every(({ ref, specifier }) => isTypeUse(ref, elision, () => isTypeOnlyName(specifier)));
}

/**
 * A reference tsc writes no value for: a type, or `typeof x` in a type; in
 * decorator metadata, only a name that is a type only (`typeOnly`).
 */
function isTypeUse(ref: TSESLint.Scope.Reference, elision: ImportElision, typeOnly: () => boolean): boolean {
  // `isValueReference` is typescript-eslint's scope manager's; without it nothing is known.
  if (ref.isValueReference === undefined) return false;
  if (ref.isValueReference) return inTypeQuery(ref.identifier);
  return !(elision.emitsDecoratorMetadata && inDecoratorMetadata(ref.identifier)) || typeOnly();
}

/** `pool` of `typeof pool` or `typeof db.pool` in a type. */
function inTypeQuery(id: TSESTree.Node): boolean {
  let current = id;
  while (current.parent?.type === AST_NODE_TYPES.TSQualifiedName && current.parent.left === current) current = current.parent;
  return current.parent?.type === AST_NODE_TYPES.TSTypeQuery && current.parent.exprName === current;
}

/**
 * A type name that `emitDecoratorMetadata` writes as a value: the type (or
 * a member of a union type, `Repo | undefined`) of a parameter of a
 * decorated class's constructor or of a decorated method, of a parameter
 * with a decorator, of a decorated method's return, or of a decorated
 * property.
 */
function inDecoratorMetadata(id: TSESTree.Node): boolean {
  let current = id;
  while (current.parent?.type === AST_NODE_TYPES.TSQualifiedName) current = current.parent;
  if (current.parent?.type !== AST_NODE_TYPES.TSTypeReference) return false;
  current = current.parent;
  if (current.parent?.type === AST_NODE_TYPES.TSUnionType) current = current.parent;
  const annotation = current.parent;
  if (annotation?.type !== AST_NODE_TYPES.TSTypeAnnotation) return false;
  const owner = annotation.parent;
  if (owner.type === AST_NODE_TYPES.PropertyDefinition) return owner.decorators.length > 0;
  if (owner.type === AST_NODE_TYPES.FunctionExpression) return owner.returnType === annotation && isDecoratedMethod(owner);
  return isDecoratedParameter(owner);
}

/** A parameter whose type decorator metadata records: its own decorator, or its function's. */
function isDecoratedParameter(parameter: TSESTree.Node): boolean {
  let current = parameter;
  if (current.parent?.type === AST_NODE_TYPES.AssignmentPattern) current = current.parent;
  if (current.parent?.type === AST_NODE_TYPES.TSParameterProperty) current = current.parent;
  const decorated = 'decorators' in current && Array.isArray(current.decorators) && current.decorators.length > 0;
  const fn = current.parent;
  if (fn?.type !== AST_NODE_TYPES.FunctionExpression || !fn.params.includes(current as TSESTree.Parameter)) return false;
  return decorated || isDecoratedMethod(fn) || isDecoratedClassConstructor(fn);
}

function isDecoratedMethod(fn: TSESTree.FunctionExpression): boolean {
  const method = fn.parent;
  return method?.type === AST_NODE_TYPES.MethodDefinition && method.kind !== 'constructor' && method.decorators.length > 0;
}

function isDecoratedClassConstructor(fn: TSESTree.FunctionExpression): boolean {
  const method = fn.parent;
  if (method?.type !== AST_NODE_TYPES.MethodDefinition || method.kind !== 'constructor') return false;
  const owner = method.parent.parent;
  return owner.decorators.length > 0;
}
