/**
 * Which values of an object literal end up in the object it makes.
 *
 * A later property with the same static key replaces an earlier one
 * (`{ pool, pool: 1 }` holds 1), and a later property replaces that key of
 * an object spread before it (`{ ...ctx, pool: undefined }` holds no
 * `ctx.pool`). no-pool-across-boundary searches only what survives, so a pool
 * the payload itself overrides is not reported. A spread's value comes with
 * the keys replaced after it, for the search to skip in the spread's own
 * object (where it knows that object's keys). A computed key that is not a
 * constant replaces nothing we can name, and is kept.
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { staticMemberName } from './pool-values';

/** A property value, or a spread's argument with the keys that later properties replace in it. */
export interface SurvivingValue {
  readonly value: TSESTree.Node;
  readonly replacedKeys: ReadonlySet<string>;
  /** A spread's argument: its own properties sit at this object's level, not one below. */
  readonly spread: boolean;
}

export const NO_KEYS: ReadonlySet<string> = new Set();

/**
 * The values of `literal` that survive, in source order. `replaced` are keys
 * that something after the literal replaces: it is spread into an object
 * literal that gives them again.
 */
export function survivingValues(literal: TSESTree.ObjectExpression, replaced: ReadonlySet<string> = NO_KEYS): SurvivingValue[] {
  const later = new Set(replaced);
  const surviving: SurvivingValue[] = [];
  // From the last property back: a key seen already is given again later.
  for (let i = literal.properties.length - 1; i >= 0; i--) {
    const property = literal.properties[i];
    if (property.type === AST_NODE_TYPES.SpreadElement) {
      surviving.push({ value: property.argument, replacedKeys: new Set(later), spread: true });
      continue;
    }
    const key = staticMemberName(property);
    if (key !== undefined && later.has(key)) continue;
    surviving.push({ value: property.value, replacedKeys: NO_KEYS, spread: false });
    if (key !== undefined) later.add(key);
  }
  return surviving.reverse();
}
