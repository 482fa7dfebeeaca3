/**
 * Which side of a self-fork a node runs on as the file loads, following the
 * calls of the file's own functions.
 *
 * A guard tells the side of the code beneath it, but code in a function runs
 * where the function is called: `function connect() { return new Pool() }`
 * opens a pool on every side that calls `connect()` at load (module scope, or
 * a function that is itself called at load), in the primary only when the
 * calls sit in the primary's branch, and nowhere when nothing calls it at
 * load (a factory, a handler), even in the primary's branch: a handler
 * set up there (`cluster.on('exit', () => ...)`) runs no sooner than one set
 * up at module scope. A guard in a function called only in the child does
 * not take it out of the child. The body of a function that
 * holds the fork logic (`main()`) runs where it is called too, and on the
 * shared path when no call of it is found (exported, passed as a callback).
 *
 * A class's constructor and instance-field initializers run likewise where
 * `new C()` runs: `class Repo { pool = new Pool() }` opens a pool wherever
 * the file constructs a Repo at load. A static method, and a method of an
 * object literal held in a constant, run where `Db.getInstance()` or
 * `db.init()` runs. A callback handed to an array method,
 * a Promise executor or a scheduler (sync-callbacks) runs where that call
 * runs: `urls.map(url => new Pool({ url }))` at module scope runs at load.
 *
 * Calls are found by name, for functions and classes declared once and never
 * reassigned (`function f() {}`, `const f = () => ...`, `class C {}`; a
 * subclass's `new` is not followed). Each function's callers are
 * resolved once, so the walk is linear in the file; a call cycle is cut where
 * it closes (its functions count the sides of the calls from outside it) and
 * chains of callers deeper than MAX_DEPTH run on no known side.
 *
 * Code that `runsNowhere` says never runs (an imported module's
 * `if (require.main === module)` arm, module-graph) runs on no side, and so
 * does a function called only from there: `if (require.main === module)
 * main()` opens no pool on import.
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { getPropertyName } from '@typescript-eslint/utils/ast-utils';
import { enclosingFunction, type DeferredCode } from './ast';
import { bindingOf } from './call-sites';
import type { ForkKind } from './fork-sites';
import type { GuardAnalysis, Position } from './guards';
import type { ParsedSource } from './module-references';
import { callbackInvocation } from './sync-callbacks';

export interface RunSides {
  /** The side `node` runs on as the file loads, or undefined when nothing runs it at load. */
  sideOf(node: TSESTree.Node): Position | undefined;
}

/** Chains of callers deeper than this are not hand-written code. */
const MAX_DEPTH = 16;

/**
 * @param kinds the kinds of this file's self-forks, whose guards count
 * @param forkLogic functions whose bodies are the fork logic (see no-pool-before-fork)
 * @param runsNowhere code that does not run in this load at all, whatever calls it
 */
export function analyzeRunSides(
  source: ParsedSource,
  guards: GuardAnalysis,
  kinds: readonly ForkKind[],
  forkLogic: ReadonlySet<TSESTree.Node> = new Set(),
  runsNowhere: (node: TSESTree.Node) => boolean = () => false,
): RunSides {
  const callerSides = new Map<DeferredCode, Position | undefined>();
  const resolving = new Set<DeferredCode>();

  function sideOf(node: TSESTree.Node, depth: number): Position | undefined {
    if (runsNowhere(node)) return undefined;
    const position = guards.positionOf(node, kinds);
    if (position === 'child') return position;
    const fn = enclosingFunction(node);
    if (!fn) return position;
    const callers = callerSide(fn, depth);
    if (position === 'parent') {
      // A handler set up in the primary's branch (`cluster.on('exit', fn)`) runs only if its event comes,
      // as at module scope: the guard around it says where it would run, not that anything runs it.
      if (callers === undefined && !forkLogic.has(fn) && guards.positionOf(fn, kinds) === 'parent') return undefined;
      // Called only on the child side (or where nothing forks), it runs only there, whatever its own branches read.
      return callers === 'child' ? 'child' : 'parent';
    }
    return forkLogic.has(fn) ? (callers ?? 'shared') : callers;
  }

  /** The sides the calls of `fn` run on, combined. */
  function callerSide(fn: DeferredCode, depth: number): Position | undefined {
    if (callerSides.has(fn)) return callerSides.get(fn);
    if (resolving.has(fn) || depth > MAX_DEPTH) return undefined;
    resolving.add(fn);
    const sides = new Set<Position>();
    const { calls, escapes } = callsOf(source, fn);
    for (const call of calls) {
      const side = sideOf(call, depth + 1);
      if (side) sides.add(side);
    }
    // A fork-logic function handed on (`export`, `setImmediate(main)`) runs as before: on the shared path.
    if (escapes && forkLogic.has(fn)) sides.add('shared');
    resolving.delete(fn);
    const side = combine(sides);
    callerSides.set(fn, side);
    return side;
  }

  return { sideOf: node => sideOf(node, 0) };
}

/**
 * Called anywhere shared: shared. Called in the parent's branch and in the
 * child's (`if (isPrimary) makeDb(1) else makeDb(10)`): the parent, as the
 * same code written inline in each branch would be; the child's own call is
 * where it belongs.
 */
function combine(sides: ReadonlySet<Position>): Position | undefined {
  if (sides.has('shared')) return 'shared';
  return sides.has('parent') ? 'parent' : sides.has('child') ? 'child' : undefined;
}

/**
 * The calls that run `fn`: `f()` of a named local function, a call it is
 * the callback of (`urls.map(f)`, `setImmediate(() => ...)`), or `new C()`
 * of the class whose constructor or instance field `fn` is; and whether the
 * name is also read some other way (exported, passed on, extended).
 */
function callsOf(source: ParsedSource, fn: DeferredCode): { calls: Invocation[]; escapes: boolean } {
  const handedTo = callbackInvocation(fn, source);
  if (handedTo) return { calls: [handedTo.call], escapes: false };
  const method = methodOf(fn);
  if (method) return methodCalls(source, method);
  const owner = constructedClass(fn);
  const variable = bindingOf(source, owner ?? fn);
  const invocation = owner ? AST_NODE_TYPES.NewExpression : AST_NODE_TYPES.CallExpression;
  const calls: Invocation[] = [];
  let escapes = false;
  for (const ref of variable?.references ?? []) {
    if (ref.init) continue;
    const parent = ref.identifier.parent;
    const callback = owner ? undefined : callbackInvocation(ref.identifier, source);
    if (parent?.type === invocation && parent.callee === ref.identifier) calls.push(parent);
    else if (callback) calls.push(callback.call);
    else escapes = true;
  }
  return { calls, escapes };
}

/** A function that its holder's name calls as a method: `Db.getInstance()`, `db.init()`. */
interface Method {
  holder: TSESTree.ClassDeclaration | TSESTree.ClassExpression | TSESTree.ObjectExpression;
  name: string;
}

/**
 * `static create() {}` or `static create = () => ...` of a class, or
 * `init() {}` / `init: () => ...` of an object literal: a method called by
 * name on the class or on the constant holding the literal.
 */
function methodOf(fn: DeferredCode): Method | undefined {
  const member = fn.parent;
  if (member?.type === AST_NODE_TYPES.Property && member.value === fn && member.parent.type === AST_NODE_TYPES.ObjectExpression) {
    const name = getPropertyName(member);
    return name === null ? undefined : { holder: member.parent, name };
  }
  const isStaticMethod =
    (member?.type === AST_NODE_TYPES.MethodDefinition && member.kind === 'method') ||
    member?.type === AST_NODE_TYPES.PropertyDefinition;
  if (!isStaticMethod || !member.static || member.value !== fn) return undefined;
  const name = getPropertyName(member);
  return name === null ? undefined : { holder: member.parent.parent, name };
}

/**
 * The calls `holder.name()` through the holder's name; `holder.name` read
 * any other way, or the holder itself handed on, lets the method escape.
 * Other members (`Db.#instance`, `db.pool`) are neither.
 */
function methodCalls(source: ParsedSource, { holder, name }: Method): { calls: Invocation[]; escapes: boolean } {
  const variable = bindingOf(source, holder);
  const calls: Invocation[] = [];
  let escapes = false;
  for (const ref of variable?.references ?? []) {
    if (ref.init) continue;
    const member = ref.identifier.parent;
    if (member?.type !== AST_NODE_TYPES.MemberExpression || member.object !== ref.identifier) {
      escapes = true;
    } else if (getPropertyName(member) === name) {
      const call = member.parent;
      if (call?.type === AST_NODE_TYPES.CallExpression && call.callee === member) calls.push(call);
      else escapes = true;
    }
  }
  return { calls, escapes };
}

/** The class that `new` runs `fn` for: its constructor, or an instance field's initializer. */
function constructedClass(fn: DeferredCode): TSESTree.ClassDeclaration | TSESTree.ClassExpression | undefined {
  const member =
    fn.type === AST_NODE_TYPES.FunctionExpression &&
    fn.parent?.type === AST_NODE_TYPES.MethodDefinition &&
    fn.parent.kind === 'constructor'
      ? fn.parent
      : fn.type === AST_NODE_TYPES.PropertyDefinition || fn.type === AST_NODE_TYPES.AccessorProperty
        ? fn
        : undefined;
  return member?.parent.parent;
}

/** How a call runs deferred code: `f()` for a function, `new C()` for a constructor or instance field. */
type Invocation = TSESTree.CallExpression | TSESTree.NewExpression;

