/**
 * The rule docs are part of the contract: every rule has a page with the
 * required sections, in order, and every code block under "❌ Incorrect" or
 * "✅ Correct" is linted by its rule and behaves as labelled.
 *
 * A code fence may carry options for the rule, as in typescript-eslint's docs:
 * ```ts option='{ "allowPrimaryPools": true }'
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

import * as parser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import { describe, it } from 'mocha';

import plugin from '../src/index';

const DOCS = path.join(__dirname, '..', 'docs', 'rules');

/** The sections every page has, in this order (Options only when the rule has options). */
const SECTIONS = ['## Rule Details', '### ❌ Incorrect', '### ✅ Correct', '## Options', '## When Not To Use It', '## Related'];

interface CodeBlock {
  label: 'incorrect' | 'correct' | undefined;
  lang: string;
  meta: string;
  code: string;
  line: number;
}

function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  let label: CodeBlock['label'];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith('#')) {
      label = line.includes('❌') ? 'incorrect' : line.includes('✅') ? 'correct' : undefined;
      continue;
    }
    const fence = /^```(\w*)\s*(.*)$/.exec(line);
    if (!fence) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i].startsWith('```'); i++) body.push(lines[i]);
    blocks.push({ label, lang: fence[1], meta: fence[2], code: body.join('\n'), line: start + 1 });
  }
  return blocks;
}

function optionsOf(meta: string): unknown[] {
  const match = /option='([^']*)'/.exec(meta);
  return match ? [JSON.parse(match[1])] : [];
}

function lint(ruleName: string, block: CodeBlock): Linter.LintMessage[] {
  const linter = new Linter();
  const filename = path.join(DOCS, `example.${block.lang === 'js' ? 'js' : 'ts'}`);
  return linter.verify(
    block.code,
    [
      {
        files: ['**/*.js', '**/*.ts'],
        languageOptions: { parser, sourceType: block.lang === 'js' ? 'commonjs' : 'module' },
        plugins: { poolguard: plugin as never },
        rules: { [`poolguard/${ruleName}`]: ['error', ...optionsOf(block.meta)] as Linter.RuleEntry },
      },
    ],
    filename,
  );
}

describe('rule docs', () => {
  for (const [name, rule] of Object.entries(plugin.rules)) {
    describe(name, () => {
      const file = path.join(DOCS, `${name}.md`);
      const markdown = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';

      it('has a doc page', () => {
        assert.ok(markdown, `missing ${path.relative(process.cwd(), file)}`);
      });

      it('starts with the generated header', () => {
        const description = (rule.meta.docs?.description ?? '').replace(/\.$/, '');
        assert.equal(markdown.split('\n')[0], `# ${description} (\`poolguard/${name}\`)`);
        assert.match(markdown, /<!-- end auto-generated rule header -->/);
      });

      it('has the required sections in order', () => {
        const hasOptions = JSON.stringify(rule.meta.schema) !== '[]';
        const expected = SECTIONS.filter(section => hasOptions || section !== '## Options');
        const headings = markdown.split('\n').filter(line => expected.includes(line.trim()));
        assert.deepEqual(headings, expected);
      });

      it('documents every option', () => {
        const [schema] = rule.meta.schema as unknown as [{ properties?: Record<string, unknown> }?];
        for (const option of Object.keys(schema?.properties ?? {})) {
          assert.match(markdown, new RegExp(`\`${option}\``), `option ${option} is not documented`);
        }
      });

      const blocks = codeBlocks(markdown).filter(block => block.label !== undefined);
      it('has at least one incorrect and one correct example', () => {
        assert.ok(blocks.some(block => block.label === 'incorrect'));
        assert.ok(blocks.some(block => block.label === 'correct'));
      });

      for (const block of blocks) {
        it(`${block.label} example at line ${block.line} behaves as labelled`, () => {
          const messages = lint(name, block);
          const fatal = messages.filter(message => message.fatal);
          assert.deepEqual(fatal, [], 'the example does not parse');
          const reports = messages.filter(message => message.ruleId === `poolguard/${name}`);
          if (block.label === 'incorrect') {
            assert.ok(reports.length > 0, 'an incorrect example must be reported');
          } else {
            assert.deepEqual(
              reports.map(report => `${report.line}:${report.column} ${report.message}`),
              [],
              'a correct example must stay silent',
            );
          }
        });
      }
    });
  }
});
