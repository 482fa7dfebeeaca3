/**
 * `poolguard.configs['recommended-type-checked']`: the recommended rules with
 * typed matching on, so a pool that arrives from a local factory or an import
 * is recognised by its type.
 *
 * Like typescript-eslint's own `recommendedTypeChecked`, it sets no parser
 * options: how a project gets its type information (`projectService`, or
 * `project` with its tsconfig paths) is the user's choice, and a config that
 * forced one would break the other (typescript-eslint refuses `project`
 * next to `projectService: true` on every file).
 *
 * Typed matching is turned on twice: by each rule's `typeChecked` option,
 * and by the shared setting `poolguard.typeChecked`. A user who then sets a
 * rule's other options (`['error', { allowPrimaryPools: true }]`) replaces
 * the whole options object, `typeChecked` with it; the setting keeps the
 * rule typed (typed-mode).
 */
import type { TSESLint } from '@typescript-eslint/utils';
import type { PoolguardFlatConfig } from './flat-config';

export default (plugin: TSESLint.FlatConfig.Plugin): PoolguardFlatConfig => ({
  name: 'poolguard/recommended-type-checked',
  plugins: { poolguard: plugin },
  settings: { poolguard: { typeChecked: true } },
  rules: {
    'poolguard/no-pool-before-fork': ['error', { typeChecked: true }],
    'poolguard/no-pool-across-boundary': ['error', { typeChecked: true }],
  },
});
