/**
 * Typed matching of containers: does a value's type hold a pool, client or
 * connection (as `pool-types` defines them) one or more levels down?
 *
 * no-pool-across-boundary asks this only for the argument of a boundary call
 * that syntax could not open (a parameter, an import, `await Promise.all(...)`):
 * `Pool[]`, `readonly Pool[]`, `[PoolClient, number]`, `Map<string, Pool>`,
 * `Set<Pool>`, `Record<string, Pool>`, `{ pool: Pool }`, a class instance
 * with a pool field, and `Readonly<Pool>` all carry the pool across. A class's
 * methods, accessors and `#private` fields are not copied (copied-properties).
 *
 * The walk goes as deep as the runtime payload walk (the caller says how many
 * levels are left), remembers the types it has seen (recursive types), and
 * stops at a fixed number of types. Functions, lib types other than the
 * listed collections, and every type a database package declares (its plain
 * data: configs, results, rows) are not opened, nor an app's class derived
 * from one (`class Post extends Model`, a mongoose document): its models,
 * rows and documents.
 */
import type { ParserServicesWithTypeInformation, TSESTree } from '@typescript-eslint/utils';
import type * as ts from 'typescript';
import { typescript } from './typescript-module';

import { isCopiedProperty } from './copied-properties';
import type { CreatorKind } from './creators';
import { getPoolKind, isKnownPackageInstance, isKnownPackageType } from './pool-types';

/** Lib collections whose type arguments are their contents (keys and values). */
const COLLECTION_NAMES = new Set(['Map', 'ReadonlyMap', 'Set', 'ReadonlySet']);

/** Wide types are not searched beyond this many distinct types per argument. */
const MAX_TYPES = 200;

interface Walk {
  readonly checker: ts.TypeChecker;
  readonly program: ts.Program;
  readonly seen: Set<ts.Type>;
}

/**
 * The kind of the first pool-like type the node's type holds within `levels`
 * levels, or undefined. `omittedKeys` are top-level properties the payload
 * replaces (`{ ...ctx, pool: null }` spreads `ctx` without its `pool`).
 */
export function getContainedPoolKind(
  services: ParserServicesWithTypeInformation,
  node: TSESTree.Node,
  levels: number,
  omittedKeys: ReadonlySet<string> = new Set(),
): CreatorKind | undefined {
  if (levels <= 0) return undefined;
  const walk: Walk = { checker: services.program.getTypeChecker(), program: services.program, seen: new Set() };
  return containedKind(walk, services.getTypeAtLocation(node), levels, omittedKeys);
}

function containedKind(walk: Walk, type: ts.Type, levels: number, omittedKeys?: ReadonlySet<string>): CreatorKind | undefined {
  if (walk.seen.has(type) || walk.seen.size >= MAX_TYPES) return undefined;
  walk.seen.add(type);
  if (type.isUnion()) return firstKind(type.types, member => containedKind(walk, member, levels, omittedKeys));
  if (type.flags & typescript().TypeFlags.TypeParameter) {
    const constraint = walk.checker.getBaseConstraintOfType(type);
    return constraint && constraint !== type ? containedKind(walk, constraint, levels, omittedKeys) : undefined;
  }
  // `Readonly<Pool>` is the pool itself, read-only to the compiler only.
  const readonly = readonlyArgument(walk, type);
  if (readonly) return getPoolKind(walk.checker, readonly) ?? containedKind(walk, readonly, levels, omittedKeys);
  return firstKind(contents(walk, type, omittedKeys), child =>
    getPoolKind(walk.checker, child) ?? (levels > 1 ? containedKind(walk, child, levels - 1) : undefined),
  );
}

/** What a value of this type holds one level down: elements, keys and values, or property types (but `omittedKeys`). */
function contents(walk: Walk, type: ts.Type, omittedKeys?: ReadonlySet<string>): readonly ts.Type[] {
  if (!(type.flags & (typescript().TypeFlags.Object | typescript().TypeFlags.Intersection))) return [];
  const { checker } = walk;
  if (checker.isArrayType(type) || checker.isTupleType(type) || isLibCollection(walk, type)) {
    return checker.getTypeArguments(type as ts.TypeReference);
  }
  if (type.getCallSignatures().length > 0 || type.getConstructSignatures().length > 0) return [];
  // `Date`, `Uint8Array`, `Error` hold no pool; `Record<string, Pool>` (an anonymous lib type) may.
  if (isLibSymbol(walk, namedSymbol(type)) || isKnownPackageType(type)) return [];
  // A model or document of a database package (`class Post extends Model`) is its rows, not a holder of its engine.
  if (isKnownPackageInstance(checker, type)) return [];
  const members = checker
    .getPropertiesOfType(type)
    .filter(property => isCopiedProperty(property) && !omittedKeys?.has(property.getName()))
    .map(property => checker.getTypeOfSymbol(property));
  return [...members, ...checker.getIndexInfosOfType(type).map(info => info.type)];
}

function readonlyArgument(walk: Walk, type: ts.Type): ts.Type | undefined {
  const [argument] = type.aliasTypeArguments ?? [];
  const isReadonly = type.aliasSymbol?.getName() === 'Readonly' && isLibSymbol(walk, type.aliasSymbol);
  return isReadonly ? argument : undefined;
}

function isLibCollection(walk: Walk, type: ts.Type): boolean {
  const symbol = type.getSymbol();
  return (
    symbol !== undefined &&
    COLLECTION_NAMES.has(symbol.getName()) &&
    ((type as ts.ObjectType).objectFlags & typescript().ObjectFlags.Reference) !== 0 &&
    isLibSymbol(walk, symbol)
  );
}

/** The symbol of a class or interface instance type, through generic references. */
function namedSymbol(type: ts.Type): ts.Symbol | undefined {
  if (type.isClassOrInterface()) return type.getSymbol();
  const isReference = ((type as ts.ObjectType).objectFlags & typescript().ObjectFlags.Reference) !== 0;
  return isReference ? (type as ts.TypeReference).target.getSymbol() : undefined;
}

/** Declared only in TypeScript's default lib files (`lib.es5.d.ts`, ...). */
function isLibSymbol(walk: Walk, symbol: ts.Symbol | undefined): boolean {
  const declarations = symbol?.getDeclarations() ?? [];
  return (
    declarations.length > 0 &&
    declarations.every(declaration => walk.program.isSourceFileDefaultLibrary(declaration.getSourceFile()))
  );
}

function firstKind<T>(items: readonly T[], kindOf: (item: T) => CreatorKind | undefined): CreatorKind | undefined {
  for (const item of items) {
    const kind = kindOf(item);
    if (kind) return kind;
  }
  return undefined;
}
