/*
 * The documentation users act on (issue 7): a page per violation kind with
 * the required sections, every violation message linking to a page that
 * exists, and every JavaScript/TypeScript sample in the READMEs compiling.
 *
 * The kinds come from the package (VIOLATION_KINDS), not from shared/DESIGN.md:
 * the repository must not depend on files outside it.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { metrics } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import ts from 'typescript';
import { VIOLATION_KINDS, type Violation } from '../packages/instrumentation/src';
import { resolveSettings } from '../packages/instrumentation/src/config';
import { report } from '../packages/instrumentation/src/signals';

const REPO = path.resolve(__dirname, '..');
const DOCS = path.join(REPO, 'docs', 'violations');
const DOC_LINK = /See (https:\/\/github\.com\/poolguard\/poolguard\/blob\/main\/(docs\/violations\/([a-z_]+)\.md))$/;
const REQUIRED_SECTIONS = ['What happened', 'Why it is dangerous', 'Reproduction', 'Fix', 'How poolguard detects it'];
const READMES = ['README.md', 'packages/instrumentation/README.md', 'packages/eslint-plugin/README.md'];

/** One violation of `kind`, built by the package's own reporting path (report() → buildViolation). */
function violationOf(kind: (typeof VIOLATION_KINDS)[number]): Violation {
  const seen: Violation[] = [];
  const target = {
    name: 'docs-test',
    settings: resolveSettings({ onViolation: (v) => seen.push(v) }),
    telemetry: { meter: () => metrics.getMeter('docs-test'), logger: () => logs.getLogger('docs-test') },
  };
  report(target, kind);
  assert.equal(seen.length, 1, `one ${kind} violation`);
  return seen[0]!;
}

describe('docs', () => {
  describe('docs/violations/<kind>.md', () => {
    it('there is a page for every kind and no page for an unknown kind', () => {
      for (const kind of VIOLATION_KINDS) assert.ok(existsSync(path.join(DOCS, `${kind}.md`)), `docs/violations/${kind}.md`);
    });

    for (const kind of VIOLATION_KINDS) {
      it(`${kind}.md has the title and every required section, with a code sample`, () => {
        const page = readFileSync(path.join(DOCS, `${kind}.md`), 'utf8');
        assert.ok(page.startsWith(`# \`${kind}\`\n`), 'the title is the kind');
        const headings = [...page.matchAll(/^## (.+)$/gm)].map((m) => m[1]!.trim());
        assert.deepEqual(headings.filter((h) => REQUIRED_SECTIONS.includes(h)), REQUIRED_SECTIONS, `sections in order, got ${headings.join(' / ')}`);
        const reproduction = page.slice(page.indexOf('## Reproduction'), page.indexOf('## Fix'));
        assert.match(reproduction, /```(js|ts)\n[\s\S]+?```/, 'a minimal reproduction in code');
        for (const [, target] of page.matchAll(/\]\((?!https?:)([^)#]+)(?:#[^)]*)?\)/g)) {
          assert.ok(existsSync(path.resolve(DOCS, target!)), `${kind}.md links to ${target}, which exists`);
        }
      });
    }

    it('the pages name the real failures: interleaved transactions, "too many clients", a session stolen by a child', () => {
      const all = VIOLATION_KINDS.map((kind) => readFileSync(path.join(DOCS, `${kind}.md`), 'utf8')).join('\n');
      assert.match(all, /interleav/i);
      assert.match(all, /sorry, too many clients already/);
      assert.match(all, /session stolen by a child/i);
    });
  });

  describe('violation messages', () => {
    for (const kind of VIOLATION_KINDS) {
      it(`the ${kind} message ends with a link to its page, which exists`, () => {
        const { message } = violationOf(kind);
        const link = DOC_LINK.exec(message);
        assert.ok(link, `the message ends with a doc link: ${message}`);
        assert.equal(link[3], kind);
        assert.ok(existsSync(path.join(REPO, link[2]!)), `${link[2]} exists`);
      });
    }
  });

  describe('README code samples', () => {
    interface Sample {
      readonly file: string;
      readonly line: number;
      readonly lang: string;
      readonly code: string;
    }

    function samples(): Sample[] {
      const found: Sample[] = [];
      for (const readme of READMES) {
        const file = path.join(REPO, readme);
        if (!existsSync(file)) continue;
        const text = readFileSync(file, 'utf8');
        for (const match of text.matchAll(/^```(js|javascript|mjs|cjs|ts|typescript)[^\n]*\n([\s\S]*?)^```/gm)) {
          // A block marked `<!-- example: name -->` is run by its package's own tests, which is more than compiling it.
          if (/<!-- example: [^>]+ -->\s*$/.test(text.slice(0, match.index))) continue;
          const line = text.slice(0, match.index).split('\n').length;
          found.push({ file: readme, line, lang: match[1]!, code: match[2]! });
        }
      }
      return found;
    }

    /** ESM when it uses import/export or top-level await, else CommonJS. */
    function extension(sample: Sample): string {
      const esm = /^\s*(import|export)\s/m.test(sample.code) || /^\s*await\s/m.test(sample.code);
      if (sample.lang === 'ts' || sample.lang === 'typescript') return esm ? '.mts' : '.cts';
      return esm ? '.mjs' : '.cjs';
    }

    it('every ```js and ```ts block of the root and package READMEs type-checks', function () {
      this.timeout(120_000);
      const all = samples();
      assert.ok(all.length >= 3, `found ${all.length} samples`);
      // Inside the repository, so that module resolution finds the workspace packages in node_modules.
      const dir = path.join(REPO, '.tmp', `readme-samples-${process.pid}`);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      try {
        const names = new Map<string, Sample>();
        all.forEach((sample, i) => {
          const name = path.join(dir, `${path.basename(path.dirname(path.join(REPO, sample.file)))}-${i}${extension(sample)}`);
          writeFileSync(name, sample.code);
          names.set(name, sample);
        });
        const options: ts.CompilerOptions = {
          allowJs: true,
          checkJs: true,
          noEmit: true,
          strict: true,
          noImplicitAny: false,
          module: ts.ModuleKind.NodeNext,
          moduleResolution: ts.ModuleResolutionKind.NodeNext,
          target: ts.ScriptTarget.ES2022,
          lib: ['lib.es2022.d.ts'],
          types: ['node'],
          skipLibCheck: true,
          esModuleInterop: true,
        };
        // A sample may be a fragment that uses names from the prose around it (`pool`, `config`): those are
        // declared as `any`, like hidden lines of a doc test, and everything else must check.
        const first = ts.getPreEmitDiagnostics(ts.createProgram([...names.keys()], options));
        const freeNames = new Map<string, Set<string>>();
        for (const d of first) {
          if (d.code !== 2304 || d.file === undefined || d.start === undefined) continue;
          const file = path.resolve(d.file.fileName);
          const name = d.file.text.slice(d.start, d.start + (d.length ?? 0));
          if (!freeNames.has(file)) freeNames.set(file, new Set());
          freeNames.get(file)!.add(name);
        }
        for (const [file, free] of freeNames) {
          const prelude = [...free].map((name) => (/\.[cm]ts$/.test(file) ? `declare const ${name}: any;` : `/** @type {any} */ var ${name};`)).join(' ');
          // One line, so that line numbers stay those of the README.
          writeFileSync(file, `${prelude} ${readFileSync(file, 'utf8')}`);
        }
        const program = ts.createProgram([...names.keys()], options);
        const problems = ts.getPreEmitDiagnostics(program)
          .filter((d) => d.file === undefined || names.has(path.resolve(d.file.fileName)))
          .map((d) => {
            const sample = d.file === undefined ? undefined : names.get(path.resolve(d.file.fileName));
            const where = sample === undefined || d.start === undefined
              ? '(global)'
              : `${sample.file}:${sample.line + d.file!.getLineAndCharacterOfPosition(d.start).line + 1}`;
            return `${where}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
          });
        assert.deepEqual(problems, [], `README samples that do not type-check:\n${problems.join('\n')}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
