/**
 * The plugin object's shape: what `import poolguard from '@poolguard/eslint-plugin'`
 * gives a flat config, and that `require()` gives the same object.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

import { Linter } from 'eslint';
import { describe, it } from 'mocha';

import plugin from '../src/index';
import rules from '../src/rules';

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as Manifest;

/** A required peer of `manifest`: declared, and not marked optional. */
function requiredPeers(manifest: Manifest): string[] {
  return Object.keys(manifest.peerDependencies ?? {}).filter(name => !manifest.peerDependenciesMeta?.[name]?.optional);
}

describe('plugin', () => {
  it('has meta with name, version and namespace', () => {
    assert.deepEqual(plugin.meta, { name: pkg.name, version: pkg.version, namespace: 'poolguard' });
  });

  it('is the same object through require() and an ESM default import of the build', async function () {
    const built = path.join(__dirname, '..', 'dist', 'index.js');
    if (!fs.existsSync(built)) this.skip(); // `npm test` at the root builds first
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- require() of the build is what is under test
    const required = require(built) as typeof plugin;
    const imported = (await import(pathToFileURL(built).href)) as { default: typeof plugin };
    assert.equal(imported.default, required);
    assert.deepEqual(Object.keys(imported.default.rules).sort(), Object.keys(plugin.rules).sort());
    assert.equal(imported.default.configs.recommended.plugins?.poolguard, imported.default);
  });

  it('requires every peer that its dependencies require (typescript for @typescript-eslint/parser)', () => {
    const ours = requiredPeers(pkg);
    for (const dependency of Object.keys(pkg.dependencies ?? {})) {
      const manifest = JSON.parse(
        fs.readFileSync(require.resolve(`${dependency}/package.json`), 'utf8'),
      ) as Manifest;
      for (const peer of requiredPeers(manifest)) {
        assert.ok(ours.includes(peer), `${dependency} requires the peer ${peer}; declare it required too`);
      }
    }
  });

  it('exposes both rules, keyed without the prefix', () => {
    assert.deepEqual(Object.keys(plugin.rules).sort(), ['no-pool-across-boundary', 'no-pool-before-fork']);
    assert.equal(plugin.rules, rules);
  });

  for (const [name, rule] of Object.entries(plugin.rules)) {
    it(`${name} has docs, messages, schema and default options`, () => {
      assert.equal(rule.meta.type, 'problem');
      assert.equal(
        rule.meta.docs?.url,
        `https://github.com/poolguard/poolguard/blob/main/packages/eslint-plugin/docs/rules/${name}.md`,
      );
      assert.ok(rule.meta.docs?.description);
      assert.ok(Object.keys(rule.meta.messages).length > 0);
      assert.ok(Array.isArray(rule.meta.schema));
      assert.ok(rule.meta.defaultOptions);
      // Typed matching is an option (and a config), not a requirement of the rule.
      assert.equal(rule.meta.docs?.requiresTypeChecking, false);
    });
  }

  describe('configs', () => {
    it('has exactly the two flat configs', () => {
      assert.deepEqual(Object.keys(plugin.configs).sort(), ['recommended', 'recommended-type-checked']);
    });

    it('recommended turns every rule on, untyped, and references the plugin itself', () => {
      const config = plugin.configs.recommended;
      assert.equal(config.name, 'poolguard/recommended');
      assert.equal(config.plugins?.poolguard, plugin);
      assert.deepEqual(config.rules, {
        'poolguard/no-pool-before-fork': 'error',
        'poolguard/no-pool-across-boundary': 'error',
      });
      assert.equal('languageOptions' in config, false);
    });

    it('recommended-type-checked turns typed matching on and, like typescript-eslint, leaves the parser options to the user', () => {
      const config = plugin.configs['recommended-type-checked'];
      assert.equal(config.name, 'poolguard/recommended-type-checked');
      assert.equal(config.plugins?.poolguard, plugin);
      assert.deepEqual(config.rules, {
        'poolguard/no-pool-before-fork': ['error', { typeChecked: true }],
        'poolguard/no-pool-across-boundary': ['error', { typeChecked: true }],
      });
      assert.equal('languageOptions' in config, false);
    });

    it('covers every rule of the plugin', () => {
      for (const config of Object.values(plugin.configs)) {
        assert.deepEqual(
          Object.keys(config.rules ?? {}).sort(),
          Object.keys(plugin.rules).map(name => `poolguard/${name}`).sort(),
        );
      }
    });
  });
});

describe('the creators option', () => {
  const verify = (creators: unknown): void => {
    new Linter().verify('const x = 1;', [
      {
        plugins: { poolguard: plugin as never },
        rules: {
          'poolguard/no-pool-before-fork': ['error', { creators }],
          'poolguard/no-pool-across-boundary': ['error', { creators }],
        },
      },
    ]);
  };

  it('accepts a package with a constructor or a factory', () => {
    verify([{ package: '@acme/db', factories: ['openDb'] }, { package: 'acme-pool', constructors: [''] }]);
  });

  it('rejects an empty package name', () => {
    assert.throws(() => verify([{ package: '', factories: ['openDb'] }]), /shorter than 1 character/);
  });

  it('rejects an entry with no constructor and no factory', () => {
    assert.throws(() => verify([{ package: '@acme/db' }]), /required property '\.constructors'[\s\S]*required property '\.factories'/);
    assert.throws(() => verify([{ package: '@acme/db', factories: [] }]), /fewer than 1 items/);
  });
});
