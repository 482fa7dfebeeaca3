/**
 * End to end through the ESLint Node API, the way users run the plugin: the
 * flat configs from the published plugin object, a small cluster app on disk
 * (tests/fixtures/project), untyped and then typed with its tsconfig.
 *
 * The typed run must find everything the untyped run finds, plus the pool
 * that only its type reveals (src/report.ts gets it from a factory in another file).
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

import * as tsParser from '@typescript-eslint/parser';
import { ESLint } from 'eslint';
import type { Linter } from 'eslint';
import { describe, it } from 'mocha';

import plugin from '../src/index';

const PROJECT = path.join(__dirname, 'fixtures', 'project');

interface Finding {
  ruleId: string | null;
  file: string;
  line: number;
}

export async function lint(configs: Linter.Config[]): Promise<Finding[]> {
  const eslint = new ESLint({
    cwd: PROJECT,
    overrideConfigFile: true,
    overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tsParser } }, ...configs],
  });
  const results = await eslint.lintFiles(['src/**/*.ts']);
  const findings: Finding[] = [];
  for (const result of results) {
    for (const message of result.messages) {
      // A fatal parse or config error would otherwise pass as "no findings".
      assert.ok(message.ruleId, `${result.filePath}: ${message.message}`);
      findings.push({ ruleId: message.ruleId, file: path.relative(PROJECT, result.filePath), line: message.line });
    }
  }
  return findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

/** What the typed config finds, with either way of giving it type information. */
const TYPED_FINDINGS: Finding[] = [
  { ruleId: 'poolguard/no-pool-before-fork', file: 'src/primary.ts', line: 5 },
  { ruleId: 'poolguard/no-pool-across-boundary', file: 'src/report.ts', line: 5 },
  { ruleId: 'poolguard/no-pool-across-boundary', file: 'src/worker.ts', line: 6 },
];

// The child process of the `project` case loads this file for lint() only.
if (!process.env.POOLGUARD_E2E_CHILD) describe('e2e: ESLint Node API on a fixture project', () => {
  it('reports the module-scope pool and the pool sent over postMessage with configs.recommended', async () => {
    const findings = await lint([plugin.configs.recommended as Linter.Config]);
    assert.deepEqual(findings, [
      { ruleId: 'poolguard/no-pool-before-fork', file: 'src/primary.ts', line: 5 },
      { ruleId: 'poolguard/no-pool-across-boundary', file: 'src/worker.ts', line: 6 },
    ]);
  });

  it("also reports the pool known only by its type with configs['recommended-type-checked']", async () => {
    const findings = await lint([
      plugin.configs['recommended-type-checked'] as Linter.Config,
      { languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: PROJECT } } },
    ]);
    assert.deepEqual(findings, TYPED_FINDINGS);
  });

  // In a process of its own, as a CI run lints: typescript-eslint keeps programs per process, and one
  // process that mixes the project service with `project` (in single-run mode, CI=true) has TypeScript
  // fail inside its checker on the second.
  it("works with parserOptions.project as well as with the project service (a fresh process)", () => {
    const script = `
      const plugin = require(${JSON.stringify(require.resolve('../src/index'))});
      const { lint } = require(${JSON.stringify(__filename)});
      lint([plugin.configs['recommended-type-checked'], { languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: ${JSON.stringify(PROJECT)} } } }])
        .then((findings) => console.log(JSON.stringify(findings)), (err) => { console.error(err); process.exitCode = 1; });
    `;
    const out = execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { encoding: 'utf8', env: { ...process.env, POOLGUARD_E2E_CHILD: '1' } });
    assert.deepEqual(JSON.parse(out.trim().split('\n').pop()!), TYPED_FINDINGS);
  });
});

if (!process.env.POOLGUARD_E2E_CHILD) describe('e2e: a disable comment above a multi-line import', () => {
  it('applies to the import of a module that creates a pool at load, whose report starts on the import\'s first line', async () => {
    const graph = path.join(__dirname, 'fixtures', 'fork-graph');
    const eslint = new ESLint({
      cwd: graph,
      overrideConfigFile: true,
      overrideConfig: [plugin.configs.recommended, { linterOptions: { reportUnusedDisableDirectives: 'error' } }],
    });
    const text = (disabled: boolean) => [
      "import cluster from 'node:cluster';",
      ...(disabled ? ['// eslint-disable-next-line poolguard/no-pool-before-fork -- one pool per process is intended'] : []),
      'import {',
      '  pool,',
      "} from './db-creates.js';",
      'if (cluster.isPrimary) cluster.fork();',
      'else await pool.query(\'select 1\');',
      '',
    ].join('\n');
    const [reported] = await eslint.lintText(text(false), { filePath: path.join(graph, 'server.mjs') });
    assert.deepEqual(reported!.messages.map((m) => [m.ruleId, m.line, m.endLine]), [['poolguard/no-pool-before-fork', 2, 4]]);
    const [disabled] = await eslint.lintText(text(true), { filePath: path.join(graph, 'server.mjs') });
    assert.deepEqual(disabled!.messages, [], 'silenced, and the directive is used');
  });
});
