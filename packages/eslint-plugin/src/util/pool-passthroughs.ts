/**
 * Calls that hand back the pool they are given: poolguard's own
 * `guardPool(pool)` and `adoptLease(client)` of `@poolguard/instrumentation`.
 *
 * Their result is typed as the pool or client passed in, because it is that
 * same object, watched. Typed mode counts a call whose result is a pool as a
 * creation, so without this table `const pool = guardPool(new Pool())`
 * would be one pool reported twice. Found through `import`/`require`,
 * aliases and destructuring, as the creators are (module-references).
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { ReferenceTracker } from '@typescript-eslint/utils/ast-utils';
import { iterateModuleReferences, type ParsedSource, type TraceMap } from './module-references';

/** The package and its exports whose call returns its first argument. */
const PASSTHROUGH_CALLS = { '@poolguard/instrumentation': ['guardPool', 'adoptLease'] };

const TRACE_MAP: TraceMap = Object.fromEntries(
  Object.entries(PASSTHROUGH_CALLS).map(([pkg, names]) => {
    const members = Object.fromEntries(names.map(name => [name, { [ReferenceTracker.CALL]: true }]));
    // `default` mirrors the root, for CommonJS interop (`import instrumentation from`).
    return [pkg, { ...members, default: members }];
  }),
);

const cache = new WeakMap<TSESTree.Program, ReadonlySet<TSESTree.Node>>();

/** The calls of `source` that return the pool they are given, found once per file. */
export function findPassThroughCalls(source: ParsedSource): ReadonlySet<TSESTree.Node> {
  let calls = cache.get(source.ast);
  if (!calls) {
    const found = new Set<TSESTree.Node>();
    for (const { node } of iterateModuleReferences<true>(source, TRACE_MAP)) {
      if (node.type === AST_NODE_TYPES.CallExpression) found.add(node);
    }
    calls = found;
    cache.set(source.ast, calls);
  }
  return calls;
}
