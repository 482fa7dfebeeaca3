/**
 * What the no-pool-before-fork topic files share: the fixture paths of the
 * cross-file and typed cases, the inline `declare module 'pg'` prelude, and
 * small builders of cases.
 */
import * as path from 'node:path';

import { code } from '../../rule-tester';

export const GRAPH = path.join(__dirname, '..', '..', 'fixtures', 'fork-graph');
/** The forking file of the cross-file cases; it need not exist, its neighbours do. */
export const SERVER_JS = path.join(GRAPH, 'server.js');
export const SERVER_MJS = path.join(GRAPH, 'server.mjs');
export const SERVER_TS = path.join(GRAPH, 'server.ts');
export const SUBPATH_SERVER_JS = path.join(GRAPH, 'subpath', 'src', 'server.js');
export const ALIASED_SERVER_JS = path.join(GRAPH, 'aliased', 'src', 'server.js');
export const BASE_URL_SERVER_TS = path.join(GRAPH, 'base-url', 'src', 'server.ts');

/** The same body under CommonJS requires and under ES imports of `cluster` and pg's `Pool`. */
export function inBothModuleSystems(body: string): string[] {
  return [
    `const cluster = require('node:cluster');\nconst { Pool } = require('pg');\n${body}`,
    `import cluster from 'node:cluster';\nimport { Pool } from 'pg';\n${body}`,
  ];
}

export const TYPED_DIR = path.join(__dirname, '..', '..', 'fixtures', 'fork-typed');
export const typedLanguageOptions = {
  parserOptions: { projectService: true, tsconfigRootDir: TYPED_DIR },
};
export const TYPED_FILE = path.join(TYPED_DIR, 'file.ts');
/** Typed cases under compiler options that keep imports (tests/fixtures/fork-options). */
export const OPTIONS_DIR = path.join(__dirname, '..', '..', 'fixtures', 'fork-options');
export const optionsCase = (dir: 'metadata' | 'verbatim') => ({
  filename: path.join(OPTIONS_DIR, dir, 'file.ts'),
  languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: path.join(OPTIONS_DIR, dir) } },
});

/** Inline library types for the typed cases: a script file, so `declare module` is ambient. */
export const PG_MODULE = code`
  declare module 'pg' {
    export interface PoolConfig { max?: number }
    export class Pool { constructor(config?: PoolConfig); query(sql: string): Promise<unknown>; end(): Promise<void>
      on(event: 'error', listener: (err: Error) => void): this; connect(): Promise<Client> }
    export class Client { query(sql: string): Promise<unknown> }
  }
`;
/** Line numbers in typed cases count from the end of the prelude. */
export const P = PG_MODULE.split('\n').length;

/** CommonJS lets a module `return` at top level. */
export const commonjs = { parserOptions: { sourceType: 'script', ecmaFeatures: { globalReturn: true } } } as const;
