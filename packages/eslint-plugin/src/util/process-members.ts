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
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { findVariable, getPropertyName } from '@typescript-eslint/utils/ast-utils';
import { innermostScope, isConstantBinding, unwrap } from './ast';
import type { ParsedSource } from './module-references';

/** Aliases deeper than this are not hand-written code. */
const MAX_HOPS = 8;

/** The path below the global `process` that `node` reads, or undefined when it reads something else. */
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
  if (target.type !== AST_NODE_TYPES.Identifier) return undefined;
  if (target.name === 'process') return [];
  return aliasPath(sourceCode, target, hops);
}

/** `const env = process.env` or `const { NODE_UNIQUE_ID: uid } = process.env`, declared once and never reassigned. */
function aliasPath(sourceCode: ParsedSource, id: TSESTree.Identifier, hops: number): readonly string[] | undefined {
  const variable = findVariable(innermostScope(sourceCode, id), id);
  if (!isConstantBinding(variable)) return undefined;
  const def = variable.defs[0];
  if (def.node.type !== AST_NODE_TYPES.VariableDeclarator || !def.node.init) return undefined;
  const keys = patternKeys(def.name, def.node.id);
  const base = keys && processMemberPath(sourceCode, def.node.init, hops + 1);
  return base && keys && [...base, ...keys];
}

/** The property keys from a destructuring pattern's root down to `name`; undefined through arrays, rests and defaults. */
function patternKeys(name: TSESTree.Node, root: TSESTree.Node): string[] | undefined {
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
