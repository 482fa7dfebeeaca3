/**
 * `poolguard.configs['recommended-type-checked']`: the recommended rules with
 * typed matching on, so a pool that arrives from a local factory or an import
 * is recognised by its type. Needs the TypeScript project service.
 */
import type { TSESLint } from '@typescript-eslint/utils';
import type { PoolguardFlatConfig } from './flat-config';

export default (plugin: TSESLint.FlatConfig.Plugin): PoolguardFlatConfig => ({
  name: 'poolguard/recommended-type-checked',
  plugins: { poolguard: plugin },
  languageOptions: {
    parserOptions: { projectService: true },
  },
  rules: {
    'poolguard/no-pool-before-fork': ['error', { typeChecked: true }],
    'poolguard/no-pool-across-boundary': ['error', { typeChecked: true }],
  },
});
