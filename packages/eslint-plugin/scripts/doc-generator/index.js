// eslint-doc-generator takes the rule prefix from `meta.name`, and for a
// scoped `@poolguard/eslint-plugin` that is `@poolguard`. Our flat configs
// register the plugin as `poolguard` (meta.namespace), so the generator reads
// the built plugin through this shim, renamed to the unscoped form whose
// prefix is `poolguard`. Everything else is the real plugin from dist.
'use strict';

const plugin = require('../../dist/index.js');

module.exports = { ...plugin, meta: { ...plugin.meta, name: 'eslint-plugin-poolguard' } };
