/*
 * The README is checked, not trusted: its "Supported pools and versions" table
 * lists exactly the module hooks' ranges (SUPPORTED_VERSIONS), each tested
 * version it names falls inside them and is the one installed, and its
 * home-made pool example is the block test/adapters/declarative.test.ts runs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SUPPORTED_VERSIONS } from '../src/module-hooks';
import { readme, readmeExample, runHomeMadePoolExample } from './helpers/readme';

// semver ships with @opentelemetry/instrumentation; its types are not a dependency here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const semver = require('semver') as { satisfies(version: string, range: string): boolean };

interface Row { pool: string; module: string; range: string; tested: string }

function supportedTable(): Row[] {
  const text = readme();
  const start = text.indexOf('## Supported pools and versions');
  assert.ok(start >= 0, 'README has a "Supported pools and versions" section');
  const section = text.slice(start).split(/\n## /)[0]!;
  const rows = section.split('\n').filter((line) => line.startsWith('|') && !/^\|\s*-/.test(line)).slice(1);
  return rows.map((line) => {
    const [pool, module, range, tested] = line.split('|').slice(1, -1).map((cell) => cell.trim());
    return { pool: pool!, module: module!.replace(/`/g, ''), range: range!.replace(/`/g, ''), tested: tested! };
  });
}

/** The installed version, found through node_modules (some packages do not export package.json). */
function installedVersion(name: string): string {
  for (const dir of module.paths) {
    try {
      return (JSON.parse(readFileSync(join(dir, name, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      // not in this node_modules
    }
  }
  throw new Error(`${name} is not installed`);
}

describe('README', () => {
  it('"Supported pools and versions" matches SUPPORTED_VERSIONS exactly', () => {
    const documented = new Map<string, Set<string>>();
    for (const row of supportedTable()) {
      if (!documented.has(row.module)) documented.set(row.module, new Set());
      documented.get(row.module)!.add(row.range);
    }
    const hooked = new Map(Object.entries(SUPPORTED_VERSIONS).map(([module, ranges]) => [module, new Set<string>(ranges)]));
    assert.deepEqual([...documented.keys()].sort(), [...hooked.keys()].sort(), 'the same hooked modules');
    for (const [module, ranges] of hooked) assert.deepEqual(documented.get(module), ranges, `ranges of ${module}`);
  });

  it('every "tested with" version is inside its range and is the installed one', () => {
    for (const row of supportedTable()) {
      const versions = [...row.tested.matchAll(/([a-z0-9@/-]+) (\d+\.\d+\.\d+)/g)];
      assert.ok(versions.length > 0, `a tested version for ${row.pool}`);
      for (const [, name, version] of versions) {
        assert.equal(installedVersion(name!), version, `${name} installed`);
        if (name === row.module) assert.ok(semver.satisfies(version!, row.range), `${name} ${version} in ${row.range}`);
      }
    }
  });

  it('the home-made pool example is about 20 lines of adapter plus pool, and the one the tests run', () => {
    const code = readmeExample('home-made-pool');
    const lines = code.split('\n').filter((line) => line.trim() !== '' && !line.trim().startsWith('//'));
    assert.ok(lines.length <= 33, `short: ${lines.length} lines`);
    const declarativeTest = readFileSync(join(__dirname, 'adapters', 'declarative.test.ts'), 'utf8');
    assert.match(declarativeTest, /runHomeMadePoolExample\(/, 'declarative.test.ts runs the README block');
    let guarded: { pool: object; options: { adapter?: unknown } } | undefined;
    const example = runHomeMadePoolExample((pool, options) => {
      guarded = { pool, options };
      return pool;
    }, async () => ({}));
    assert.equal(guarded?.pool, example.pool);
    assert.equal(guarded?.options.adapter, example.tinyPoolAdapter);
    assert.equal(example.tinyPoolAdapter.library, 'tiny-pool');
  });

  it('documents every violation kind and every POOLGUARD_* variable the preload reads', () => {
    const text = readme();
    const envSource = readFileSync(join(__dirname, '..', 'src', 'env-config.ts'), 'utf8');
    for (const [, name] of envSource.matchAll(/read\('(POOLGUARD_[A-Z_]+)'\)/g)) assert.ok(text.includes(`\`${name}\``), `${name} documented`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { VIOLATION_KINDS } = require('../src/types') as { VIOLATION_KINDS: readonly string[] };
    for (const kind of VIOLATION_KINDS) assert.match(text, new RegExp(`\\| \`${kind}\` \\|`), `${kind} in the violations table`);
  });
});
