/*
 * The preload's own require hook applies module definitions within their
 * supported versions, read in the comparator form module-hooks.ts uses.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { inRange } from '../src/preload-hooks';
import { SUPPORTED_VERSIONS } from '../src/module-hooks';

/** The version of the package `name` resolves to (its package.json may be outside its exports). */
function installedVersion(name: string): string {
  for (let dir = dirname(require.resolve(name)); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const { name: found, version } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version: string };
    if (found === name) return version;
  }
  throw new Error(`no package.json for ${name}`);
}

describe('preload hooks: supported versions', () => {
  it('reads >=, <, >, <= and = comparators, all of which must hold', () => {
    assert.equal(inRange('3.14.1', '>=3.0.0 <4'), true);
    assert.equal(inRange('4.0.0', '>=3.0.0 <4'), false);
    assert.equal(inRange('2.9.9', '>=3.0.0 <4'), false);
    assert.equal(inRange('3.0.0', '>=3.0.0 <4'), true);
    assert.equal(inRange('1.2.3', '=1.2.3'), true);
    assert.equal(inRange('1.2.4', '1.2.3'), false);
    assert.equal(inRange('1.2.4', '>1.2.3 <=1.2.4'), true);
    assert.equal(inRange('4.0.0-rc.1', '>=3.0.0 <4'), false, 'a prerelease of 4 is 4');
  });

  it('every supported range of the module hooks admits the version installed here', () => {
    for (const [name, ranges] of Object.entries(SUPPORTED_VERSIONS)) {
      const version = installedVersion(name);
      assert.ok(ranges.some((range) => inRange(version, range)), `${name} ${version} in ${ranges.join(' || ')}`);
    }
  });
});
