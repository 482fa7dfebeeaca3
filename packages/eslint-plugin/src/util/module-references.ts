/**
 * Module reference tracking shared by the creator table and the fork-site
 * detector: every read, call and construction of a module's export, through
 * ESM imports (default, named, namespace, renames) and CommonJS `require()`
 * (direct member access, destructuring, aliases), and `await import()`.
 * ReferenceTracker follows
 * the members and aliases; this file finds where each module enters.
 *
 * ReferenceTracker's own CJS entry point only starts from a *declared* global
 * `require`; a file linted without Node globals would then look clean. So the
 * `require(...)` calls are collected here from the global scope's unresolved
 * references as well, and each one is handed to the tracker. An ES module's
 * own `require`, made by `createRequire(import.meta.url)` of `node:module`
 * under any name, loads as the CommonJS one does, and counts as one.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { ReferenceTracker, findVariable, getStringIfConstant } from '@typescript-eslint/utils/ast-utils';
import { isConstantBinding, walk, type VisitorKeys } from './ast';

/**
 * What the analyses need of a file: its AST, scopes and visitor keys (a
 * SourceCode, or another file's parse from module-parse).
 */
export type ParsedSource = Readonly<Pick<TSESLint.SourceCode, 'ast' | 'scopeManager'>> & {
  readonly visitorKeys: VisitorKeys;
};

/**
 * Module name -> nested member names; the tracker's symbols (READ, CALL,
 * CONSTRUCT) mark the leaves and hold the caller's info value.
 */
export type TraceMap = Record<string, object>;

/** A trace map of Node core modules: each under both its names (`cluster`, `node:cluster`), its members also reachable via `default`. */
export function coreModuleTraceMap(modules: Readonly<Record<string, Record<string, object>>>): TraceMap {
  return Object.fromEntries(
    Object.entries(modules).flatMap(([name, members]) => {
      const map = { ...members, default: members };
      return [
        [name, map],
        [`node:${name}`, map],
      ];
    }),
  );
}

export interface FoundReference<T> {
  info: T;
  node: TSESTree.Node;
  path: readonly string[];
  type: symbol;
}

/** Present at runtime in @eslint-community/eslint-utils, missing from the typings. */
interface PropertyTracker {
  iteratePropertyReferences(node: TSESTree.Node, traceMap: unknown): IterableIterator<FoundReference<unknown>>;
}

/** Yields every tracked reference from both module systems. */
export function* iterateModuleReferences<T>(
  sourceCode: ParsedSource,
  traceMap: TraceMap,
): IterableIterator<FoundReference<T>> {
  const globalScope = sourceCode.scopeManager?.globalScope;
  if (!globalScope) return;
  // Named imports resolve to the map's members and default imports to its
  // `default` member, exactly as mapped: callers mirror CJS exports there.
  const tracker = new ReferenceTracker(globalScope) as unknown as PropertyTracker;
  yield* iterateImportReferences<T>(sourceCode.ast, globalScope, tracker, traceMap);
  for (const call of findRequireCalls(sourceCode)) {
    const id = getStringIfConstant(call.arguments[0], globalScope);
    if (id == null || !Object.hasOwn(traceMap, id)) continue;
    const moduleMap = (traceMap as Record<string | symbol, Record<symbol, unknown>>)[id];
    const read = moduleMap[ReferenceTracker.READ] as T | undefined;
    if (read) yield { node: call, path: [id], type: ReferenceTracker.READ, info: read };
    for (const found of tracker.iteratePropertyReferences(call, moduleMap)) {
      yield { ...found, info: found.info as T, path: [id, ...found.path] };
    }
  }
  yield* iterateAwaitedImportReferences<T>(sourceCode, globalScope, tracker, traceMap);
}

/**
 * `await import('pg')`: the module namespace, which holds the CommonJS
 * exports under `default` and as named exports, as the trace map mirrors
 * them (`const { Pool } = await import('pg')`, `(await import('pg')).default.Pool`,
 * `const cluster = await import('node:cluster')`). `import('pg').then(...)`
 * is not followed.
 */
function* iterateAwaitedImportReferences<T>(
  sourceCode: ParsedSource,
  globalScope: TSESLint.Scope.Scope,
  tracker: PropertyTracker,
  traceMap: TraceMap,
): IterableIterator<FoundReference<T>> {
  for (const expression of importExpressionsOf(sourceCode)) {
    const awaited = expression.parent;
    if (awaited?.type !== AST_NODE_TYPES.AwaitExpression) continue;
    const id = getStringIfConstant(expression.source, globalScope);
    if (id == null || !Object.hasOwn(traceMap, id)) continue;
    for (const found of tracker.iteratePropertyReferences(awaited, traceMap[id])) {
      yield { ...found, info: found.info as T, path: [id, ...found.path] };
    }
  }
}

/** Every `import()` of a file, found in one walk and kept for the file's other analyses. */
function importExpressionsOf(sourceCode: ParsedSource): readonly TSESTree.ImportExpression[] {
  let found = importExpressionCache.get(sourceCode.ast);
  if (!found) {
    const expressions: TSESTree.ImportExpression[] = [];
    walk(sourceCode.ast, sourceCode.visitorKeys, node => {
      if (node.type === AST_NODE_TYPES.ImportExpression) expressions.push(node);
    });
    found = expressions;
    importExpressionCache.set(sourceCode.ast, found);
  }
  return found;
}

const importExpressionCache = new WeakMap<TSESTree.Program, readonly TSESTree.ImportExpression[]>();

/**
 * ESM imports, walked here rather than by `iterateEsmReferences` because that
 * one also follows `import type`, which loads nothing at runtime.
 */
function* iterateImportReferences<T>(
  program: TSESTree.Program,
  globalScope: TSESLint.Scope.Scope,
  tracker: PropertyTracker,
  traceMap: TraceMap,
): IterableIterator<FoundReference<T>> {
  for (const statement of program.body) {
    if (statement.type === AST_NODE_TYPES.TSImportEqualsDeclaration) {
      yield* iterateImportEqualsReferences<T>(statement, globalScope, tracker, traceMap);
      continue;
    }
    if (statement.type !== AST_NODE_TYPES.ImportDeclaration || statement.importKind === 'type') continue;
    const id = statement.source.value;
    if (!Object.hasOwn(traceMap, id)) continue;
    const moduleMap = traceMap[id] as Record<string | symbol, object>;
    for (const specifier of statement.specifiers) {
      let specifierMap: Record<string | symbol, object> | undefined = moduleMap;
      let path = [id];
      if (specifier.type === AST_NODE_TYPES.ImportSpecifier) {
        if (specifier.importKind === 'type') continue;
        const imported =
          specifier.imported.type === AST_NODE_TYPES.Identifier ? specifier.imported.name : specifier.imported.value;
        specifierMap = Object.hasOwn(moduleMap, imported) ? (moduleMap[imported] as typeof moduleMap) : undefined;
        path = [id, imported];
      } else if (specifier.type === AST_NODE_TYPES.ImportDefaultSpecifier) {
        specifierMap = Object.hasOwn(moduleMap, 'default') ? (moduleMap.default as typeof moduleMap) : undefined;
        path = [id, 'default'];
      }
      if (!specifierMap) continue;
      const read = specifierMap[ReferenceTracker.READ] as T | undefined;
      if (read) yield { node: specifier, path, type: ReferenceTracker.READ, info: read };
      const variable = findVariable(globalScope, specifier.local);
      for (const ref of variable?.references ?? []) {
        // `isValueReference` is typescript-eslint's; espree's scope manager (plain .js/.mjs) has no such field.
        if (ref.isValueReference === false || !ref.isRead()) continue;
        for (const found of tracker.iteratePropertyReferences(ref.identifier, specifierMap)) {
          yield { ...found, info: found.info as T, path: [...path, ...found.path] };
        }
      }
    }
  }
}

/** TypeScript's `import pg = require('pg')`. */
function* iterateImportEqualsReferences<T>(
  statement: TSESTree.TSImportEqualsDeclaration,
  globalScope: TSESLint.Scope.Scope,
  tracker: PropertyTracker,
  traceMap: TraceMap,
): IterableIterator<FoundReference<T>> {
  const reference = statement.moduleReference;
  if (statement.importKind === 'type' || reference.type !== AST_NODE_TYPES.TSExternalModuleReference) return;
  const id = reference.expression.value;
  if (typeof id !== 'string' || !Object.hasOwn(traceMap, id)) return;
  const variable = findVariable(globalScope, statement.id);
  for (const ref of variable?.references ?? []) {
    if (!ref.isValueReference || !ref.isRead()) continue;
    for (const found of tracker.iteratePropertyReferences(ref.identifier, traceMap[id])) {
      yield { ...found, info: found.info as T, path: [id, ...found.path] };
    }
  }
}

/**
 * `require('x')` calls whose `require` is the CommonJS one: either unresolved
 * (no globals configured) or a configured global nobody redefined; or one
 * that `createRequire()` made (createdRequireCalls). Found once per file.
 */
export function findRequireCalls(sourceCode: ParsedSource): readonly TSESTree.CallExpression[] {
  const globalScope = sourceCode.scopeManager?.globalScope;
  if (!globalScope) return [];
  let calls = requireCallCache.get(sourceCode.ast);
  if (!calls) {
    const globalCalls = globalRequireCalls(globalScope);
    calls = [...globalCalls, ...createdRequireCalls(sourceCode, globalScope, globalCalls)];
    requireCallCache.set(sourceCode.ast, calls);
  }
  return calls;
}

const requireCallCache = new WeakMap<TSESTree.Program, readonly TSESTree.CallExpression[]>();

function globalRequireCalls(globalScope: TSESLint.Scope.Scope): TSESTree.CallExpression[] {
  const identifiers: TSESTree.Identifier[] = [];
  for (const ref of globalScope.through) {
    if (ref.identifier.name === 'require') identifiers.push(ref.identifier as TSESTree.Identifier);
  }
  const declared = globalScope.set.get('require');
  if (declared && declared.defs.length === 0) {
    for (const ref of declared.references) identifiers.push(ref.identifier as TSESTree.Identifier);
  }
  return identifiers.map(loadCallOf).filter(call => call !== undefined);
}

/** `require('x')` of `id`, the callee: a call with a first argument that is no spread. */
function loadCallOf(id: TSESTree.Identifier): TSESTree.CallExpression | undefined {
  const parent = id.parent;
  const isLoad =
    parent?.type === AST_NODE_TYPES.CallExpression &&
    parent.callee === id &&
    parent.arguments.length > 0 &&
    parent.arguments[0].type !== AST_NODE_TYPES.SpreadElement;
  return isLoad ? parent : undefined;
}

/** The specifiers of Node's `module` module, whose `createRequire` makes a `require`. */
const MODULE_MODULES: ReadonlySet<unknown> = new Set(['module', 'node:module']);

/** `createRequire` of `node:module`, imported (named, default or namespace) or required. */
const CREATE_REQUIRE_TRACE_MAP: TraceMap = coreModuleTraceMap({ module: { createRequire: { [ReferenceTracker.CALL]: true } } });

/**
 * The calls of a `require` that `createRequire()` made and a constant holds:
 * `import { createRequire } from 'node:module'; const require =
 * createRequire(import.meta.url)`, then `require('pg')`; also under another
 * name, through `module.createRequire`, in CommonJS, and called at once
 * (`createRequire(import.meta.url)('pg')`). Only a file that
 * imports or requires `module` is searched further.
 */
function createdRequireCalls(
  sourceCode: ParsedSource,
  globalScope: TSESLint.Scope.Scope,
  globalCalls: readonly TSESTree.CallExpression[],
): TSESTree.CallExpression[] {
  const modulesLoaded = globalCalls.filter(call => isModuleSpecifier(call.arguments[0]));
  const imported = sourceCode.ast.body.some(
    statement => statement.type === AST_NODE_TYPES.ImportDeclaration && MODULE_MODULES.has(statement.source.value),
  );
  if (!imported && modulesLoaded.length === 0) return [];
  const tracker = new ReferenceTracker(globalScope) as unknown as PropertyTracker;
  const factoryCalls = [...iterateImportReferences<true>(sourceCode.ast, globalScope, tracker, CREATE_REQUIRE_TRACE_MAP)];
  for (const call of modulesLoaded) {
    factoryCalls.push(...tracker.iteratePropertyReferences(call, CREATE_REQUIRE_TRACE_MAP.module) as IterableIterator<FoundReference<true>>);
  }
  const calls: TSESTree.CallExpression[] = [];
  for (const { node } of factoryCalls) {
    // `createRequire(import.meta.url)('pg')`: the made `require` called at once.
    const parent = node.parent;
    if (
      parent?.type === AST_NODE_TYPES.CallExpression &&
      parent.callee === node &&
      parent.arguments.length > 0 &&
      parent.arguments[0].type !== AST_NODE_TYPES.SpreadElement
    ) {
      calls.push(parent);
      continue;
    }
    const declarator = node.parent;
    if (declarator?.type !== AST_NODE_TYPES.VariableDeclarator || declarator.init !== node) continue;
    const variable = sourceCode.scopeManager?.getDeclaredVariables(declarator)[0];
    if (!isConstantBinding(variable) || declarator.id.type !== AST_NODE_TYPES.Identifier) continue;
    for (const ref of variable.references) {
      const call = ref.init ? undefined : loadCallOf(ref.identifier as TSESTree.Identifier);
      if (call) calls.push(call);
    }
  }
  return calls;
}

function isModuleSpecifier(node: TSESTree.Node): boolean {
  return node.type === AST_NODE_TYPES.Literal && MODULE_MODULES.has(node.value);
}
