/**
 * Reading a local module from disk for the cross-file analyses (module-graph,
 * exported-functions, class-methods): a syntax-only parse, cached by absolute
 * path and mtime for the life of the process, so a lint run parses each file
 * once.
 *
 * The parse never touches typescript-eslint's process-wide project state. A
 * parse without `tsconfigRootDir` asks typescript-eslint to infer one from
 * the configs that read `tseslint.configs.*`, and it throws as soon as two
 * such configs load in one process (per-package configs in a monorepo, a
 * root config that imports package configs). Swallowed, that error made a
 * module read as creating nothing. These modules are only read
 * syntactically, so each parse names its own directory as the root and asks
 * for no project.
 *
 * typescript-eslint's parser loads with the first module read.
 *
 * A module that fails to parse as an ES module is retried as CommonJS,
 * which may `return` at top level, before it counts as unreadable.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TSESTree } from '@typescript-eslint/utils';
import type * as Parser from '@typescript-eslint/parser';
import { walk, type VisitorKeys } from './ast';
import { FileCache } from './file-cache';
import type { ParsedSource } from './module-references';

/** A module read from disk. */
export interface ParsedModule {
  source: ParsedSource;
  text: string;
}

/** Parses survive across files of one lint run; a changed mtime re-parses. */
const parses = new FileCache<ParsedModule>(readModule);

/** The parse of a local module, cached by path and mtime; undefined when it cannot be read or no way of parsing it succeeds. */
export function parseModule(file: string): ParsedModule | undefined {
  return parses.get(file);
}

function readModule(file: string): ParsedModule | undefined {
  try {
    const text = fs.readFileSync(file, 'utf8');
    const source = parseText(text, file);
    return source && { source, text };
  } catch {
    return undefined; // unreadable: it cannot be shown to create a pool
  }
}

type Parse = ReturnType<typeof Parser.parseForESLint>;

let parser: typeof Parser | undefined;

/** typescript-eslint's parser (and with it TypeScript), loaded by the first module read, not with the plugin. */
function loadParser(): typeof Parser {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand
  return (parser ??= require('@typescript-eslint/parser') as typeof Parser);
}

/** The options that differ between the ways a file is tried. */
interface ParseMode {
  sourceType: 'module' | 'script';
  jsx: boolean;
  globalReturn: boolean;
}

/** The first way of parsing `code` that succeeds: as an ES module (JSX in `.jsx`/`.tsx`), then as CommonJS. */
function parseText(code: string, file: string): Parse | undefined {
  const jsx = /\.[jt]sx$/.test(file);
  const modes: ParseMode[] = [
    { sourceType: 'module', jsx, globalReturn: false },
    { sourceType: 'script', jsx, globalReturn: true },
  ];
  for (const mode of modes) {
    const result = tryParse(code, file, mode);
    if (result) {
      setParents(result.ast, result.visitorKeys);
      return result;
    }
  }
  return undefined;
}

function tryParse(code: string, file: string, mode: ParseMode): Parse | undefined {
  try {
    return loadParser().parseForESLint(code, {
      filePath: file,
      // Without it typescript-eslint infers a root from global state, and throws when that state names several.
      tsconfigRootDir: path.dirname(file),
      project: null,
      projectService: false,
      sourceType: mode.sourceType,
      range: true,
      loc: true,
      ecmaFeatures: { jsx: mode.jsx, globalReturn: mode.globalReturn },
    });
  } catch {
    return undefined;
  }
}

/** The analyses walk upwards; ESLint sets `parent` while linting, a bare parse does not. */
function setParents(root: TSESTree.Node, visitorKeys: VisitorKeys): void {
  walk(root, visitorKeys, (node, parent) => {
    if (parent) (node as { parent?: TSESTree.Node }).parent = parent;
  });
}
