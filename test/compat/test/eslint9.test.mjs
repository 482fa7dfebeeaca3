/*
 * @poolguard/eslint-plugin on ESLint 9 (the main suite runs ESLint 10) with
 * typescript-eslint 8, through the ESLint Node API and configs.recommended /
 * configs['recommended-type-checked'], on a small fixture app.
 */
import assert from 'node:assert/strict';
import { join, relative } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import poolguard from '@poolguard/eslint-plugin';
import { FIXTURES } from './helpers.mjs';

const PROJECT = join(FIXTURES, 'lint');

async function lint(configs) {
  const eslint = new ESLint({
    cwd: PROJECT,
    overrideConfigFile: true,
    overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, ...configs],
  });
  const findings = [];
  for (const result of await eslint.lintFiles(['src/**/*.{ts,mjs}'])) {
    for (const m of result.messages) {
      assert.ok(m.ruleId, `${result.filePath}: ${m.message}`); // a parse or config error is not "no findings"
      findings.push({ rule: m.ruleId, messageId: m.messageId, file: relative(PROJECT, result.filePath), line: m.line, column: m.column });
    }
  }
  return findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

describe('ESLint 9 with @poolguard/eslint-plugin', () => {
  it('runs on ESLint 9', () => {
    assert.equal(ESLint.version.split('.')[0], '9');
  });

  it('configs.recommended reports the module-scope pool of a self-forking app and the pool sent over postMessage', async () => {
    assert.deepEqual(await lint([poolguard.configs.recommended]), EXPECTED_UNTYPED);
  });

  it("configs['recommended-type-checked'] also finds the pool known only by its type", async () => {
    const findings = await lint([
      { files: ['**/*.mjs'], ...poolguard.configs.recommended },
      { files: ['**/*.ts'], ...poolguard.configs['recommended-type-checked'] },
      { files: ['**/*.ts'], languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: PROJECT } } },
    ]);
    assert.deepEqual(findings, EXPECTED_TYPED);
  });
});

const BEFORE_FORK = { rule: 'poolguard/no-pool-before-fork', messageId: 'poolBeforeFork', file: 'src/cluster-app.mjs', line: 5, column: 14 };
const ACROSS = { rule: 'poolguard/no-pool-across-boundary', messageId: 'poolAcrossBoundary' };
const EXPECTED_UNTYPED = [BEFORE_FORK, { ...ACROSS, file: 'src/worker.ts', line: 6, column: 40 }];
const EXPECTED_TYPED = [BEFORE_FORK, { ...ACROSS, file: 'src/report.ts', line: 5, column: 25 }, { ...ACROSS, file: 'src/worker.ts', line: 6, column: 40 }];
