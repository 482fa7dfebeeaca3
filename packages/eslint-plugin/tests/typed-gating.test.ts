/**
 * Typed mode without type information fails loudly on every file, with
 * typescript-eslint's usual "You have used a rule which requires type
 * information" error, as typescript-eslint's own typed rules do. A file that
 * the rules' cheap text checks would skip (no fork, send or postMessage in
 * it) must not hide a setup mistake until some other file trips it.
 *
 * What turns typed mode on: a rule's `typeChecked` option, or the shared
 * setting `settings.poolguard.typeChecked`, which the typed config sets too,
 * so that a user who overrides a rule's options there (ESLint replaces the
 * whole options object) keeps typed matching.
 */
import * as assert from 'node:assert/strict';

import * as tsParser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import { describe, it } from 'mocha';

import plugin from '../src/index';
import { code } from './rule-tester';
import { PG_MODULE, TYPED_FILE, typedLanguageOptions } from './rules/no-pool-before-fork/shared';

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

/**
 * Per rule, a case only typed matching reports: a pool from a factory the
 * syntax cannot see into, known by its type alone.
 */
const TYPED_ONLY: Record<keyof typeof plugin.rules, { code: string; messageId: string }> = {
  'no-pool-before-fork': {
    code: `${PG_MODULE}\n${code`
      import cluster from 'node:cluster';
      declare function makePool(): import('pg').Pool;
      const pool = makePool();
      if (cluster.isPrimary) cluster.fork();
    `}`,
    messageId: 'poolBeforeFork',
  },
  'no-pool-across-boundary': {
    code: `${PG_MODULE}\n${code`
      import { Worker } from 'node:worker_threads';
      declare function makePool(): import('pg').Pool;
      const pool = makePool();
      new Worker('./task.js', { workerData: { pool } });
    `}`,
    messageId: 'poolAcrossBoundary',
  },
};

/** Each rule's options set again without `typeChecked`, as a user overriding another option would. */
const OTHER_OPTIONS: Record<keyof typeof plugin.rules, Linter.RuleEntry> = {
  'no-pool-before-fork': ['error', { allowPrimaryPools: true }],
  'no-pool-across-boundary': ['error', { creators: [{ package: '@acme/db', factories: ['openDb'] }] }],
};

/** Lints `text` as a file of the typed fixture project, with typescript-eslint's parser and type information. */
function verifyTyped(configs: Linter.Config[], text: string): Linter.LintMessage[] {
  const linter = new Linter({ configType: 'flat' });
  const base: Linter.Config = { files: ['**/*.ts'], languageOptions: { parser: tsParser, ...typedLanguageOptions } };
  return linter.verify(text, [base, ...configs.map(config => ({ files: ['**/*.ts'], ...config }))], { filename: TYPED_FILE });
}

describe('typed mode is turned on by the option or the shared setting', () => {
  for (const name of Object.keys(plugin.rules) as (keyof typeof plugin.rules)[]) {
    const typedOnly = TYPED_ONLY[name];
    const ruleId = `poolguard/${name}`;
    const messageIds = (messages: Linter.LintMessage[]): (string | undefined)[] => messages.map(message => message.messageId);

    it(`${name}: configs['recommended-type-checked'] reports a pool known only by its type`, () => {
      assert.deepEqual(messageIds(verifyTyped([plugin.configs['recommended-type-checked']], typedOnly.code)), [typedOnly.messageId]);
    });

    it(`${name}: configs['recommended-type-checked'] with the rule's options overridden stays typed`, () => {
      const override: Linter.Config = { rules: { [ruleId]: OTHER_OPTIONS[name] } };
      const messages = verifyTyped([plugin.configs['recommended-type-checked'], override], typedOnly.code);
      assert.deepEqual(messageIds(messages), [typedOnly.messageId]);
    });

    it(`${name}: configs.recommended, also with type information, does not match by type`, () => {
      assert.deepEqual(verifyTyped([plugin.configs.recommended], typedOnly.code), []);
    });

    it(`${name}: the shared setting alone turns typed matching on`, () => {
      const config: Linter.Config = {
        plugins: { poolguard: plugin },
        settings: { poolguard: { typeChecked: true } },
        rules: { [ruleId]: 'error' },
      };
      assert.deepEqual(messageIds(verifyTyped([config], typedOnly.code)), [typedOnly.messageId]);
    });

    it(`${name}: the shared setting without type information fails loudly`, () => {
      const config: Linter.Config = {
        plugins: { poolguard: plugin },
        languageOptions: { parser: tsParser },
        settings: { poolguard: { typeChecked: true } },
        rules: { [ruleId]: 'error' },
      };
      assert.throws(() => verify(config, 'plain.ts'), REQUIRES_TYPES);
    });
  }

  it("configs['recommended-type-checked'] sets the shared setting beside each rule's option", () => {
    assert.deepEqual(plugin.configs['recommended-type-checked'].settings, { poolguard: { typeChecked: true } });
    assert.equal(plugin.configs.recommended.settings, undefined);
  });
});
