/**
 * A boolean option of Node's `util.parseArgs` read back as the command-line
 * flag it is: `values.worker` of `const { values } = parseArgs({ options: {
 * worker: { type: 'boolean', short: 'w' } } })` is true exactly where the
 * command line holds `--worker` or `-w`, so child-roles reads it as
 * `process.argv.includes('--worker')` is read.
 *
 * The read may go through the result (`parsed.values.worker`), a
 * destructured `values` (`values.worker`, `opts.worker` of `{ values: opts
 * }`) or the option itself (`const { values: { worker } } = parseArgs(...)`),
 * each a name declared once and never reassigned. `parseArgs` comes from
 * `util` or `node:util` however it is imported or required
 * (module-references).
 *
 * Only a call that parses `process.argv` counts (no `args` option), and only
 * an option that is surely a boolean without a `default`: a string option
 * holds whatever follows it, and a default makes the value true without the
 * flag. An options object the call does not show (a spread, a computed key,
 * a parameter) may hold anything, and proves nothing.
 *
 * This is resolved lazily, from a guard test that reads such a member: the
 * file's `parseArgs` calls are only looked up then, once per file.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { ReferenceTracker, findVariable, getPropertyName } from '@typescript-eslint/utils/ast-utils';
import { constantInitializer, innermostScope, isConstantBinding, unwrap } from './ast';
import { constantValue } from './constant-values';
import { coreModuleTraceMap, iterateModuleReferences, type ParsedSource, type TraceMap } from './module-references';
import { patternKeys } from './process-members';

/** Aliases deeper than this are not hand-written code. */
const MAX_HOPS = 8;

/**
 * The spellings of the flag that `node` reads as a boolean option of a
 * `parseArgs` call over `process.argv`: `['--worker']`, or `['--worker', '-w']`
 * with a `short`; undefined for anything else.
 */
export function parsedFlagSpellings(sourceCode: ParsedSource, node: TSESTree.Node): readonly string[] | undefined {
  const read = resultPath(sourceCode, node, 0);
  if (!read || read.path.length !== 2 || read.path[0] !== 'values') return undefined;
  if (!parseArgsCalls(sourceCode).has(read.call)) return undefined;
  return booleanOptionFlags(sourceCode, read.call, read.path[1]);
}

/** The call whose result `node` reads, and the member path below it: `parsed.values.worker` is `['values', 'worker']`. */
function resultPath(
  sourceCode: ParsedSource,
  node: TSESTree.Node,
  hops: number,
): { call: TSESTree.CallExpression; path: readonly string[] } | undefined {
  if (hops > MAX_HOPS) return undefined;
  const target = unwrap(node);
  switch (target.type) {
    case AST_NODE_TYPES.CallExpression:
      return { call: target, path: [] };
    case AST_NODE_TYPES.MemberExpression: {
      const name = getPropertyName(target, innermostScope(sourceCode, target));
      const base = name === null ? undefined : resultPath(sourceCode, target.object, hops + 1);
      return base && { call: base.call, path: [...base.path, name!] };
    }
    case AST_NODE_TYPES.Identifier: {
      // `const parsed = parseArgs(...)`, `const { values } = ...`, `const { values: { worker } } = ...`
      const variable = findVariable(innermostScope(sourceCode, target), target);
      if (!isConstantBinding(variable)) return undefined;
      const def = variable.defs[0];
      if (def.node.type !== AST_NODE_TYPES.VariableDeclarator || !def.node.init) return undefined;
      const keys = patternKeys(def.name, def.node.id);
      const base = keys && resultPath(sourceCode, def.node.init, hops + 1);
      return base && keys && { call: base.call, path: [...base.path, ...keys] };
    }
    default:
      return undefined;
  }
}

const PARSE_ARGS_MAP: TraceMap = coreModuleTraceMap({ util: { parseArgs: { [ReferenceTracker.CALL]: true } } });

/** The file's calls of `util.parseArgs`, looked up once. */
function parseArgsCalls(sourceCode: ParsedSource): ReadonlySet<TSESTree.Node> {
  let calls = parseArgsCallCache.get(sourceCode.ast);
  if (!calls) {
    calls = new Set([...iterateModuleReferences<true>(sourceCode, PARSE_ARGS_MAP)].map(found => found.node));
    parseArgsCallCache.set(sourceCode.ast, calls);
  }
  return calls;
}

const parseArgsCallCache = new WeakMap<TSESTree.Program, ReadonlySet<TSESTree.Node>>();

/** `--name` (and `-x` for `short: 'x'`) when `parseArgs(config)` parses `process.argv` and declares `name` a boolean without a default. */
function booleanOptionFlags(sourceCode: ParsedSource, call: TSESTree.CallExpression, name: string): readonly string[] | undefined {
  const scope = innermostScope(sourceCode, call);
  const [config] = call.arguments;
  const configObject = call.arguments.length === 1 ? shownObject(config, scope) : undefined;
  // `args` given parses those, not the command line.
  if (!configObject || !hasOnlyKnownKeys(configObject) || propertyOf(configObject, 'args')) return undefined;
  const options = shownObject(propertyOf(configObject, 'options'), scope);
  const option = options && hasOnlyKnownKeys(options) ? shownObject(propertyOf(options, name), scope) : undefined;
  if (!option || !hasOnlyKnownKeys(option) || propertyOf(option, 'default')) return undefined;
  const type = propertyOf(option, 'type');
  if (!type || constantValue(sourceCode, type) !== 'boolean') return undefined;
  const shortValue = propertyOf(option, 'short');
  const short = shortValue && constantValue(sourceCode, shortValue);
  return typeof short === 'string' && short.length === 1 ? [`--${name}`, `-${short}`] : [`--${name}`];
}

/** An object literal written there or held in a constant (`parseArgs({ options })` of `const options = { ... }`). */
function shownObject(node: TSESTree.Node | undefined, scope: TSESLint.Scope.Scope): TSESTree.ObjectExpression | undefined {
  const target = node && unwrap(node);
  const init = target?.type === AST_NODE_TYPES.Identifier ? constantInitializer(target, scope) : target;
  const object = init && unwrap(init);
  return object?.type === AST_NODE_TYPES.ObjectExpression ? object : undefined;
}

/** No spread or computed key that may add any key. */
function hasOnlyKnownKeys(object: TSESTree.ObjectExpression): boolean {
  return object.properties.every(property => property.type === AST_NODE_TYPES.Property && getPropertyName(property) !== null);
}

/** The value of the last plain `name: value` property (a later one wins). */
function propertyOf(object: TSESTree.ObjectExpression, name: string): TSESTree.Node | undefined {
  let value: TSESTree.Node | undefined;
  for (const property of object.properties) {
    if (property.type === AST_NODE_TYPES.Property && getPropertyName(property) === name) value = property.value;
  }
  return value;
}
