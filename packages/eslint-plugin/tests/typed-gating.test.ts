/**
 * Typed mode without type information fails loudly on every file, with
 * typescript-eslint's usual "You have used a rule which requires type
 * information" error, as typescript-eslint's own typed rules do. A file that
 * the rules' cheap text checks would skip (no fork, send or postMessage in
 * it) must not hide a setup mistake until some other file trips it.
 */
import * as assert from 'node:assert/strict';

import * as tsParser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import { describe, it } from 'mocha';

import plugin from '../src/index';

/** No word that could start a fork or cross a boundary. */
const PLAIN = 'export const answer = 42;\n';

const REQUIRES_TYPES = /requires type information/;

function verify(config: Linter.Config, filename: string): Linter.LintMessage[] {
  const linter = new Linter({ configType: 'flat' });
  return linter.verify(PLAIN, [{ files: ['**/*.{js,ts}'] }, config], { filename });
}

describe('typed mode without type information', () => {
  for (const name of Object.keys(plugin.rules)) {
    it(`${name} with typeChecked: true fails on a file with no fork words`, () => {
      const config: Linter.Config = {
        plugins: { poolguard: plugin },
        languageOptions: { parser: tsParser },
        rules: { [`poolguard/${name}`]: ['error', { typeChecked: true }] },
      };
      assert.throws(() => verify(config, 'plain.ts'), REQUIRES_TYPES);
    });

    it(`${name} without typeChecked needs no type information`, () => {
      const config: Linter.Config = {
        plugins: { poolguard: plugin },
        languageOptions: { parser: tsParser },
        rules: { [`poolguard/${name}`]: 'error' },
      };
      assert.deepEqual(verify(config, 'plain.ts'), []);
    });
  }

  it("configs['recommended-type-checked'] fails on a plain JavaScript file parsed without types", () => {
    assert.throws(() => verify(plugin.configs['recommended-type-checked'], 'plain.js'), REQUIRES_TYPES);
  });
});
