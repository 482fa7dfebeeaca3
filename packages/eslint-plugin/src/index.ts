/**
 * @poolguard/eslint-plugin: rules that catch connection pools created before
 * a fork and pools sent across process and thread boundaries.
 *
 * The configs reference the plugin object itself, so they are attached after
 * it exists. `export =` keeps `require()` and `import poolguard from` equal.
 * The object is typed as a PoolguardPlugin, which ESLint's `Plugin` accepts.
 */
import type { CompatibleRule, PoolguardPlugin } from './compatible-types';
import recommended from './configs/recommended';
import recommendedTypeChecked from './configs/recommended-type-checked';
import rules from './rules';

// Read at runtime rather than imported, so the build keeps `src` as its root.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { name, version } = require('../package.json') as { name: string; version: string };

const plugin: PoolguardPlugin = {
  meta: { name, version, namespace: 'poolguard' },
  // The same objects: only their type is narrowed to what ESLint and typescript-eslint share.
  rules: rules as unknown as Record<keyof typeof rules, CompatibleRule>,
  configs: {} as PoolguardPlugin['configs'],
};

plugin.configs.recommended = recommended(plugin);
plugin.configs['recommended-type-checked'] = recommendedTypeChecked(plugin);

export = plugin;
