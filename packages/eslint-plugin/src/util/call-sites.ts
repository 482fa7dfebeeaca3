/**
 * Where the file's own functions are called, as far as the file shows it:
 * whether a piece of code runs at most once per process, and whether every
 * call of a function sits in a given place.
 *
 * A function declared once and never reassigned (`function f() {}`,
 * `const f = () => ...`) is called where its name is called. Its name read
 * any other way (passed as a value, exported, assigned elsewhere) hands it
 * to code this file does not show, which may call it any number of times,
 * from anywhere. A callback passed to an array method, a Promise executor or
 * a scheduler (sync-callbacks) runs where that call runs; an IIFE where it
 * stands; any other inline function (an event handler) whenever its caller
 * likes.
 *
 * Each function's call sites are resolved once per file; chains of calls
 * deeper than MAX_DEPTH, and call cycles (recursion), count as unknown.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { isConstantBinding, isFunctionNode, type DeferredCode, type FunctionNode } from './ast';
import type { ParsedSource } from './module-references';
import { callbackInvocation } from './sync-callbacks';

/** A call that runs a function: `f()`, or the call it is handed to as a callback (`setImmediate(f)`). */
export type CallSite = TSESTree.CallExpression | TSESTree.NewExpression;

/** Every call that runs a function, and whether one of them may run it more than once (an array method). */
interface KnownCalls {
  calls: readonly CallSite[];
  repeats: boolean;
}

/** Chains of calls deeper than this are not hand-written code. */
const MAX_DEPTH = 16;

const LOOPS: ReadonlySet<AST_NODE_TYPES> = new Set([
  AST_NODE_TYPES.DoWhileStatement,
  AST_NODE_TYPES.ForInStatement,
  AST_NODE_TYPES.ForOfStatement,
  AST_NODE_TYPES.ForStatement,
  AST_NODE_TYPES.WhileStatement,
]);

export class CallSites {
  /** Every call of a function, or null when the file does not show them all. */
  private readonly callsMemo = new WeakMap<FunctionNode, KnownCalls | null>();
  private readonly onceMemo = new WeakMap<FunctionNode, boolean>();

  constructor(private readonly source: ParsedSource) {}

  /**
   * Whether `node` runs at most once per process: at module scope or in an
   * IIFE there, or in a function whose one call runs at most once; not in a
   * loop, an instance field, or a function that is called from several
   * places, in a loop, for each element of an array, as a handler, or by
   * code this file does not show.
   */
  runsOnce(node: TSESTree.Node, depth = 0): boolean {
    for (let child = node, current = node.parent; current; child = current, current = current.parent) {
      if (LOOPS.has(current.type)) return false;
      if (isFunctionNode(current)) return this.functionRunsOnce(current, depth);
      const isInstanceField =
        (current.type === AST_NODE_TYPES.PropertyDefinition || current.type === AST_NODE_TYPES.AccessorProperty) &&
        !current.static &&
        current.value === child;
      if (isInstanceField) return false;
    }
    return true;
  }

  /**
   * Whether `node` runs only where `holds` is true: it does itself, or one
   * of the functions around it is called only from places where it does (a
   * function's code runs only when it is called).
   */
  runsOnlyWhere(node: TSESTree.Node, holds: (node: TSESTree.Node) => boolean): boolean {
    // Per function: whether all its calls run where `holds`. A function met again
    // closes a call cycle, and a search through more than MAX_DEPTH functions is
    // not over hand-written code: neither is known to hold.
    const calledOnlyThere = new Map<FunctionNode, boolean>();
    const check = (current: TSESTree.Node): boolean => {
      if (holds(current)) return true;
      for (let outer = current.parent; outer; outer = outer.parent) {
        if (!isFunctionNode(outer)) continue;
        let onlyThere = calledOnlyThere.get(outer);
        if (onlyThere === undefined) {
          calledOnlyThere.set(outer, false);
          const known = calledOnlyThere.size > MAX_DEPTH ? null : this.callsOf(outer);
          onlyThere = known !== null && known.calls.length > 0 && known.calls.every(check);
          calledOnlyThere.set(outer, onlyThere);
        }
        if (onlyThere) return true;
      }
      return false;
    };
    return check(node);
  }

  private functionRunsOnce(fn: FunctionNode, depth: number): boolean {
    let once = this.onceMemo.get(fn);
    if (once === undefined) {
      this.onceMemo.set(fn, false); // a call cycle (recursion) may run it again
      const known = depth > MAX_DEPTH ? null : this.callsOf(fn);
      once = known !== null && !known.repeats && known.calls.length === 1 && this.runsOnce(known.calls[0], depth + 1);
      this.onceMemo.set(fn, once);
    }
    return once;
  }

  /** The calls that run `fn`; null when something else may call it too. */
  private callsOf(fn: FunctionNode): KnownCalls | null {
    let known = this.callsMemo.get(fn);
    if (known === undefined) {
      known = this.findCalls(fn);
      this.callsMemo.set(fn, known);
    }
    return known;
  }

  private findCalls(fn: FunctionNode): KnownCalls | null {
    const parent = fn.parent;
    if (parent?.type === AST_NODE_TYPES.CallExpression && parent.callee === fn) return { calls: [parent], repeats: false };
    const handedTo = callbackInvocation(fn, this.source);
    if (handedTo) return { calls: [handedTo.call], repeats: handedTo.repeats };
    const variable = bindingOf(this.source, fn);
    if (!variable || isExported(fn) || calledByOwnName(this.source, fn)) return null;
    const calls: CallSite[] = [];
    let repeats = false;
    for (const ref of variable.references) {
      if (ref.init || ref.isTypeReference) continue; // `typeof f` in a type calls nothing
      const id = ref.identifier;
      const callback = callbackInvocation(id, this.source);
      if (id.parent?.type === AST_NODE_TYPES.CallExpression && id.parent.callee === id) {
        calls.push(id.parent);
      } else if (callback) {
        calls.push(callback.call);
        repeats ||= callback.repeats;
      } else {
        return null;
      }
    }
    return { calls, repeats };
  }
}

/** A function, class or object literal that a name holds. */
export type NamedValue = DeferredCode | TSESTree.ClassDeclaration | TSESTree.ClassExpression | TSESTree.ObjectExpression;

/**
 * The variable naming a function, class or object literal when it is
 * declared once and never reassigned: `function f() {}`, `class C {}`,
 * `const f = () => ...`, `const C = class {}`, `const db = { ... }`.
 */
export function bindingOf(source: ParsedSource, value: NamedValue): TSESLint.Scope.Variable | undefined {
  let declaring: TSESTree.ClassDeclaration | TSESTree.FunctionDeclaration | TSESTree.VariableDeclarator | undefined;
  if (value.type === AST_NODE_TYPES.FunctionDeclaration || value.type === AST_NODE_TYPES.ClassDeclaration) {
    declaring = value;
  } else if (
    value.parent?.type === AST_NODE_TYPES.VariableDeclarator &&
    value.parent.init === value &&
    value.parent.id.type === AST_NODE_TYPES.Identifier
  ) {
    declaring = value.parent;
  }
  if (!declaring) return undefined;
  // A function declaration also declares its parameters, and a class its name inside its own scope.
  const defType = DEFINITION_TYPES[declaring.type];
  const variable = source.scopeManager
    ?.getDeclaredVariables(declaring)
    .find(candidate => candidate.scope.type !== 'class' && candidate.defs.some(def => def.type === defType));
  return isConstantBinding(variable) ? variable : undefined;
}

const DEFINITION_TYPES = {
  [AST_NODE_TYPES.ClassDeclaration]: 'ClassName',
  [AST_NODE_TYPES.FunctionDeclaration]: 'FunctionName',
  [AST_NODE_TYPES.VariableDeclarator]: 'Variable',
} as const;

/** `export function f() {}`, `export default function f() {}`, `export const f = () => ...`: other modules call it. */
function isExported(fn: FunctionNode): boolean {
  const declaration = fn.type === AST_NODE_TYPES.FunctionDeclaration ? fn : fn.parent?.parent;
  const parent = declaration?.parent;
  return parent?.type === AST_NODE_TYPES.ExportNamedDeclaration || parent?.type === AST_NODE_TYPES.ExportDefaultDeclaration;
}

/** `const f = function again() { ...again()... }`: the expression's own name calls it too. */
function calledByOwnName(source: ParsedSource, fn: FunctionNode): boolean {
  if (fn.type !== AST_NODE_TYPES.FunctionExpression || !fn.id) return false;
  const own = source.scopeManager?.getDeclaredVariables(fn).find(variable => variable.defs[0]?.type === 'FunctionName');
  return own !== undefined && own.references.length > 0;
}
