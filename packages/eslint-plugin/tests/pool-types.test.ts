/**
 * Unit tests of the typed matcher: small in-memory programs whose
 * `node_modules` layout is part of the fixture, so the package anchoring
 * (`pg` vs `pg-foo`, `@types/`, nested node_modules, ambient modules) is
 * tested on real paths.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';

import { parseForESLint } from '@typescript-eslint/parser';
import type { ParserServicesWithTypeInformation, TSESTree } from '@typescript-eslint/utils';
import { describe, it } from 'mocha';
import * as ts from 'typescript';

import type { CreatorKind } from '../src/util/creators';
import { getPoolKindOfType, isPoolLikeType } from '../src/util/pool-types';

const MAIN = '/project/src/main.ts';

const PG_TYPES = `
  export interface PoolConfig { max?: number }
  export interface QueryResult<R = unknown> { rows: R[] }
  export class ClientBase { query(sql: string): Promise<QueryResult> }
  export class Client extends ClientBase { connect(): Promise<void> }
  export interface PoolClient extends ClientBase { release(): void }
  export class Pool { constructor(config?: PoolConfig); options: PoolConfig; totalCount: number; connect(): Promise<PoolClient> }
`;

/** Compiles `files` plus `main` and returns the kind of each top-level `declare const`. */
function kinds(main: string, files: Record<string, string> = {}): Record<string, CreatorKind | undefined> {
  const { services, ast } = compile(main, files);
  const result: Record<string, CreatorKind | undefined> = {};
  for (const id of declaredConsts(ast)) {
    result[id.name] = getPoolKindOfType(services, id);
    assert.equal(isPoolLikeType(services, id), result[id.name] !== undefined);
  }
  return result;
}

function compile(main: string, files: Record<string, string>) {
  const all = new Map(Object.entries({ ...files, [MAIN]: main }));
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    strict: true,
    types: [],
    noEmit: true,
  };
  const host = ts.createCompilerHost(options, true);
  const isVirtualDir = (dir: string) => [...all.keys()].some(f => f.startsWith(`${dir.replace(/\/$/, '')}/`));
  host.fileExists = f => all.has(f) || (!f.startsWith('/project/') && fs.existsSync(f));
  host.readFile = f => all.get(f) ?? (f.startsWith('/project/') ? undefined : fs.readFileSync(f, 'utf8'));
  host.directoryExists = d => isVirtualDir(d) || (!d.startsWith('/project') && fs.existsSync(d));
  host.getCurrentDirectory = () => '/project';
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, ...rest) => {
    const text = all.get(fileName);
    return text === undefined
      ? getSourceFile(fileName, languageVersion, ...rest)
      : ts.createSourceFile(fileName, text, languageVersion, true);
  };
  const program = ts.createProgram({ rootNames: [...all.keys()], options, host });
  const { ast, services } = parseForESLint(main, { programs: [program], filePath: MAIN, range: true, loc: true });
  return { ast, services: services as ParserServicesWithTypeInformation };
}

function declaredConsts(ast: TSESTree.Program): TSESTree.Identifier[] {
  const ids: TSESTree.Identifier[] = [];
  const visit = (value: unknown, key: string): void => {
    if (key === 'parent' || typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) return value.forEach(item => visit(item, ''));
    const node = value as TSESTree.Node;
    if (node.type === 'VariableDeclarator' && node.id.type === 'Identifier') ids.push(node.id);
    for (const [childKey, child] of Object.entries(node)) visit(child, childKey);
  };
  visit(ast, '');
  return ids;
}

describe('pool-types', () => {
  describe('package anchoring', () => {
    it('matches pg classes and interfaces from node_modules/pg', () => {
      const result = kinds(
        `import type { Pool, Client, PoolClient, PoolConfig, QueryResult } from 'pg';
         declare const pool: Pool; declare const client: Client; declare const leased: PoolClient;
         declare const config: PoolConfig; declare const result: QueryResult; declare const sql: string;`,
        { '/project/node_modules/pg/index.d.ts': PG_TYPES },
      );
      assert.deepEqual(result, {
        pool: 'pool',
        client: 'client',
        leased: 'client',
        config: undefined,
        result: undefined,
        sql: undefined,
      });
    });

    it('matches declarations under node_modules/@types/<name>', () => {
      const result = kinds(`import type { Pool } from 'pg'; declare const pool: Pool;`, {
        '/project/node_modules/@types/pg/index.d.ts': PG_TYPES,
      });
      assert.deepEqual(result, { pool: 'pool' });
    });

    it('never matches a package that only starts or ends with a known name', () => {
      const result = kinds(
        `import type { Pool } from 'pg-foo'; import type { Client } from 'my-pg';
         import type { Pool as P2 } from '@types-like/pg';
         declare const a: Pool; declare const b: Client; declare const c: P2;`,
        {
          '/project/node_modules/pg-foo/index.d.ts': PG_TYPES,
          '/project/node_modules/my-pg/index.d.ts': PG_TYPES,
          '/project/node_modules/@types-like/pg/index.d.ts': PG_TYPES,
        },
      );
      assert.deepEqual(result, { a: undefined, b: undefined, c: undefined });
    });

    it('uses the innermost node_modules segment', () => {
      const result = kinds(
        `import type { Pool } from 'wrapper'; import type { Pool as Inner } from 'wrapper/inner';
         declare const outer: Pool; declare const inner: Inner;`,
        {
          '/project/node_modules/wrapper/index.d.ts': `export { Pool } from 'pg';`,
          '/project/node_modules/wrapper/inner.d.ts': `export { Pool } from 'helper';`,
          '/project/node_modules/wrapper/node_modules/pg/index.d.ts': PG_TYPES,
          '/project/node_modules/pg/node_modules/helper/index.d.ts': PG_TYPES,
          '/project/node_modules/wrapper/node_modules/helper/index.d.ts': PG_TYPES,
        },
      );
      assert.deepEqual(result, { outer: 'pool', inner: undefined });
    });

    it('matches ambient `declare module` blocks by exact name or subpath', () => {
      const result = kinds(
        `declare const pool: import('pg').Pool;
         declare const mysqlPool: import('mysql2/promise').Pool;
         declare const fake: import('pg-foo').Pool;
         declare const fake2: import('pgx/promise').Pool;`,
        {
          '/project/src/types.d.ts': `
            declare module 'pg' { export class Pool { end(): void } }
            declare module 'mysql2/promise' { export interface Pool { end(): Promise<void> } }
            declare module 'pg-foo' { export class Pool { end(): void } }
            declare module 'pgx/promise' { export class Pool { end(): void } }`,
        },
      );
      assert.deepEqual(result, { pool: 'pool', mysqlPool: 'pool', fake: undefined, fake2: undefined });
    });

    it('lets an ambient module name win over the file it sits in', () => {
      const result = kinds(
        `declare const pool: import('pg').Pool; declare const other: import('not-pg').Pool;`,
        {
          '/project/node_modules/@types/bundle/index.d.ts': `
            declare module 'pg' { export class Pool { end(): void } }
            declare module 'not-pg' { export class Pool { end(): void } }`,
          '/project/src/ref.d.ts': `/// <reference types="bundle" />`,
        },
      );
      assert.deepEqual(result, { pool: 'pool', other: undefined });
    });

    it('maps implementation packages back to the package users import', () => {
      const result = kinds(
        `import type { RedisClientType } from '@redis/client';
         import type { PrismaClient } from '.prisma/client';
         declare const redis: RedisClientType; declare const prisma: PrismaClient;`,
        {
          '/project/node_modules/@redis/client/index.d.ts': `
            declare class RedisClient { sendCommand(args: string[]): Promise<unknown> }
            interface Commands { get(key: string): Promise<string | null> }
            export type RedisClientType = RedisClient & Commands;`,
          '/project/node_modules/.prisma/client/index.d.ts': `export declare class PrismaClient { $connect(): Promise<void> }`,
        },
      );
      assert.deepEqual(result, { redis: 'client', prisma: 'client' });
    });
  });

  describe('type shapes', () => {
    const pg = { '/project/node_modules/pg/index.d.ts': PG_TYPES };

    it('follows base classes and interfaces', () => {
      const result = kinds(
        `import { Pool, ClientBase } from 'pg';
         class TenantPool extends Pool {}
         class AuditedPool extends TenantPool {}
         interface Leased extends ClientBase { tag: string }
         declare const tenant: TenantPool; declare const audited: AuditedPool; declare const leased: Leased;`,
        pg,
      );
      assert.deepEqual(result, { tenant: 'pool', audited: 'pool', leased: 'client' });
    });

    it('looks into unions, intersections and promises', () => {
      const result = kinds(
        `import type { Pool, Client } from 'pg';
         declare const maybe: Pool | undefined; declare const either: Client | null | string;
         declare const tagged: Pool & { tag: 'main' }; declare const later: Promise<Pool>;
         declare const thenable: PromiseLike<Client>;`,
        pg,
      );
      assert.deepEqual(result, { maybe: 'pool', either: 'client', tagged: 'pool', later: 'pool', thenable: 'client' });
    });

    it('matches generic classes through their reference target', () => {
      const result = kinds(`import type Pool from 'pg-pool'; declare const pool: Pool<object>;`, {
        '/project/node_modules/@types/pg-pool/index.d.ts': `
          declare class Pool<T> { connect(): Promise<T> }
          export = Pool;`,
      });
      assert.deepEqual(result, { pool: 'pool' });
    });

    it('does not count the constructor, members that are data, or look-alikes', () => {
      const result = kinds(
        `import { Pool } from 'pg';
         declare const ctor: typeof Pool;
         declare const pool: Pool;
         const options = pool.options; const total = pool.totalCount;
         class LocalPool { end() {} }
         declare const local: LocalPool;
         declare const anything: any; declare const nothing: unknown; declare const rows: Array<Pool>;`,
        pg,
      );
      assert.deepEqual(result, {
        ctor: undefined,
        pool: 'pool',
        options: undefined,
        total: undefined,
        local: undefined,
        anything: undefined,
        nothing: undefined,
        rows: undefined,
      });
    });

    it('infers through local factories and awaits', () => {
      const result = kinds(
        `import { Pool } from 'pg';
         function makePool() { return new Pool(); }
         async function makeLater() { return new Pool(); }
         const made = makePool();
         async function main() { const awaited = await makeLater(); const leased = await made.connect(); }`,
        pg,
      );
      assert.deepEqual(result, { made: 'pool', awaited: 'pool', leased: 'client' });
    });

    it('names the kind for each known package', () => {
      const result = kinds(
        `import type { Knex } from 'knex'; import type { MongoClient } from 'mongodb';
         import type { ConnectionPool } from 'mssql'; import type { Connection } from 'oracledb';
         declare const knex: Knex; declare const mongo: MongoClient;
         declare const mssql: ConnectionPool; declare const oracle: Connection;`,
        {
          '/project/node_modules/knex/types/index.d.ts': `export interface Knex { raw(sql: string): unknown }`,
          '/project/node_modules/knex/package.json': `{ "name": "knex", "types": "types/index.d.ts" }`,
          '/project/node_modules/mongodb/index.d.ts': `export declare class MongoClient { close(): Promise<void> }`,
          '/project/node_modules/mssql/index.d.ts': `export declare class ConnectionPool { close(): Promise<void> }`,
          '/project/node_modules/oracledb/index.d.ts': `export interface Connection { close(): Promise<void> }`,
        },
      );
      assert.deepEqual(result, { knex: 'engine', mongo: 'client', mssql: 'pool', oracle: 'connection' });
    });

    it('counts the handles that work through a typeorm DataSource or a MongoClient, not their results', () => {
      const result = kinds(
        `import type { EntityManager, Repository, QueryRunner, UpdateResult } from 'typeorm';
         import type { Db, Collection, ObjectId, Document } from 'mongodb';
         class User { id = 1 }
         class UserRepository extends (Object as unknown as new () => Repository<User>) {}
         declare const manager: EntityManager; declare const repo: Repository<User>; declare const custom: UserRepository;
         declare const runner: QueryRunner; declare const updated: UpdateResult; declare const user: User;
         declare const db: Db; declare const users: Collection<Document>; declare const id: ObjectId; declare const doc: Document;`,
        {
          '/project/node_modules/typeorm/index.d.ts': `
            export declare class EntityManager { query(sql: string): Promise<unknown> }
            export declare class Repository<Entity> { readonly manager: EntityManager; find(): Promise<Entity[]> }
            export interface QueryRunner { readonly manager: EntityManager; release(): Promise<void> }
            export declare class UpdateResult { affected?: number }`,
          '/project/node_modules/mongodb/index.d.ts': `
            export interface Document { [key: string]: unknown }
            export declare class ObjectId { toHexString(): string }
            export declare class Collection<TSchema extends Document = Document> { find(): TSchema[] }
            export declare class Db { collection<T extends Document>(name: string): Collection<T> }`,
        },
      );
      assert.deepEqual(result, {
        manager: 'engine', repo: 'engine', custom: 'engine', runner: 'connection', updated: undefined, user: undefined,
        db: 'client', users: 'client', id: undefined, doc: undefined,
      });
    });

    it("counts mongoose's module object, which its `Mongoose` type is `typeof` of", () => {
      const result = kinds(
        `import type { Mongoose, Connection } from 'mongoose';
         import * as pgModule from 'pg';
         declare const instance: Mongoose; declare const later: Promise<Mongoose>;
         declare const connection: Connection; declare const pgExports: typeof pgModule;`,
        {
          ...pg,
          '/project/node_modules/mongoose/package.json': `{ "name": "mongoose", "types": "types/index.d.ts" }`,
          // Shaped like mongoose's own typings: a script holding an ambient module.
          '/project/node_modules/mongoose/types/index.d.ts': `
            declare module 'mongoose' {
              import mongoose = require('mongoose');
              export type Mongoose = typeof mongoose;
              export class Connection { close(): Promise<void> }
              export function connect(uri: string): Promise<Mongoose>;
              export default mongoose;
            }`,
        },
      );
      assert.deepEqual(result, { instance: 'engine', later: 'engine', connection: 'connection', pgExports: undefined });
    });

    it('answers from the cache on a second call', () => {
      const { services, ast } = compile(`import type { Pool } from 'pg'; declare const pool: Pool;`, pg);
      const [id] = declaredConsts(ast);
      assert.ok(id);
      assert.equal(getPoolKindOfType(services, id), 'pool');
      assert.equal(getPoolKindOfType(services, id), 'pool');
    });
  });
});
