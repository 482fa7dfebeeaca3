/**
 * Typed matching: does a node's type stand for a live pool, client or
 * connection from one of the known database packages?
 *
 * Both rules use this in typed mode, and only on candidate nodes, so it must be
 * cheap per call: results are cached per `ts.Type` (types are interned per
 * program, so a WeakMap keyed by type is both correct and fast).
 *
 * A type counts when it is, or derives from (base types), or is a union or
 * intersection member of (`Pool | undefined`), or is a Promise of, a class or
 * interface declared by a known package under one of that package's pool-like
 * names. "Declared by package P" is anchored: the declaration lives in
 * `node_modules/P/...`, `node_modules/@types/P/...`, or inside an ambient
 * `declare module 'P'` / `declare module 'P/...'`. A substring never counts, so
 * `pg` does not match `pg-pool` or `pg-foo`. Plain-data types (configs, query
 * results, rows) are simply not in the name table. mongoose's module object
 * is its default instance, and its `Mongoose` type is `typeof mongoose`: the
 * type of that module object counts too.
 */
import type { ParserServicesWithTypeInformation, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import type * as ts from 'typescript';
import { typescript } from './typescript-module';

import { unwrap } from './ast';
import type { CreatorKind } from './creators';
import { instanceTarget } from './instance-targets';

/** Pool-like class and interface names per package, with the kind reported. */
const POOL_TYPE_NAMES: Readonly<Record<string, Readonly<Record<string, CreatorKind>>>> = {
  pg: { Pool: 'pool', Client: 'client', ClientBase: 'client', PoolClient: 'client', Connection: 'connection' },
  'pg-pool': { Pool: 'pool' },
  postgres: { Sql: 'pool', ReservedSql: 'connection', TransactionSql: 'connection' },
  mysql: { Pool: 'pool', PoolCluster: 'pool', Connection: 'connection', PoolConnection: 'connection' },
  mysql2: { Pool: 'pool', PoolCluster: 'pool', Connection: 'connection', PoolConnection: 'connection' },
  mariadb: { Pool: 'pool', PoolCluster: 'pool', Connection: 'connection', PoolConnection: 'connection' },
  // A knex `Client` holds the instance's driver and tarn pool.
  knex: { Knex: 'engine', Client: 'client' },
  sequelize: { Sequelize: 'engine' },
  'sequelize-typescript': { Sequelize: 'engine' },
  '@prisma/client': { PrismaClient: 'client' },
  // A manager, repository or query runner works through its DataSource's connections.
  typeorm: { DataSource: 'engine', EntityManager: 'engine', Repository: 'engine', QueryRunner: 'connection' },
  mongoose: { Mongoose: 'engine', Connection: 'connection' },
  // A database or collection handle holds its MongoClient.
  mongodb: { MongoClient: 'client', Db: 'client', Collection: 'client' },
  ioredis: { Redis: 'client', Cluster: 'client' },
  redis: {
    RedisClientType: 'client',
    RedisClient: 'client',
    RedisClusterType: 'client',
    RedisCluster: 'client',
    RedisSentinelType: 'client',
  },
  'better-sqlite3': { Database: 'connection' },
  'generic-pool': { Pool: 'pool' },
  tarn: { Pool: 'pool' },
  oracledb: { Pool: 'pool', Connection: 'connection' },
  mssql: { ConnectionPool: 'pool' },
};

/** Packages whose module object is itself a live instance, typed `typeof` the module. */
const MODULE_OBJECT_KINDS: Readonly<Record<string, CreatorKind>> = { mongoose: 'engine' };

/**
 * Packages whose types physically live in another package: `redis` re-exports
 * `@redis/client`, and `@prisma/client` re-exports the generated `.prisma/client`.
 */
const IMPLEMENTATION_PACKAGES: Readonly<Record<string, string>> = {
  '@redis/client': 'redis',
  '.prisma/client': '@prisma/client',
};

/** Base-type chains and nested wrappers deeper than this are not real code. */
const MAX_DEPTH = 8;

const kindCache = new WeakMap<ts.Type, CreatorKind | null>();

/** True when the node's type is a pool, client or connection from a known package. */
export function isPoolLikeType(services: ParserServicesWithTypeInformation, node: TSESTree.Node): boolean {
  return getPoolKindOfType(services, node) !== undefined;
}

/**
 * True for a method call on a pool, client or connection (`pool.on('error',
 * log)`, `pool.connect()`): what it returns derives from a pool that already
 * exists, so it is no new pool. `MongoClient.connect()` is called on the class,
 * not an instance, and stays a creation.
 */
export function isMethodOfPool(
  services: ParserServicesWithTypeInformation,
  node: TSESTree.CallExpression | TSESTree.NewExpression,
): boolean {
  const callee = unwrap(node.callee);
  return (
    node.type === AST_NODE_TYPES.CallExpression &&
    callee.type === AST_NODE_TYPES.MemberExpression &&
    isPoolLikeType(services, callee.object)
  );
}

/** The kind of pool-like value the node's type stands for, or undefined. */
export function getPoolKindOfType(
  services: ParserServicesWithTypeInformation,
  node: TSESTree.Node,
): CreatorKind | undefined {
  const type = services.getTypeAtLocation(node);
  return poolKindOf(services.program.getTypeChecker(), type, 0) ?? undefined;
}

/** The kind for a `ts.Type` directly (for callers that already hold one). */
export function getPoolKind(checker: ts.TypeChecker, type: ts.Type): CreatorKind | undefined {
  return poolKindOf(checker, type, 0) ?? undefined;
}

/**
 * Whether a type is declared by one of the known database packages: either a
 * pool-like type (the name table) or that package's plain data (configs,
 * results, rows, documents), which is never searched for pools inside.
 */
export function isKnownPackageType(type: ts.Type): boolean {
  const symbol = type.aliasSymbol ?? type.getSymbol();
  return (symbol?.getDeclarations() ?? []).some(declaration => declaringPackage(declaration) !== undefined);
}

const packageInstanceCache = new WeakMap<ts.Type, boolean>();

/**
 * Whether a value of this type is an instance of a known database package's
 * class or interface, or of one derived from it (`class Post extends Model`,
 * a mongoose document `Document<...> & Cat`): a model, row or document of
 * that package. Such an instance is that package's plain data (it crosses a
 * boundary as its `toJSON()`), though it refers to its engine or connection
 * (`Model#sequelize`, `Document#db`). The caller asks first whether the type
 * is itself pool-like.
 */
export function isKnownPackageInstance(checker: ts.TypeChecker, type: ts.Type): boolean {
  let known = packageInstanceCache.get(type);
  if (known === undefined) {
    packageInstanceCache.set(type, false);
    known = derivesFromPackage(checker, type, 0);
    packageInstanceCache.set(type, known);
  }
  return known;
}

function derivesFromPackage(checker: ts.TypeChecker, type: ts.Type, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  if (type.isIntersection()) return type.types.some(member => derivesFromPackage(checker, member, depth + 1));
  const classType = instanceTarget(type);
  if (!classType) return false;
  if (isKnownPackageType(classType)) return true;
  return checker.getBaseTypes(classType).some(base => derivesFromPackage(checker, base, depth + 1));
}

function poolKindOf(checker: ts.TypeChecker, type: ts.Type, depth: number): CreatorKind | null {
  const cached = kindCache.get(type);
  if (cached !== undefined) return cached;
  if (depth > MAX_DEPTH) return null;
  // Mark first so that recursive base types terminate.
  kindCache.set(type, null);
  const kind = computeKind(checker, type, depth);
  kindCache.set(type, kind);
  return kind;
}

function computeKind(checker: ts.TypeChecker, type: ts.Type, depth: number): CreatorKind | null {
  if (type.isUnion() || type.isIntersection()) {
    for (const member of type.types) {
      const kind = poolKindOf(checker, member, depth + 1);
      if (kind) return kind;
    }
    // `RedisClientType` is an alias of an intersection: the alias names it.
    return kindOfSymbol(type.aliasSymbol);
  }
  if (type.flags & typescript().TypeFlags.TypeParameter) {
    // `<T extends Pool>(pool: T)`: whatever T is, it is a pool.
    const constraint = checker.getBaseConstraintOfType(type);
    return constraint && constraint !== type ? poolKindOf(checker, constraint, depth + 1) : null;
  }
  if (!(type.flags & typescript().TypeFlags.Object)) return null;

  const promised = promisedType(checker, type);
  if (promised) return poolKindOf(checker, promised, depth + 1);

  const classType = instanceTarget(type);
  // `typeof Pool` (the constructor) shares the class symbol; only instances count.
  if (!classType) return kindOfSymbol(type.aliasSymbol) ?? kindOfModuleObject(type.getSymbol());

  const own = kindOfSymbol(classType.getSymbol()) ?? kindOfSymbol(type.aliasSymbol);
  if (own) return own;
  for (const base of checker.getBaseTypes(classType)) {
    const kind = poolKindOf(checker, base, depth + 1);
    if (kind) return kind;
  }
  return null;
}

/** `Promise<T>` / `PromiseLike<T>` → T, so `getPool()` of an async factory counts. */
function promisedType(checker: ts.TypeChecker, type: ts.Type): ts.Type | undefined {
  const name = type.getSymbol()?.getName();
  if (name !== 'Promise' && name !== 'PromiseLike') return undefined;
  if (!((type as ts.ObjectType).objectFlags & typescript().ObjectFlags.Reference)) return undefined;
  return checker.getTypeArguments(type as ts.TypeReference)[0];
}

function kindOfSymbol(symbol: ts.Symbol | undefined): CreatorKind | null {
  if (!symbol) return null;
  const name = symbol.getName();
  for (const declaration of symbol.getDeclarations() ?? []) {
    const pkg = declaringPackage(declaration);
    const kind = pkg === undefined ? undefined : POOL_TYPE_NAMES[pkg]?.[name];
    if (kind) return kind;
  }
  return null;
}

/** `typeof mongoose`: the module object of a package whose exports are an instance. */
function kindOfModuleObject(symbol: ts.Symbol | undefined): CreatorKind | null {
  if (!symbol || !(symbol.flags & typescript().SymbolFlags.ValueModule)) return null;
  for (const declaration of symbol.getDeclarations() ?? []) {
    let pkg: string | undefined;
    if (typescript().isModuleDeclaration(declaration) && typescript().isStringLiteral(declaration.name)) {
      pkg = packageOfSpecifier(declaration.name.text);
    } else if (typescript().isSourceFile(declaration)) {
      pkg = packageOfPath(declaration.fileName);
    }
    const kind = pkg === undefined ? undefined : MODULE_OBJECT_KINDS[pkg];
    if (kind) return kind;
  }
  return null;
}

/** The known database package that owns a declaration (declaringPackageName), or undefined. */
function declaringPackage(declaration: ts.Declaration): string | undefined {
  const name = declaringPackageName(declaration);
  return name !== undefined && name in POOL_TYPE_NAMES ? name : undefined;
}

/**
 * The package that owns a declaration, anchored on whole package names; any
 * package, not only the database ones (task-pool-types asks about worker
 * pools). An ambient `declare module` wins over the file path: a `.d.ts`
 * shipped by one package may declare another package's module.
 */
export function declaringPackageName(declaration: ts.Declaration): string | undefined {
  for (let node: ts.Node | undefined = declaration.parent; node; node = node.parent) {
    if (typescript().isModuleDeclaration(node) && typescript().isStringLiteral(node.name)) {
      return packageNameOf(node.name.text);
    }
  }
  return packageNameOfPath(declaration.getSourceFile().fileName);
}

/** `'pg'` → pg, `'mysql2/promise'` → mysql2, `'@prisma/client/x'` → @prisma/client; a known one only. */
function packageOfSpecifier(specifier: string): string | undefined {
  const name = packageNameOf(specifier);
  return name !== undefined && name in POOL_TYPE_NAMES ? name : undefined;
}

function packageNameOf(specifier: string): string | undefined {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The known package of a file's path (packageNameOfPath), or undefined. */
function packageOfPath(fileName: string): string | undefined {
  const name = packageNameOfPath(fileName);
  return name !== undefined && name in POOL_TYPE_NAMES ? name : undefined;
}

/** The package of the innermost `node_modules` segment, with `@types/` mapped back. */
function packageNameOfPath(fileName: string): string | undefined {
  const normalized = fileName.replace(/\\/g, '/');
  const index = normalized.lastIndexOf('/node_modules/');
  if (index === -1) return undefined;
  const parts = normalized.slice(index + '/node_modules/'.length).split('/');
  const first = parts[0];
  if (first === undefined) return undefined;
  // Scoped packages and Prisma's generated `.prisma/client` take two segments.
  let name = first.startsWith('@') || first.startsWith('.') ? `${first}/${parts[1]}` : first;
  if (name.startsWith('@types/')) {
    // `@types/scope__name` is the typings of `@scope/name`.
    const bare = name.slice('@types/'.length);
    name = bare.includes('__') ? `@${bare.replace('__', '/')}` : bare;
  }
  return IMPLEMENTATION_PACKAGES[name] ?? name;
}
