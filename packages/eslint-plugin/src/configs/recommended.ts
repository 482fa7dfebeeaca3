/**
 * `poolguard.configs.recommended`: both rules as errors, syntax only. Safe on
 * any project, no type information needed.
 */
import type { TSESLint } from '@typescript-eslint/utils';
import type { PoolguardFlatConfig } from './flat-config';

export default (plugin: TSESLint.FlatConfig.Plugin): PoolguardFlatConfig => ({
  name: 'poolguard/recommended',
  plugins: { poolguard: plugin },
  rules: {
    'poolguard/no-pool-before-fork': 'error',
    'poolguard/no-pool-across-boundary': 'error',
  },
});
