/**
 * @poolguard/eslint-plugin: rules that catch connection pools created before
 * a fork and pools sent across process and thread boundaries.
 *
 * The configs reference the plugin object itself, so they are attached after
 * it exists. `export =` keeps `require()` and `import poolguard from` equal.
 */
import type { TSESLint } from '@typescript-eslint/utils';
import type { PoolguardFlatConfig } from './configs/flat-config';
import recommended from './configs/recommended';
import recommendedTypeChecked from './configs/recommended-type-checked';
import rules from './rules';

// Read at runtime rather than imported, so the build keeps `src` as its root.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { name, version } = require('../package.json') as { name: string; version: string };

const plugin = {
  meta: { name, version, namespace: 'poolguard' },
  rules,
  configs: {} as Record<'recommended' | 'recommended-type-checked', PoolguardFlatConfig>,
};

plugin.configs.recommended = recommended(plugin as unknown as TSESLint.FlatConfig.Plugin);
plugin.configs['recommended-type-checked'] = recommendedTypeChecked(
  plugin as unknown as TSESLint.FlatConfig.Plugin,
);

export = plugin;
