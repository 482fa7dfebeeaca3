/**
 * The public type of the plugin object: plain shapes that ESLint's own
 * `ESLint.Plugin` (so `defineConfig` and `Linter.Config`) and
 * typescript-eslint's config helpers both accept, as typescript-eslint does
 * for its own plugin with `CompatiblePlugin`.
 *
 * The rules are built with typescript-eslint's `RuleCreator`, whose
 * `RuleModule` type does not assign to ESLint's `RuleDefinition` (their
 * contexts and schema types differ), though the objects are the same at
 * runtime. So a rule is exported as the part both sides agree on.
 */
import type { PoolguardFlatConfig } from './configs/flat-config';
import type { PoolguardRuleDocs } from './util/createRule';

/** A poolguard rule as ESLint and typescript-eslint both type a rule. */
export interface CompatibleRule {
  meta: {
    type: 'problem' | 'suggestion' | 'layout';
    docs?: PoolguardRuleDocs & { description: string; url?: string };
    messages: Record<string, string>;
    schema: object[];
    defaultOptions?: unknown[];
  };
  /** The context is ESLint's; each side has its own type for it, and both give an object. */
  create(context: object): Record<string, ((node: object) => void) | undefined>;
}

export type PoolguardConfigName = 'recommended' | 'recommended-type-checked';

export interface PoolguardPlugin {
  meta: { name: string; version: string; namespace: string };
  rules: Record<'no-pool-across-boundary' | 'no-pool-before-fork', CompatibleRule>;
  configs: Record<PoolguardConfigName, PoolguardFlatConfig>;
}
