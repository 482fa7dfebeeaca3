/**
 * Guards imported from local modules: `isPrimary` after `const { isPrimary }
 * = require('./cluster-env')`, where that module says `exports.isPrimary =
 * cluster.isPrimary`; `env.primary` after `import env from './env.js'`,
 * where it says `export default { primary: cluster.isPrimary }`.
 *
 * This finds which expression of which module an imported name stands for
 * (an exported `const`, an `exports.x =` assigned once, a property of an
 * exported object literal), or the package flag a module re-exports
 * (`export { isMainThread } from 'node:worker_threads'`); guard-conditions
 * then reads that expression in its own module. Modules are parsed once
 * through module-parse's cache (exported-functions).
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { getPropertyName } from '@typescript-eslint/utils/ast-utils';
import { innermostScope, unwrap, walk } from './ast';
import { findExport, importedBinding, isModuleExports, type ImportedName } from './exported-functions';
import { coreFlagSignal, type Signal } from './guard-signals';
import type { ParsedSource } from './module-references';

/** The expression an imported name stands for, in the module that writes it. */
export interface ExportedExpression {
  file: string;
  source: ParsedSource;
  node: TSESTree.Node;
}

/** What an imported name holds: an expression of a local module, or a flag of `cluster` or `worker_threads`. */
export type ImportedGuard = ExportedExpression | { signal: Signal };

/**
 * What `node` of `source` (the file `fromFile`) reads from a local module:
 * an imported name (`isPrimary`), or a member of an imported module object
 * (`env.isPrimary`, `env.primary` of a default-exported object literal).
 */
export function importedGuard(source: ParsedSource, fromFile: string, node: TSESTree.Node): ImportedGuard | undefined {
  const target = unwrap(node);
  if (target.type === AST_NODE_TYPES.Identifier) {
    const imported = importedBinding(source, target);
    return imported && imported.name !== '*' ? lookUp(fromFile, imported) : undefined;
  }
  if (target.type !== AST_NODE_TYPES.MemberExpression || target.object.type !== AST_NODE_TYPES.Identifier) return undefined;
  const module = importedBinding(source, target.object);
  const name = getPropertyName(target, innermostScope(source, target));
  if (!module || name === null) return undefined;
  if (module.name === '*') return lookUp(fromFile, { specifier: module.specifier, name });
  const found = module.name === 'default' ? lookUp(fromFile, module) : undefined;
  return found && 'node' in found ? propertyOf(found, name) : undefined;
}

function lookUp(fromFile: string, imported: ImportedName): ImportedGuard | undefined {
  const found = findExport(fromFile, imported, exportedNode);
  if (!found) return undefined;
  if ('external' in found) {
    const signal = coreFlagSignal(found.external.specifier, found.external.name);
    return signal && { signal };
  }
  const { source } = found.parsed;
  // `exports.isPrimary = ...` written twice, or `module.exports` replaced too, may hold either value.
  return cjsWrites(source, found.value.name) > 1 ? undefined : { file: found.file, source, node: found.value.node };
}

/** The exported node, with the name a CommonJS module writes it under. */
interface ExportedNode {
  node: TSESTree.Node;
  name: string | undefined;
}

function exportedNode(_source: ParsedSource, node: TSESTree.Node): ExportedNode {
  const parent = node.parent;
  let name: string | undefined;
  if (parent?.type === AST_NODE_TYPES.AssignmentExpression && parent.right === node) {
    name = parent.left.type === AST_NODE_TYPES.MemberExpression ? (getPropertyName(parent.left) ?? undefined) : undefined;
  } else if (parent?.type === AST_NODE_TYPES.Property && parent.value === node) {
    name = getPropertyName(parent) ?? undefined;
  }
  return { node, name };
}

/** `{ primary: cluster.isPrimary }`: the value of the last plain property `name`; none past a spread. */
function propertyOf(found: ExportedExpression, name: string): ExportedExpression | undefined {
  const object = unwrap(found.node);
  if (object.type !== AST_NODE_TYPES.ObjectExpression) return undefined;
  const property = [...object.properties]
    .reverse()
    .find(p => p.type === AST_NODE_TYPES.SpreadElement || (!p.computed && getPropertyName(p) === name));
  if (property?.type !== AST_NODE_TYPES.Property || property.kind !== 'init') return undefined;
  return { ...found, node: property.value };
}

/** Per module, how often it writes each CommonJS export (`exports.x =`, `module.exports.x =`), and `module.exports =` under `''`. */
const writeCounts = new WeakMap<ParsedSource, Map<string, number>>();

/** The writes that may set the CommonJS export `name`: its own, and replacements of the whole `module.exports`. */
function cjsWrites(source: ParsedSource, name: string | undefined): number {
  let counts = writeCounts.get(source);
  if (!counts) {
    const found = new Map<string, number>();
    walk(source.ast, source.visitorKeys, node => {
      if (node.type !== AST_NODE_TYPES.AssignmentExpression) return;
      const key = exportKey(node.left);
      if (key !== undefined) found.set(key, (found.get(key) ?? 0) + 1);
    });
    counts = found;
    writeCounts.set(source, counts);
  }
  return (counts.get('') ?? 0) + (name === undefined ? 0 : (counts.get(name) ?? 0));
}

/** `''` for `module.exports`, `x` for `exports.x` and `module.exports.x`. */
function exportKey(node: TSESTree.Node): string | undefined {
  if (isModuleExports(node)) return '';
  if (node.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  const isExports =
    (node.object.type === AST_NODE_TYPES.Identifier && node.object.name === 'exports') || isModuleExports(node.object);
  return isExports ? (getPropertyName(node) ?? undefined) : undefined;
}
