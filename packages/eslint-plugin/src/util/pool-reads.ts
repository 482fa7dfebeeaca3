/**
 * Typed mode: calls whose type is a pool but which only read one that exists.
 *
 * Typed mode counts a call that returns a pool as a creation, since a
 * factory's body is often out of sight (a package, a `declare`). Two kinds of
 * call are seen to open none. An element read of a container of pools
 * (`pools.get(name)`, `pools.at(0)`, `pools.find(...)`): the pools were
 * created where they were put in, and that creation is what is reported. And
 * the call of an accessor, a function of this file or of a local module whose
 * every return reads a value that exists (`() => pool`, `db.pool`,
 * `pools.get(name)`, `getPool()` of another accessor, `primary ?? replica`)
 * and which runs nothing else: no call but such reads, no `new` or
 * `import()` but in a `throw`. A lazy singleton (`pool ??= new Pool()`), or a
 * function that calls any other function, stays a factory.
 *
 * A container method is told by type in the linted file: it is the default
 * library's (Map, Array, Set and their iterators), and lib code knows no
 * database package, so a pool it returns is one it was given. In another
 * module, read by syntax, the receiver's declaration tells: `new Map()`,
 * `new Set()`, `[...]`, or a `Map<...>` / `Pool[]` annotation.
 */
import type { ParserServicesWithTypeInformation, TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { findVariable, getPropertyName } from '@typescript-eslint/utils/ast-utils';
import {
  innermostScope,
  isConstantBinding,
  localFunctionOf,
  ownReturnValues,
  unwrap,
  walk,
  type FunctionNode,
  type VisitorKeys,
} from './ast';
import { calledExport, findExportedFunction } from './exported-functions';
import type { ParsedSource } from './module-references';

/** Methods that hand back an element of their receiver (or step an iterator over them). */
const ELEMENT_READERS = new Set(['get', 'at', 'find', 'findLast', 'pop', 'shift', 'values', 'next']);

/** Built-in containers, as a declaration names them. */
const CONTAINERS = new Set(['Map', 'ReadonlyMap', 'WeakMap', 'Set', 'ReadonlySet', 'Array', 'ReadonlyArray']);

/** Chains of accessors deeper than this are not hand-written code. */
const MAX_DEPTH = 8;

/** Whether a call of a container's method reads one of its elements. */
type ElementRead = (call: TSESTree.CallExpression) => boolean;

/** Whether a pool-typed call only reads a pool that exists. */
export type ExistingPoolRead = (call: TSESTree.CallExpression) => boolean;

/**
 * The reads of `sourceCode`; `fromFile` is its path on disk, where its local
 * imports are read from (undefined when it has none).
 */
export function existingPoolReads(
  services: ParserServicesWithTypeInformation,
  sourceCode: Readonly<TSESLint.SourceCode>,
  fromFile: string | undefined,
): ExistingPoolRead {
  const isElementRead: ElementRead = call => isDefaultLibraryRead(services, call);
  const linted: ModuleContext = { source: sourceCode, file: fromFile, isElementRead };
  const accessors = new AccessorSearch();
  return call => isElementRead(call) || accessors.callsAccessor(call, linted, 0);
}

/** A file whose functions are asked about, and how its container reads are told. */
interface ModuleContext {
  source: ParsedSource;
  /** Where its local imports are read from; undefined when it has none. */
  file: string | undefined;
  isElementRead: ElementRead;
}

/** Which functions are accessors, each answered once per linted file; a cycle of calls answers no. */
class AccessorSearch {
  private readonly answers = new WeakMap<FunctionNode, boolean>();

  /** `getPool()` of a function of `module`, or of a local module it imports, that is an accessor. */
  callsAccessor(call: TSESTree.CallExpression, module: ModuleContext, depth: number): boolean {
    if (depth > MAX_DEPTH) return false;
    const local = localFunctionOf(call.callee, innermostScope(module.source, call));
    if (local) return this.isAccessor(local, module, depth);
    const { file } = module;
    const imported = file === undefined ? undefined : calledExport(module.source, call.callee);
    const target = file !== undefined && imported ? findExportedFunction(file, imported) : undefined;
    if (!target) return false;
    const source = target.parsed.source;
    const isElementRead: ElementRead = read => isDeclaredContainerRead(source, read);
    return this.isAccessor(target.fn, { source, file: target.file, isElementRead }, depth);
  }

  /**
   * Every return of `fn` reads a value that exists (an element read, or
   * the call of another accessor, counts as a read), and nothing else in it
   * runs code that may open a pool.
   */
  private isAccessor(fn: FunctionNode, module: ModuleContext, depth: number): boolean {
    let known = this.answers.get(fn);
    if (known !== undefined) return known;
    this.answers.set(fn, false);
    const readsExisting: ElementRead = call =>
      module.isElementRead(call) || this.callsAccessor(call, module, depth + 1);
    const reads = (node: TSESTree.Node | undefined): boolean => node === undefined || isRead(node, readsExisting);
    const visitorKeys = module.source.visitorKeys;
    known = !fn.generator && ownReturnValues(fn, visitorKeys).every(reads) && !runsOtherCode(fn, visitorKeys, readsExisting);
    this.answers.set(fn, known);
    return known;
  }
}

/** `pools.get(name)` where `get` is the default library's: Map's, Array's, an iterator's. */
function isDefaultLibraryRead(services: ParserServicesWithTypeInformation, call: TSESTree.CallExpression): boolean {
  const callee = readerCallee(call);
  const declarations = callee ? (services.getSymbolAtLocation(callee.property)?.getDeclarations() ?? []) : [];
  return (
    declarations.length > 0 &&
    declarations.every(declaration => services.program.isSourceFileDefaultLibrary(declaration.getSourceFile()))
  );
}

/** `pools.get(name)` in a module read by syntax, where `pools` is declared as a built-in container. */
function isDeclaredContainerRead(source: ParsedSource, call: TSESTree.CallExpression): boolean {
  let receiver: TSESTree.Node = call;
  // `pools.values().next()`: the container is the receiver's receiver.
  while (receiver.type === AST_NODE_TYPES.CallExpression) {
    const callee = readerCallee(receiver);
    if (!callee) return false;
    receiver = unwrap(callee.object);
  }
  return receiver.type === AST_NODE_TYPES.Identifier && declaresContainer(source, findVariable(innermostScope(source, receiver), receiver));
}

/** The callee of `x.get(...)` and the other element readers. */
function readerCallee(call: TSESTree.CallExpression): TSESTree.MemberExpression | undefined {
  const callee = unwrap(call.callee);
  if (callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  return ELEMENT_READERS.has(getPropertyName(callee) ?? '') ? callee : undefined;
}

/** `const pools = new Map()`, `const list = [a, b]`, or a name annotated `Map<K, Pool>` / `Pool[]`. */
function declaresContainer(source: ParsedSource, variable: TSESLint.Scope.Variable | null): boolean {
  const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
  if (def?.name.type !== AST_NODE_TYPES.Identifier) return false;
  const annotation = def.name.typeAnnotation?.typeAnnotation;
  if (annotation?.type === AST_NODE_TYPES.TSArrayType) return true;
  if (annotation?.type === AST_NODE_TYPES.TSTypeReference) {
    return annotation.typeName.type === AST_NODE_TYPES.Identifier && CONTAINERS.has(annotation.typeName.name);
  }
  const declarator = def.node;
  if (!isConstantBinding(variable) || declarator.type !== AST_NODE_TYPES.VariableDeclarator || !declarator.init) return false;
  const init = unwrap(declarator.init);
  if (init.type === AST_NODE_TYPES.ArrayExpression) return true;
  if (init.type !== AST_NODE_TYPES.NewExpression || init.callee.type !== AST_NODE_TYPES.Identifier) return false;
  // The global `Map`, not a class of the module's own by that name.
  const constructor = findVariable(innermostScope(source, init.callee), init.callee);
  return CONTAINERS.has(init.callee.name) && !constructor?.defs.length;
}

/** `pool`, `db.pool`, `pools[name]`, `pools.get(name)`, `getPool()`, `await pool`, `a ?? b`, `ok ? a : b`, `null`. */
function isRead(node: TSESTree.Node, isElementRead: ElementRead): boolean {
  const value = unwrap(node.type === AST_NODE_TYPES.AwaitExpression ? node.argument : node);
  switch (value.type) {
    case AST_NODE_TYPES.Identifier:
    case AST_NODE_TYPES.Literal:
      return true;
    case AST_NODE_TYPES.MemberExpression:
      return isRead(value.object, isElementRead);
    case AST_NODE_TYPES.CallExpression: {
      // `getPool()` of another accessor, or `pools.get(name)` read through whatever holds the container.
      const callee = unwrap(value.callee);
      return isElementRead(value) && (callee.type !== AST_NODE_TYPES.MemberExpression || isRead(callee.object, isElementRead));
    }
    case AST_NODE_TYPES.ConditionalExpression:
      return isRead(value.consequent, isElementRead) && isRead(value.alternate, isElementRead);
    case AST_NODE_TYPES.LogicalExpression:
      return isRead(value.left, isElementRead) && isRead(value.right, isElementRead);
    default:
      return false;
  }
}

/**
 * A call in `fn` (its parameters' defaults too, and functions inside it)
 * other than an element read, or a `new`, `import()` or tagged template,
 * outside a `throw`: code that may open a pool.
 */
function runsOtherCode(fn: FunctionNode, visitorKeys: VisitorKeys, isElementRead: ElementRead): boolean {
  let found = false;
  walk(fn, visitorKeys, node => {
    if (found) return;
    const runs =
      (node.type === AST_NODE_TYPES.CallExpression && !isElementRead(node)) ||
      node.type === AST_NODE_TYPES.NewExpression ||
      node.type === AST_NODE_TYPES.ImportExpression ||
      node.type === AST_NODE_TYPES.TaggedTemplateExpression;
    found = runs && !inThrow(node, fn);
  });
  return found;
}

/** `throw new Error(...)`: what a throw builds ends the call, and is never returned. */
function inThrow(node: TSESTree.Node, fn: FunctionNode): boolean {
  for (let current = node.parent; current && current !== fn; current = current.parent) {
    if (current.type === AST_NODE_TYPES.ThrowStatement) return true;
  }
  return false;
}
