/**
 * Which function of a local module a call names: `build()` after `import {
 * build } from './db'` is the `build` that `./db` exports, wherever it is
 * written. The imported-factory search asks whether that function opens a
 * pool (and, for `new Db()`, whether the class `./db` exports opens one as
 * it is constructed); the typed check asks whether it only hands back one
 * that exists.
 *
 * Calls are matched through ESM named, default and namespace imports,
 * `require()` (destructured, or an object whose members are called) and
 * `await import()`; exports through `export function f`, `export const f =
 * () => ...`, `export { f }`, `export default`, re-exports, `exports.f =`,
 * `module.exports.f =` and `module.exports = { f }` (or a function, for a
 * call of the whole module), and likewise `export class C`. Modules are parsed once through module-parse's
 * cache; chains of re-exports end after MAX_REEXPORTS. The same
 * lookup finds any exported value (findExport), e.g. a guard constant
 * (imported-guards).
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { findVariable, getPropertyName } from '@typescript-eslint/utils/ast-utils';
import { innermostScope, isConstantBinding, localClassOf, localFunctionOf, unwrap, type ClassNode, type FunctionNode } from './ast';
import { resolveLocalModule } from './module-graph';
import { parseModule, type ParsedModule } from './module-parse';
import type { ParsedSource } from './module-references';

/** Re-exports chained deeper than this are not hand-written code (and a cycle of them ends). */
const MAX_REEXPORTS = 8;

/** An export of a local module: `name` is `'*'` for the module object itself. */
export interface ImportedName {
  specifier: string;
  name: string;
}

/** A function a local module exports, with the module that writes it. */
export interface ExportedFunction {
  /** Absolute path of the module whose text holds `fn`. */
  file: string;
  parsed: ParsedModule;
  fn: FunctionNode;
}

/** The function `imported` names, from the module `fromFile` imports it in, through re-exports. */
export function findExportedFunction(fromFile: string, imported: ImportedName): ExportedFunction | undefined {
  const found = findExport(fromFile, imported, functionValue);
  return found && 'value' in found ? { file: found.file, parsed: found.parsed, fn: found.value } : undefined;
}

/** A class a local module exports, with the module that writes it. */
export interface ExportedClass {
  /** Absolute path of the module whose text holds `cls`. */
  file: string;
  parsed: ParsedModule;
  cls: ClassNode;
}

/** The class `imported` names (`new Db()`), from the module `fromFile` imports it in, through re-exports. */
export function findExportedClass(fromFile: string, imported: ImportedName): ExportedClass | undefined {
  const found = findExport(fromFile, imported, classValue);
  return found && 'value' in found ? { file: found.file, parsed: found.parsed, cls: found.value } : undefined;
}

/** Maps what a module exports (an initializer, an assigned value, a declaration) to what the caller looks for. */
export type ExportValue<T> = (source: ParsedSource, node: TSESTree.Node) => T | undefined;

/** An export found in a local module, or the name a local module re-exports from a package (`'node:cluster'`). */
export type FoundExport<T> = { file: string; parsed: ParsedModule; value: T } | { external: ImportedName };

/** What `imported` names, as `valueOf` maps it, from the module `fromFile` imports it in, through re-exports. */
export function findExport<T>(fromFile: string, imported: ImportedName, valueOf: ExportValue<T>): FoundExport<T> | undefined {
  let from = fromFile;
  let wanted = imported;
  for (let hops = 0; hops <= MAX_REEXPORTS; hops++) {
    const file = resolveLocalModule(from, wanted.specifier);
    if (!file) return hops > 0 ? { external: wanted } : undefined;
    const parsed = parseModule(file);
    if (!parsed) return undefined;
    const target = exportedValue(parsed.source, wanted.name, valueOf);
    if (!target) return undefined;
    if (!isImportedName(target)) return { file, parsed, value: target };
    from = file;
    wanted = target;
  }
  return undefined;
}

function isImportedName(value: unknown): value is ImportedName {
  return typeof value === 'object' && value !== null && 'specifier' in value && !('type' in value);
}

/** The export a callee names: `build`, `db.build` of a module object, or `db` when the module is the function. */
export function calledExport(source: ParsedSource, callee: TSESTree.Node): ImportedName | undefined {
  const target = unwrap(callee);
  if (target.type === AST_NODE_TYPES.Identifier) {
    const imported = importedBinding(source, target);
    return imported?.name === '*' ? { ...imported, name: 'default' } : imported;
  }
  if (target.type !== AST_NODE_TYPES.MemberExpression || target.object.type !== AST_NODE_TYPES.Identifier) {
    return undefined;
  }
  const module = importedBinding(source, target.object);
  const name = getPropertyName(target, innermostScope(source, target));
  return module?.name === '*' && name !== null ? { specifier: module.specifier, name } : undefined;
}

/** What a name imported from a local module holds, when it is never reassigned. */
export function importedBinding(source: ParsedSource, id: TSESTree.Identifier): ImportedName | undefined {
  const variable = findVariable(innermostScope(source, id), id);
  if (!isConstantBinding(variable)) return undefined;
  const def = variable.defs[0];
  if (def.type === 'ImportBinding') {
    const declaration = def.parent;
    if (declaration?.type !== AST_NODE_TYPES.ImportDeclaration || declaration.importKind === 'type') return undefined;
    const specifier = declaration.source.value;
    switch (def.node.type) {
      case AST_NODE_TYPES.ImportSpecifier:
        return def.node.importKind === 'type' ? undefined : { specifier, name: exportName(def.node.imported) };
      case AST_NODE_TYPES.ImportDefaultSpecifier:
        return { specifier, name: 'default' };
      case AST_NODE_TYPES.ImportNamespaceSpecifier:
        return { specifier, name: '*' };
      default:
        return undefined;
    }
  }
  if (def.node.type !== AST_NODE_TYPES.VariableDeclarator || !def.node.init) return undefined;
  const specifier = loadedSpecifier(def.node.init);
  if (specifier === undefined) return undefined;
  if (def.node.id === def.name) return { specifier, name: '*' };
  // `const { build } = require('./db')`, `const { build: open } = await import('./db.mjs')`
  const property = def.name.parent;
  if (property?.type !== AST_NODE_TYPES.Property || property.value !== def.name || property.parent !== def.node.id) {
    return undefined;
  }
  const name = getPropertyName(property);
  return name === null ? undefined : { specifier, name };
}

/** The specifier of `require('./db')` or `await import('./db.mjs')`. */
function loadedSpecifier(init: TSESTree.Expression): string | undefined {
  const value = unwrap(init.type === AST_NODE_TYPES.AwaitExpression ? init.argument : init);
  let argument: TSESTree.Node | undefined;
  if (value.type === AST_NODE_TYPES.ImportExpression) {
    argument = value.source;
  } else if (
    value.type === AST_NODE_TYPES.CallExpression &&
    value.callee.type === AST_NODE_TYPES.Identifier &&
    value.callee.name === 'require'
  ) {
    argument = value.arguments[0];
  }
  return argument?.type === AST_NODE_TYPES.Literal && typeof argument.value === 'string' ? argument.value : undefined;
}

/** What a module exports as `name`, as `valueOf` maps it, or where it re-exports it from. */
function exportedValue<T>(source: ParsedSource, name: string, valueOf: ExportValue<T>): T | ImportedName | undefined {
  let reexportedFrom: string | undefined;
  for (const statement of source.ast.body) {
    if (statement.type === AST_NODE_TYPES.ExportAllDeclaration && !statement.exported) {
      reexportedFrom ??= statement.source.value;
      continue;
    }
    const found = exportIn(source, statement, name, valueOf);
    if (found) return found;
  }
  // `export * from './impl'` forwards every name but `default`.
  return reexportedFrom !== undefined && name !== 'default' ? { specifier: reexportedFrom, name } : undefined;
}

function exportIn<T>(
  source: ParsedSource,
  statement: TSESTree.ProgramStatement,
  name: string,
  valueOf: ExportValue<T>,
): T | ImportedName | undefined {
  switch (statement.type) {
    case AST_NODE_TYPES.ExportNamedDeclaration: {
      if (statement.exportKind === 'type') return undefined;
      const declaration = statement.declaration;
      if (declaration?.type === AST_NODE_TYPES.FunctionDeclaration || declaration?.type === AST_NODE_TYPES.ClassDeclaration) {
        return declaration.id?.name === name ? valueOf(source, declaration) : undefined;
      }
      if (declaration?.type === AST_NODE_TYPES.VariableDeclaration) {
        const declarator = declaration.declarations.find(
          d => d.id.type === AST_NODE_TYPES.Identifier && d.id.name === name,
        );
        // `export let` reassigned in the module holds another value later.
        const constant = declarator && isConstantBinding(findVariable(innermostScope(source, declarator.id), declarator.id as TSESTree.Identifier));
        return constant && declarator.init ? valueOf(source, declarator.init) : undefined;
      }
      const specifier = statement.specifiers.find(s => exportName(s.exported) === name);
      if (!specifier) return undefined;
      if (statement.source) return { specifier: statement.source.value, name: exportName(specifier.local) };
      return specifier.local.type === AST_NODE_TYPES.Identifier ? valueOf(source, specifier.local) : undefined;
    }
    case AST_NODE_TYPES.ExportDefaultDeclaration:
      return name === 'default' ? valueOf(source, statement.declaration) : undefined;
    case AST_NODE_TYPES.ExpressionStatement:
      return commonJsExport(source, unwrap(statement.expression), name, valueOf);
    default:
      return undefined;
  }
}

/** `exports.build = ...`, `module.exports.build = ...`, `module.exports = { build }`, `module.exports = build`. */
function commonJsExport<T>(source: ParsedSource, expression: TSESTree.Node, name: string, valueOf: ExportValue<T>): T | undefined {
  if (expression.type !== AST_NODE_TYPES.AssignmentExpression || expression.operator !== '=') return undefined;
  const { left, right } = expression;
  if (isModuleExports(left)) {
    const value = unwrap(right);
    if (value.type !== AST_NODE_TYPES.ObjectExpression) return name === 'default' ? valueOf(source, value) : undefined;
    // The last one wins, as at runtime.
    const property = [...value.properties]
      .reverse()
      .find(p => p.type === AST_NODE_TYPES.SpreadElement || getPropertyName(p) === name);
    return property?.type === AST_NODE_TYPES.Property ? valueOf(source, property.value) : undefined;
  }
  const isNamedExport =
    left.type === AST_NODE_TYPES.MemberExpression &&
    getPropertyName(left) === name &&
    ((left.object.type === AST_NODE_TYPES.Identifier && left.object.name === 'exports') || isModuleExports(left.object));
  return isNamedExport ? valueOf(source, right) : undefined;
}

/** `module.exports`. */
export function isModuleExports(node: TSESTree.Node): boolean {
  return (
    node.type === AST_NODE_TYPES.MemberExpression &&
    node.object.type === AST_NODE_TYPES.Identifier &&
    node.object.name === 'module' &&
    getPropertyName(node) === 'exports'
  );
}

/** A function expression or declaration, or a local function a name stands for. */
function functionValue(source: ParsedSource, node: TSESTree.Node): FunctionNode | undefined {
  const value = unwrap(node);
  switch (value.type) {
    case AST_NODE_TYPES.ArrowFunctionExpression:
    case AST_NODE_TYPES.FunctionExpression:
    case AST_NODE_TYPES.FunctionDeclaration:
      return value;
    case AST_NODE_TYPES.Identifier:
      return localFunctionOf(value, innermostScope(source, value));
    default:
      return undefined;
  }
}

/** A class expression or declaration, or a local class a name stands for. */
function classValue(source: ParsedSource, node: TSESTree.Node): ClassNode | undefined {
  const value = unwrap(node);
  if (value.type === AST_NODE_TYPES.ClassDeclaration || value.type === AST_NODE_TYPES.ClassExpression) return value;
  return value.type === AST_NODE_TYPES.Identifier ? localClassOf(value, innermostScope(source, value)) : undefined;
}

function exportName(node: TSESTree.Identifier | TSESTree.StringLiteral): string {
  return node.type === AST_NODE_TYPES.Identifier ? node.name : node.value;
}
