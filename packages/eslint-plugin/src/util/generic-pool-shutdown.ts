/**
 * How a generic-pool pool is shut down, for ended-pools: its own methods,
 * not the `end()`/`close()` of the database clients it pools.
 *
 * generic-pool (v3) has no `end()`. Its documented shutdown is `await
 * pool.drain()` then `await pool.clear()`:
 * - `drain()` stops new acquires, waits for the borrowed resources to come
 *   back, and stops the pool topping itself up to `min`; it closes nothing;
 * - `clear()` destroys every idle resource (through the factory's
 *   `destroy`), which is what releases the connections.
 * So `clear()` is the end. Without `drain()` before it, destroying a
 * resource makes the pool create new ones up to `min` at once: a pool whose
 * options leave `min` at its default 0 (or set it to `0`) holds nothing
 * after `clear()`, one with another or an unknown `min` only when an awaited
 * `drain()` came first. `destroy(resource)` destroys one borrowed resource,
 * not the pool, so it ends nothing here.
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { getPropertyName } from '@typescript-eslint/utils/ast-utils';
import { constantInitializer, innermostScope, unwrap } from './ast';
import { findCreationSites } from './creators';
import type { ParsedSource } from './module-references';

/** How a pool is closed for good: the methods that end it, and one that must run (awaited) before them. */
export interface Shutdown {
  ends: ReadonlySet<string>;
  first?: string;
}

const CLEAR: ReadonlySet<string> = new Set(['clear']);

/**
 * The argument that holds the pool's options, per creator: `createPool(factory,
 * options)`, and the class's own `new Pool(Evictor, Deque, PriorityQueue,
 * factory, options)`.
 */
const OPTIONS_ARGUMENT: Readonly<Record<string, number>> = { createPool: 1, Pool: 4 };

/** generic-pool's shutdown when `creation` makes a generic-pool pool; undefined for any other creation. */
export function genericPoolShutdown(source: ParsedSource, creation: TSESTree.Node): Shutdown | undefined {
  // Built-in creators only: generic-pool is one of them, so the cached sites without options serve.
  const site = findCreationSites(source, []).find(candidate => candidate.node === creation);
  if (site?.package !== 'generic-pool') return undefined;
  const index = OPTIONS_ARGUMENT[site.path];
  const keepsNone = index !== undefined && minimumIsZero(source, site.node.arguments[index]);
  return keepsNone ? { ends: CLEAR } : { ends: CLEAR, first: 'drain' };
}

/** Options that leave `min` at 0: none, or an object literal (inline or in a constant) with no other `min`. */
function minimumIsZero(source: ParsedSource, options: TSESTree.Node | undefined): boolean {
  if (!options) return true;
  let literal = unwrap(options);
  if (literal.type === AST_NODE_TYPES.Identifier) {
    const init = constantInitializer(literal, innermostScope(source, literal));
    if (!init) return false;
    literal = unwrap(init);
  }
  if (literal.type !== AST_NODE_TYPES.ObjectExpression) return false;
  for (const property of literal.properties) {
    // A spread or a computed key may set `min` too.
    if (property.type === AST_NODE_TYPES.SpreadElement) return false;
    const name = getPropertyName(property);
    if (name === null) return false;
    if (name !== 'min') continue;
    const value = unwrap(property.value);
    if (value.type !== AST_NODE_TYPES.Literal || value.value !== 0) return false;
  }
  return true;
}
