/**
 * Crash check: both rules (untyped) over a large, fixed slice of real code
 * from the repo's own node_modules. Real code has every odd shape the rule
 * tests forget: computed members, optional chains, spreads, `with`, getters,
 * odd `require` calls. A parse error is the parser's business and is only
 * counted; a throw from a rule fails the test. A generated long file checks
 * that no walk of the AST recurses or spreads its way out of the call stack.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

import * as tsParser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import { describe, it } from 'mocha';

import plugin from '../src/index';

const ROOT = path.resolve(__dirname, '..', '..', '..', 'node_modules');
const MAX_FILES = 3000;
const MAX_BYTES = 200 * 1024;

/** A deterministic, sorted list of source files (no .d.ts, no minified bundles). */
function collectFiles(dir: string, out: string[]): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (out.length >= MAX_FILES) return;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== '.bin' && entry.name !== '.cache') collectFiles(full, out);
    } else if (entry.isFile() && /\.(?:[cm]?js|[cm]?ts)$/.test(entry.name) && !/\.d\.[cm]?ts$|\.min\.js$/.test(entry.name)) {
      if (fs.statSync(full).size <= MAX_BYTES) out.push(full);
    }
  }
}

/** ESM when the extension or a top-level import/export says so. */
function sourceTypeOf(file: string, text: string): 'module' | 'commonjs' {
  if (/\.m[jt]s$/.test(file)) return 'module';
  if (/\.c[jt]s$/.test(file)) return 'commonjs';
  return /^\s*(?:import\s*[\w{*'"]|export\s)/m.test(text) ? 'module' : 'commonjs';
}

describe('crash check: both rules over real node_modules code', function () {
  this.timeout(120_000);

  it('never throws from a rule', () => {
    const files: string[] = [];
    collectFiles(ROOT, files);
    assert.ok(files.length >= 1000, `expected a large sample, found ${files.length} files`);

    const linter = new Linter({ configType: 'flat' });
    const rules: Linter.RulesRecord = {
      'poolguard/no-pool-before-fork': ['error', { typeChecked: false }],
      'poolguard/no-pool-across-boundary': ['error', { typeChecked: false }],
    };
    const crashes: string[] = [];
    let parseErrors = 0;
    let findings = 0;
    const started = Date.now();

    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      const isTs = /\.[cm]?ts$/.test(file);
      const config: Linter.Config = {
        files: ['**/*.{js,cjs,mjs,ts,cts,mts}'],
        plugins: { poolguard: plugin },
        languageOptions: {
          ecmaVersion: 'latest',
          sourceType: sourceTypeOf(file, text),
          ...(isTs ? { parser: tsParser as Linter.Parser } : {}),
        },
        linterOptions: { reportUnusedDisableDirectives: 'off' },
        rules,
      };
      // Flat config ignores node_modules paths; lint under a neutral name instead.
      const filename = path.join('sample', path.relative(ROOT, file).replace(/node_modules/g, 'nm'));
      try {
        const messages = linter.verify(text, config, { filename });
        if (messages.some(m => m.fatal)) parseErrors++;
        const setup = messages.find(m => m.ruleId === null && !m.fatal);
        assert.equal(setup, undefined, `${filename}: ${setup?.message}`);
        findings += messages.filter(m => m.ruleId?.startsWith('poolguard/')).length;
      } catch (error) {
        if (error instanceof assert.AssertionError) throw error;
        crashes.push(`${path.relative(ROOT, file)}: ${(error as Error).message.split('\n').slice(0, 3).join(' | ')}`);
      }
    }

    const seconds = (Date.now() - started) / 1000;
    console.log(`      ${files.length} files, ${parseErrors} parse errors, ${findings} findings, ${crashes.length} crashes, ${seconds.toFixed(1)} s`);
    assert.deepEqual(crashes, []);
    assert.ok(seconds < 60, `crash check took ${seconds} s`);
  });
});

describe('crash check: a long generated file', () => {
  it('walks a file of 100,000 array elements and a self-fork without overflowing the stack', () => {
    // Its hundreds of thousands of tokens once went onto one walk's stack as a single spread.
    const elements = Array.from({ length: 100_000 }, () => '0').join(',');
    const text = [
      "const cluster = require('node:cluster');",
      "const { Pool } = require('pg');",
      `export const table = [${elements}];`,
      'const pool = new Pool();',
      'if (cluster.isPrimary) cluster.fork();',
    ].join('\n');
    const linter = new Linter({ configType: 'flat' });
    const config: Linter.Config = {
      files: ['**/*.js'],
      plugins: { poolguard: plugin },
      languageOptions: { ecmaVersion: 'latest', sourceType: 'module' },
      rules: { 'poolguard/no-pool-before-fork': 'error', 'poolguard/no-pool-across-boundary': 'error' },
    };
    // A name on disk, so that the rule also looks for local imports.
    const messages = linter.verify(text, config, { filename: path.join(__dirname, 'fixtures', 'long.js') });
    assert.deepEqual(
      messages.map(m => [m.ruleId, m.line]),
      [['poolguard/no-pool-before-fork', 4]],
    );
  });
});
