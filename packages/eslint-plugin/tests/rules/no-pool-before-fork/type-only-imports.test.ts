/**
 * Which imports TypeScript elides and which load their module: imports used only as types
 * or in `typeof`, decorator metadata, verbatimModuleSyntax (tests/fixtures/fork-options).
 */
import { code, RuleTester } from '../../rule-tester';
import rule from '../../../src/rules/no-pool-before-fork';
import { SERVER_MJS, SERVER_TS, typedLanguageOptions, TYPED_FILE, optionsCase, PG_MODULE, P } from './shared';

const ruleTester = new RuleTester();

ruleTester.run('no-pool-before-fork', rule, {
  valid: [
    // ---- a named import used only as a type is elided by TypeScript: it loads nothing ----
    {
      code: code`
        import cluster from 'node:cluster';
        import { Db, DbOptions } from './ts/db-typed.js';
        export let current: Db | undefined;
        export function configure(options: DbOptions): void {}
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_TS,
    },
    // ---- without type information, decorator metadata writes an imported interface or type alias as `Object`: the import is still elided ----
    {
      code: code`
        import cluster from 'node:cluster';
        import { Db, DbOptions } from './ts/db-typed.js';
        function Injectable(): ClassDecorator {
          return () => {};
        }
        function Inject(_token: string): ParameterDecorator {
          return () => {};
        }
        function Column(): PropertyDecorator {
          return () => {};
        }
        @Injectable()
        export class UsersService {
          @Column() current?: Db;
          constructor(private readonly db: Db | undefined, @Inject('OPTIONS') options: DbOptions) {}
        }
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_TS,
    },
    // ---- an import used only in `typeof` in a type is elided by TypeScript ----
    {
      code: code`
        import cluster from 'node:cluster';
        import { pool } from './ts/db-typed.js';
        export type Db = typeof pool;
        export let current: typeof pool.options | undefined;
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_TS,
    },
    // ---- typed, without emitDecoratorMetadata: a decorated constructor's parameter type is elided ----
    {
      code: `${PG_MODULE}\n${code`
        import cluster from 'node:cluster';
        import { Repo } from '../fork-options/metadata/repo.js';
        function Injectable(): ClassDecorator {
          return () => {};
        }
        @Injectable()
        export class UsersService {
          constructor(private readonly repo: Repo) {}
        }
        if (cluster.isPrimary) cluster.fork();
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
    },
    // ---- typed, with emitDecoratorMetadata: an interface, a type alias or a const enum is written as `Object`, `String`, `Number`; the import is elided ----
    {
      code: `${PG_MODULE}\n${code`
        import cluster from 'node:cluster';
        import { Level, RepoConfig, Role } from './repo.js';
        function Inject(_token: string): ParameterDecorator {
          return () => {};
        }
        function Column(): PropertyDecorator {
          return () => {};
        }
        export class UsersService {
          @Column() role!: Role;
          @Column() level!: Level;
          constructor(@Inject('CONFIG') private readonly config: RepoConfig) {}
        }
        if (cluster.isPrimary) cluster.fork();
      `}`,
      ...optionsCase('metadata'),
      options: [{ typeChecked: true }],
    },
    // the checker tells an interface behind `export *`, in the forking file and in a module it loads (service.ts)
    {
      code: `${PG_MODULE}\n${code`
        import cluster from 'node:cluster';
        import { RepoConfig } from './barrel.js';
        import { UsersService } from './service.js';
        function Inject(_token: string): ParameterDecorator {
          return () => {};
        }
        export class AdminService {
          constructor(@Inject('CONFIG') private readonly config: RepoConfig) {}
        }
        if (cluster.isPrimary) cluster.fork();
        else new UsersService({ url: '' });
      `}`,
      ...optionsCase('metadata'),
      options: [{ typeChecked: true }],
    },
  ],
  invalid: [
    // ---- typed: a namespace import, `import db = require()` and re-exports load the package too ----
    {
      code: `${PG_MODULE}\n${code`
        import cluster from 'node:cluster';
        import * as db from '@acme/db';
        import acme = require('@acme/db');
        export { pool } from '@acme/db';
        export * from '@acme/db';
        if (cluster.isPrimary) cluster.fork();
        else void Promise.all([db.pool.query('select 1'), acme.pool.query('select 1')]);
      `}`,
      filename: TYPED_FILE,
      languageOptions: typedLanguageOptions,
      options: [{ typeChecked: true }],
      errors: [
        { messageId: 'importCreatesPool', line: P + 2, column: 1, data: { source: '@acme/db', origin: '`db.pool` is a `Pool`', forkLine: String(P + 6), parent: 'primary process', children: 'worker processes' } },
        { messageId: 'importCreatesPool', line: P + 3, column: 1, data: { source: '@acme/db', origin: '`acme.pool` is a `Pool`', forkLine: String(P + 6), parent: 'primary process', children: 'worker processes' } },
        { messageId: 'importCreatesPool', line: P + 4, column: 1, data: { source: '@acme/db', origin: '`pool` is a `Pool`', forkLine: String(P + 6), parent: 'primary process', children: 'worker processes' } },
        { messageId: 'importCreatesPool', line: P + 5, column: 1, data: { source: '@acme/db', origin: '`pool` is a `Pool`', forkLine: String(P + 6), parent: 'primary process', children: 'worker processes' } },
      ],
    },
    // ---- without type information, a decorated constructor's parameter type counts as kept (emitDecoratorMetadata) when it is a class ----
    {
      code: code`
        import cluster from 'node:cluster';
        import { DbClient } from './ts/db-typed.js';
        function Injectable(): ClassDecorator {
          return () => {};
        }
        @Injectable()
        export class UsersService {
          constructor(private readonly db: DbClient | undefined) {}
        }
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_TS,
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 1 }],
    },
    // an enum (written as `String`, its import kept), and a namespace import, whose root is the module itself
    {
      code: code`
        import cluster from 'node:cluster';
        import { DbMode } from './ts/db-typed.js';
        import * as db from './ts/db-typed.js';
        function Column(): PropertyDecorator {
          return () => {};
        }
        export class User {
          @Column() mode!: DbMode;
          @Column() options!: db.DbOptions;
        }
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_TS,
      errors: [
        { messageId: 'importCreatesPool', line: 2, column: 1 },
        { messageId: 'importCreatesPool', line: 3, column: 1 },
      ],
    },
    // ---- typed, with emitDecoratorMetadata ----
    {
      code: `${PG_MODULE}\n${code`
        import cluster from 'node:cluster';
        import { Repo } from './repo.js';
        function Injectable(): ClassDecorator {
          return () => {};
        }
        @Injectable()
        export class UsersService {
          constructor(private readonly repo: Repo) {}
        }
        if (cluster.isPrimary) cluster.fork();
      `}`,
      ...optionsCase('metadata'),
      options: [{ typeChecked: true }],
      errors: [{ messageId: 'importCreatesPool', line: P + 2, column: 1 }],
    },
    // a string enum is written as `String`, but tsc keeps its import
    {
      code: `${PG_MODULE}\n${code`
        import cluster from 'node:cluster';
        import { Status } from './repo.js';
        function Column(): PropertyDecorator {
          return () => {};
        }
        export class User {
          @Column() status!: Status;
        }
        if (cluster.isPrimary) cluster.fork();
      `}`,
      ...optionsCase('metadata'),
      options: [{ typeChecked: true }],
      errors: [{ messageId: 'importCreatesPool', line: P + 2, column: 1 }],
    },
    // ---- verbatimModuleSyntax keeps an import of a class used only as a type ----
    {
      code: `${PG_MODULE}\n${code`
        import cluster from 'node:cluster';
        import { Repo } from './repo.js';
        export let repo: Repo | undefined;
        if (cluster.isPrimary) cluster.fork();
      `}`,
      ...optionsCase('verbatim'),
      options: [{ typeChecked: true }],
      errors: [{ messageId: 'importCreatesPool', line: P + 2, column: 1 }],
    },
    // ---- verbatimModuleSyntax keeps a type-only re-export as `export {} from`, which loads its module ----
    {
      code: `${PG_MODULE}\n${code`
        import cluster from 'node:cluster';
        import { version } from './type-barrel.js';
        if (cluster.isPrimary) cluster.fork();
        else console.log(version);
      `}`,
      ...optionsCase('verbatim'),
      options: [{ typeChecked: true }],
      errors: [{ messageId: 'importCreatesPool', line: P + 2, column: 1 }],
    },
    // ---- an import that any name uses as a value, one with no names, and one in JavaScript load the module ----
    {
      code: code`
        import cluster from 'node:cluster';
        import { Db, pool } from './ts/db-typed.js';
        export const current: Db = pool;
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_TS,
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 1 }],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import './ts/db-typed.js';
        import { DbOptions } from './ts/db-typed.js';
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_TS,
      errors: [
        { messageId: 'importCreatesPool', line: 2, column: 1 },
        { messageId: 'importCreatesPool', line: 3, column: 1 },
      ],
    },
    {
      code: code`
        import cluster from 'node:cluster';
        import { Db } from './ts/db-typed.js';
        if (cluster.isPrimary) cluster.fork();
      `,
      filename: SERVER_MJS,
      errors: [{ messageId: 'importCreatesPool', line: 2, column: 1 }],
    },
  ],
});
