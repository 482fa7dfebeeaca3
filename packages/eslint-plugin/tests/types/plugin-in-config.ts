/**
 * Type-level test, checked by `tsc -p tsconfig.test.json` (the first step of
 * `npm test`): the plugin object and its configs are accepted wherever a
 * typed `eslint.config.ts` puts them, through ESLint's own types and
 * typescript-eslint's helpers. Nothing here runs.
 */
import type { ESLint, Linter } from 'eslint';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

import poolguard from '../../src/index';

// The plugin registered by hand, as users do to set rule options.
export const asPlugin: ESLint.Plugin = poolguard;
export const byDefineConfig = defineConfig({
  plugins: { poolguard },
  rules: { 'poolguard/no-pool-before-fork': ['error', { allowPrimaryPools: true }] },
});
export const byConfigArray: Linter.Config[] = [{ plugins: { poolguard } }];
export const byTseslint = tseslint.config({ plugins: { poolguard }, rules: { 'poolguard/no-pool-before-fork': 'error' } });

// The configs, on their own and extended.
export const configs: Linter.Config[] = [poolguard.configs.recommended, poolguard.configs['recommended-type-checked']];
export const extended = defineConfig({
  files: ['**/*.ts'],
  extends: [tseslint.configs.base, poolguard.configs['recommended-type-checked']],
});
export const helped = tseslint.config(poolguard.configs.recommended, poolguard.configs['recommended-type-checked']);
