/**
 * The one table of known pool creators, shared by every rule, and the tracker
 * that finds their creation calls in a file.
 *
 * A creator is a member path from a package's export that opens or configures
 * a pool, client, connection or engine: a constructor (`new pg.Pool()`) or a
 * factory (`mysql.createPool()`, `postgres()`). The empty path `''` means the
 * module itself is the callable. Each path is also reachable through the
 * module's `default` export, which is how TypeScript's CommonJS interop and
 * `import x from 'cjs-package'` see it. A local class that extends a
 * constructor (`class AppPool extends Pool {}`) creates what it does
 * (creator-subclasses).
 */
import type { JSONSchema4 } from '@typescript-eslint/utils/json-schema';
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { ReferenceTracker } from '@typescript-eslint/utils/ast-utils';
import { subclassConstructions, type ConstructorRead } from './creator-subclasses';
import { iterateModuleReferences, type ParsedSource, type TraceMap } from './module-references';

export type CreatorKind = 'pool' | 'client' | 'connection' | 'engine';

export interface CreatorSpec {
  /** Member paths called with `new`, e.g. `'Pool'`, `'default.Pool'`, `''`. */
  constructors?: readonly string[];
  /** Member paths called plainly, e.g. `'createPool'`, `'MongoClient.connect'`, `''`. */
  factories?: readonly string[];
}

/** Keyed by the package name as written in `import`/`require`. */
export const KNOWN_CREATORS: Readonly<Record<string, CreatorSpec>> = Object.freeze({
  pg: { constructors: ['Pool', 'Client', 'native.Pool', 'native.Client'] },
  'pg-pool': { constructors: [''] },
  postgres: { factories: [''] },
  mysql: { factories: ['createPool', 'createConnection', 'createPoolCluster'] },
  mysql2: { factories: ['createPool', 'createConnection', 'createPoolCluster'] },
  'mysql2/promise': { factories: ['createPool', 'createConnection', 'createPoolCluster'] },
  mariadb: { factories: ['createPool', 'createConnection', 'createPoolCluster'] },
  // mariadb's documented callback API, a second entry point of the same package.
  'mariadb/callback': { factories: ['createPool', 'createConnection', 'createPoolCluster'] },
  knex: { factories: ['', 'knex'] },
  sequelize: { constructors: ['', 'Sequelize'] },
  'sequelize-typescript': { constructors: ['Sequelize'] },
  '@prisma/client': { constructors: ['PrismaClient'] },
  typeorm: {
    constructors: ['DataSource', 'Connection'],
    factories: ['createConnection', 'createConnections'],
  },
  mongoose: { factories: ['connect', 'createConnection'] },
  mongodb: { constructors: ['MongoClient'], factories: ['MongoClient.connect'] },
  ioredis: { constructors: ['', 'Redis', 'Cluster', 'Redis.Cluster'] },
  redis: { factories: ['createClient', 'createCluster'] },
  // `Database('app.db')` works without `new` too.
  'better-sqlite3': { constructors: [''], factories: [''] },
  'generic-pool': { constructors: ['Pool'], factories: ['createPool'] },
  tarn: { constructors: ['Pool'] },
  oracledb: { factories: ['createPool', 'getConnection'] },
  mssql: { constructors: ['ConnectionPool'], factories: ['connect'] },
});

/** One item of a rule's `creators` option. */
export interface CreatorOption {
  package: string;
  constructors?: string[];
  factories?: string[];
}

export interface CreationSite {
  node: TSESTree.CallExpression | TSESTree.NewExpression;
  /** The package the creator came from, e.g. `'pg'`. */
  package: string;
  /** The member path as listed in the table, e.g. `'Pool'`, `''`. */
  path: string;
}

/** JSON-schema fragment for the shared `creators` option. */
export const creatorsOptionSchema: JSONSchema4 = {
  type: 'array',
  description:
    'Additional pool creators, on top of the built-in table (pg, mysql2, knex, prisma, mongodb, ioredis, ...).',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['package'],
    // An entry that names no constructor or factory adds nothing: most likely a typo.
    anyOf: [
      { type: 'object', required: ['constructors'], description: 'A creator entry names at least one constructor.' },
      { type: 'object', required: ['factories'], description: 'A creator entry names at least one factory.' },
    ],
    properties: {
      package: {
        type: 'string',
        minLength: 1,
        description: "The module name as written in `import`/`require`, e.g. `'@acme/db'`.",
      },
      constructors: {
        type: 'array',
        minItems: 1,
        items: { type: 'string' },
        description:
          "Member paths of the module's export called with `new`, e.g. `'Pool'` or `'Db.Pool'`; `''` is the export itself.",
      },
      factories: {
        type: 'array',
        minItems: 1,
        items: { type: 'string' },
        description:
          "Member paths of the module's export that return a pool when called, e.g. `'connect'`; `''` is the export itself.",
      },
    },
  },
};

/** Every creation call in the file, computed once per file and options. */
export function findCreationSites(
  sourceCode: ParsedSource,
  extra: readonly CreatorOption[],
): CreationSite[] {
  const key = extra.length === 0 ? '' : JSON.stringify(extra);
  let perOptions = siteCache.get(sourceCode);
  if (!perOptions) {
    perOptions = new Map();
    siteCache.set(sourceCode, perOptions);
  }
  let sites = perOptions.get(key);
  if (!sites) {
    sites = collectCreationSites(sourceCode, buildTraceMap(mergeCreators(extra)));
    perOptions.set(key, sites);
  }
  return sites;
}

/** The built-in table with the option's entries merged in. */
export function mergeCreators(extra: readonly CreatorOption[]): Record<string, CreatorSpec> {
  const merged: Record<string, CreatorSpec> = { ...KNOWN_CREATORS };
  for (const item of extra) {
    const known = merged[item.package] ?? {};
    merged[item.package] = {
      constructors: [...(known.constructors ?? []), ...(item.constructors ?? [])],
      factories: [...(known.factories ?? []), ...(item.factories ?? [])],
    };
  }
  return merged;
}

const siteCache = new WeakMap<ParsedSource, Map<string, CreationSite[]>>();

interface CreatorInfo {
  package: string;
  path: string;
}

type MutableTraceNode = Record<string | symbol, unknown>;

function buildTraceMap(table: Record<string, CreatorSpec>): TraceMap {
  const traceMap: Record<string, MutableTraceNode> = {};
  for (const [pkg, spec] of Object.entries(table)) {
    // `default` mirrors the root: CJS-interop default imports and
    // TypeScript's `pg_1.default.Pool` reach the same creators.
    const root: MutableTraceNode = {};
    const entries: [string, symbol][] = [
      ...(spec.constructors ?? []).map((p): [string, symbol] => [p, ReferenceTracker.CONSTRUCT]),
      ...(spec.factories ?? []).map((p): [string, symbol] => [p, ReferenceTracker.CALL]),
    ];
    for (const [path, kind] of entries) {
      const info: CreatorInfo = { package: pkg, path };
      const segments = path === '' ? [] : path.split('.');
      addPath(root, segments, kind, info);
      if (segments[0] !== 'default') addPath(root, ['default', ...segments], kind, info);
      // A constructor read without `new` may be extended (creator-subclasses).
      // The module itself is read at its `require()`, which is no class.
      if (kind === ReferenceTracker.CONSTRUCT) {
        if (segments.length > 0) addPath(root, segments, ReferenceTracker.READ, info);
        if (segments[0] !== 'default') addPath(root, ['default', ...segments], ReferenceTracker.READ, info);
      }
    }
    traceMap[pkg] = root;
  }
  return traceMap;
}

function addPath(root: MutableTraceNode, segments: string[], kind: symbol, info: CreatorInfo): void {
  let node = root;
  for (const segment of segments) {
    const next = (Object.hasOwn(node, segment) ? node[segment] : undefined) as MutableTraceNode | undefined;
    node = next ?? (node[segment] = {});
  }
  node[kind] ??= info;
}

function collectCreationSites(
  sourceCode: ParsedSource,
  traceMap: TraceMap,
): CreationSite[] {
  const byNode = new Map<TSESTree.Node, CreationSite>();
  const constructorReads: ConstructorRead<CreatorInfo>[] = [];
  for (const found of iterateModuleReferences<CreatorInfo>(sourceCode, traceMap)) {
    const node = found.node;
    if (found.type === ReferenceTracker.READ) {
      constructorReads.push({ node, info: found.info });
      continue;
    }
    if (node.type !== AST_NODE_TYPES.CallExpression && node.type !== AST_NODE_TYPES.NewExpression) continue;
    if (byNode.has(node)) continue;
    byNode.set(node, { node, package: found.info.package, path: found.info.path });
  }
  for (const { node, info } of subclassConstructions(sourceCode, constructorReads)) {
    if (!byNode.has(node)) byNode.set(node, { node, package: info.package, path: info.path });
  }
  return [...byNode.values()].sort((a, b) => a.node.range[0] - b.node.range[0]);
}
