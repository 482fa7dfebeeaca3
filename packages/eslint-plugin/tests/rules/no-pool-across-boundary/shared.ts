/**
 * What the no-pool-across-boundary topic files share: the channel names the
 * messages quote, the inline `declare module` preludes of the typed cases and
 * their line counts, and the typed parser options (tests/fixtures/typed).
 */
import * as path from 'node:path';

import { code } from '../../rule-tester';

export const POST = '`postMessage()`';
export const SEND = 'IPC `send()`';
export const WORKER_DATA = '`workerData`';
export const FORK = '`fork()` arguments';
export const FORK_ENV = '`fork()` environment';
export const SPAWN = '`spawn()` arguments';
export const SPAWN_ENV = '`spawn()` environment';
export const WORKER_ARGV = "a Worker's `argv`";
export const WORKER_ENV = "a Worker's `env`";
export const EXEC = 'a workerpool `exec()` task';
export const RUN = 'a Piscina `run()` task';

export const PG_MODULE = code`
  declare module 'pg' {
    export interface PoolConfig { max?: number; connectionString?: string }
    export interface QueryResult { rows: unknown[]; rowCount: number }
    export class Pool {
      constructor(config?: PoolConfig);
      options: PoolConfig;
      totalCount: number;
      query(sql: string): Promise<QueryResult>;
      connect(): Promise<PoolClient>;
    }
    export class Client { query(sql: string): Promise<QueryResult> }
    export interface PoolClient extends Client { release(): void }
  }
`;
/** The ORM packages of tests/fixtures/typed/orm-packages.d.ts, as values to extend. */
export const ORM_MODULES = code`
  declare const orm: typeof import('sequelize');
  declare const odm: typeof import('mongoose');
`;
export const NODE_DECLS = code`
  declare const parentPort: { postMessage(value: unknown): void };
  declare const worker: { postMessage(value: unknown): void; send(value: unknown): void };
`;

/** The inline fixtures every typed script case starts with. */
export const PRELUDE = `${PG_MODULE}\n${NODE_DECLS}\n`;
/** Line numbers in typed cases count from the end of the prelude. */
export const P = PRELUDE.split('\n').length - 1;
/** Lines of ORM_MODULES, for the cases that add it to the prelude. */
export const ORM_PRELUDE = `${ORM_MODULES}\n`;
export const ORM_LINES = ORM_PRELUDE.split('\n').length - 1;

export function typedLanguageOptions() {
  return {
    parserOptions: {
      projectService: true,
      tsconfigRootDir: path.join(__dirname, '..', '..', 'fixtures', 'typed'),
    },
  };
}
