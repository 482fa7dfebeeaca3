/**
 * What the plugin loads. An untyped lint (`configs.recommended` on
 * JavaScript) must not load TypeScript or typescript-eslint's parser: the
 * compiler alone takes a few hundred milliseconds to load, on every ESLint
 * run. They load when a typed check or a read of a local module needs them.
 * Each case runs in a fresh process, since this one has loaded both.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

import { describe, it } from 'mocha';

const PLUGIN = path.join(__dirname, '..', 'src', 'index.ts');

/** Lints `code` as `file` with configs.recommended in a fresh process; returns the rules reported and whether TypeScript and the parser loaded. */
function lintInFreshProcess(code: string, file: string): { rules: string[]; typescript: boolean; parser: boolean } {
  const script = `
    const { Linter } = require('eslint');
    const plugin = require(${JSON.stringify(PLUGIN)});
    const linter = new Linter({ configType: 'flat', cwd: ${JSON.stringify(path.dirname(file))} });
    const messages = linter.verify(${JSON.stringify(code)}, [plugin.configs.recommended], ${JSON.stringify(file)});
    const loaded = Object.keys(require.cache);
    process.stdout.write(JSON.stringify({
      rules: messages.map((m) => m.ruleId ?? m.message),
      typescript: loaded.some((f) => /[\\\\/]node_modules[\\\\/]typescript[\\\\/]/.test(f)),
      parser: loaded.some((f) => /[\\\\/]@typescript-eslint[\\\\/](parser|typescript-estree)[\\\\/]/.test(f)),
    }));
  `;
  const out = execFileSync(process.execPath, ['-r', 'tsx/cjs', '-e', script], { encoding: 'utf8', cwd: path.join(__dirname, '..') });
  return JSON.parse(out) as { rules: string[]; typescript: boolean; parser: boolean };
}

describe('what the plugin loads', () => {
  it('an untyped lint loads neither TypeScript nor the parser, and still reports', function () {
    this.timeout(60000);
    const code = [
      "const { Pool } = require('pg');",
      "const { Worker } = require('node:worker_threads');",
      'const pool = new Pool();',
      "new Worker('./job.js').postMessage({ pool });",
    ].join('\n');
    const result = lintInFreshProcess(code, path.join(__dirname, 'fixtures', 'fork-graph', 'send-pool.js'));
    assert.deepEqual(result, { rules: ['poolguard/no-pool-across-boundary'], typescript: false, parser: false });
  });

  it('a fork that imports a local module reads it with the parser, loaded then', function () {
    this.timeout(60000);
    const code = [
      "const cluster = require('node:cluster');",
      "require('./db-creates');",
      'if (cluster.isPrimary) cluster.fork();',
    ].join('\n');
    const result = lintInFreshProcess(code, path.join(__dirname, 'fixtures', 'fork-graph', 'entry-load.js'));
    assert.deepEqual(result.rules, ['poolguard/no-pool-before-fork']);
    assert.equal(result.parser, true);
  });
});
