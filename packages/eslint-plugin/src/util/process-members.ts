/**
 * Which member of Node's global `process` an expression reads, as a path:
 * `process.send` is `['send']`, `process.env.NODE_UNIQUE_ID` is
 * `['env', 'NODE_UNIQUE_ID']`, `process.argv[2]` is `['argv', '2']`.
 *
 * Guards read these members directly or through the aliases a file makes of
 * them, so constant aliases and destructuring are followed:
 * `const env = process.env; env.NODE_UNIQUE_ID`, `const { send } = process`,
 * `const { NODE_UNIQUE_ID: uid } = process.env`,
 * `const { env: { ROLE } } = process`. A destructured default
 * (`const { send = noop } = process`) changes what the name holds, so it is
 * not followed.
 *
 * `process` is also the core module of that name, which exports the same
 * object: `require('process')` or `require('node:process')`, a default or
 * namespace import (`import proc from 'node:process'`, `import * as proc`,
 * TypeScript's `import proc = require('node:process')`), and a named import
 * of a member (`import { argv, env as environment } from 'node:process'`).
 * Both the guards (guard-conditions, child-roles) and the fork targets
 * (`fork(proc.argv[1])`, fork-sites through argv-reads) read `process`
 * here, so a spelling one of them understands the other does too.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { findVariable, getPropertyName } from '@typescript-eslint/utils/ast-utils';
import { innermostScope, isConstantBinding, unwrap } from './ast';
import type { ParsedSource } from './module-references';

/** Aliases deeper than this are not hand-written code. */
const MAX_HOPS = 8;

/** The path below `process` (the global or its module) that `node` reads, or undefined when it reads something else. */
export function processMemberPath(
  sourceCode: ParsedSource,
  node: TSESTree.Node,
  hops = 0,
): readonly string[] | undefined {
  if (hops > MAX_HOPS) return undefined;
  const target = unwrap(node);
  if (target.type === AST_NODE_TYPES.MemberExpression) {
    const name = getPropertyName(target, innermostScope(sourceCode, target));
    const base = name === null ? undefined : processMemberPath(sourceCode, target.object, hops + 1);
    return base && [...base, name!];
  }
  if (target.type === AST_NODE_TYPES.CallExpression) return isProcessRequire(sourceCode, target) ? [] : undefined;
  if (target.type !== AST_NODE_TYPES.Identifier) return undefined;
  if (target.name === 'process') return [];
  return aliasPath(sourceCode, target, hops);
}

/** The specifiers of Node's `process` module. */
const PROCESS_MODULES: ReadonlySet<unknown> = new Set(['process', 'node:process']);

/** `require('process')` or `require('node:process')`, with the `require` the file does not declare itself. */
function isProcessRequire(sourceCode: ParsedSource, call: TSESTree.CallExpression): boolean {
  const [specifier] = call.arguments;
  if (call.callee.type !== AST_NODE_TYPES.Identifier || call.callee.name !== 'require' || call.arguments.length !== 1) return false;
  if (specifier.type !== AST_NODE_TYPES.Literal || !PROCESS_MODULES.has(specifier.value)) return false;
  const variable = findVariable(innermostScope(sourceCode, call), call.callee);
  return !variable || variable.defs.length === 0;
}

/**
 * `import proc from 'node:process'` or `import * as proc` (the whole object,
 * `[]`), `import { argv } from 'node:process'` (`['argv']`), or
 * `import proc = require('node:process')`; undefined for another module.
 */
function importedPath(def: TSESLint.Scope.Definition): readonly string[] | undefined {
  const { node } = def;
  if (node.type === AST_NODE_TYPES.TSImportEqualsDeclaration) {
    const reference = node.moduleReference;
    const isProcess =
      reference.type === AST_NODE_TYPES.TSExternalModuleReference && PROCESS_MODULES.has(reference.expression.value);
    return isProcess && node.importKind !== 'type' ? [] : undefined;
  }
  const declaration = node.parent;
  if (declaration?.type !== AST_NODE_TYPES.ImportDeclaration || !PROCESS_MODULES.has(declaration.source.value)) return undefined;
  if (declaration.importKind === 'type') return undefined;
  switch (node.type) {
    case AST_NODE_TYPES.ImportDefaultSpecifier:
    case AST_NODE_TYPES.ImportNamespaceSpecifier:
      return [];
    case AST_NODE_TYPES.ImportSpecifier: {
      if (node.importKind === 'type') return undefined;
      const { imported } = node;
      const name = imported.type === AST_NODE_TYPES.Identifier ? imported.name : imported.value;
      return name === 'default' ? [] : [name];
    }
    default:
      return undefined;
  }
}

/**
 * `const env = process.env` or `const { NODE_UNIQUE_ID: uid } = process.env`,
 * declared once and never reassigned, or an import from the `process` module.
 */
function aliasPath(sourceCode: ParsedSource, id: TSESTree.Identifier, hops: number): readonly string[] | undefined {
  const variable = findVariable(innermostScope(sourceCode, id), id);
  if (!isConstantBinding(variable)) return undefined;
  const def = variable.defs[0];
  if (def.type === 'ImportBinding') return importedPath(def);
  if (def.node.type !== AST_NODE_TYPES.VariableDeclarator || !def.node.init) return undefined;
  const keys = patternKeys(def.name, def.node.id);
  const base = keys && processMemberPath(sourceCode, def.node.init, hops + 1);
  return base && keys && [...base, ...keys];
}

/** The property keys from a destructuring pattern's root down to `name`; undefined through arrays, rests and defaults. */
export function patternKeys(name: TSESTree.Node, root: TSESTree.Node): string[] | undefined {
  const keys: string[] = [];
  for (let node = name; node !== root; ) {
    const parent: TSESTree.Node | undefined = node.parent;
    if (parent?.type === AST_NODE_TYPES.Property && parent.value === node) {
      const key = getPropertyName(parent);
      if (key === null) return undefined;
      keys.unshift(key);
    } else if (parent?.type !== AST_NODE_TYPES.ObjectPattern) {
      return undefined;
    }
    node = parent;
  }
  return keys;
}
