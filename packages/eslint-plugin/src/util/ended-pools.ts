/**
 * A pool the parent ends before it forks: "migrate in the primary, end the
 * pool, then fork" holds no connections while the children run.
 *
 * `const pool = new Pool()` counts as ended when a later statement of the
 * same statement list ends it (`await pool.end()`, `db.destroy()`,
 * `close()`, `quit()`, `disconnect()`, `$disconnect()`, also as
 * `pool.end().catch(log)` or an element of `Promise.all([...])`), directly
 * or in the `finally` of a `try` there (or its block, when no `catch` may
 * swallow an error and go on to the fork); every self-fork of the file runs
 * after that statement (a fork in a function runs where the function is set
 * running, run-order); and nothing between the creation and the end calls a
 * function of the file that forks. A creation with no binding that opens on
 * its receiver (`await mongoose.connect(url)`, `await sql.connect(config)`)
 * is ended by an end method on the same receiver (`mongoose.disconnect()`).
 * A generic-pool pool is ended by its own shutdown instead, `clear()`, after
 * an awaited `drain()` when it may keep a `min` (generic-pool-shutdown).
 * In a helper function of its own (`async function migrate() { const pool =
 * ...; try { ... } finally { await pool.end() } }`), the pool is ended where
 * each call of the helper completes: every reference to it must be a call,
 * awaited when the helper is async, that runs before every fork. An end
 * inside an `if`, a callback or another function, an end after the fork, or
 * a binding that is reassigned may leave the pool open while the children
 * run: not ended. A helper that another local module exports is read the
 * same way (pool-factories): its pool is ended in its own body, with no
 * `return` before the end, and the forking file's call of it completes
 * (awaited, when it is async) before every fork. A local module that creates
 * a pool at its top level and awaits its end there (a migration script) is
 * read like such a helper: the forking file's `await import()` of it
 * completes before every fork.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { getPropertyName } from '@typescript-eslint/utils/ast-utils';
import { findVariable } from '@typescript-eslint/utils/ast-utils';
import {
  enclosingFunction,
  innermostScope,
  isConstantBinding,
  isFunctionNode,
  localFunctionOf,
  unwrap,
  walk,
  within,
  type FunctionNode,
} from './ast';
import { bindingOf } from './call-sites';
import type { ForkSite } from './fork-sites';
import { genericPoolShutdown, type Shutdown } from './generic-pool-shutdown';
import type { ParsedSource } from './module-references';
import { runPoints } from './run-order';

/** Methods that close a pool, client, connection or engine for good (generic-pool has its own shutdown). */
const DEFAULT_SHUTDOWN: Shutdown = { ends: new Set(['end', 'destroy', 'close', 'quit', 'disconnect', '$disconnect']) };

/** Wrappers around a creation that keep its value: `await`, `as`, `!`, `satisfies`. */
const VALUE_WRAPPERS: ReadonlySet<string> = new Set([
  AST_NODE_TYPES.AwaitExpression,
  AST_NODE_TYPES.TSAsExpression,
  AST_NODE_TYPES.TSNonNullExpression,
  AST_NODE_TYPES.TSSatisfiesExpression,
]);

/** Helpers calling helpers deeper than this are not hand-written code. */
const MAX_DEPTH = 8;

/** Whether the pool `creation` opens is ended, on every path, before any of `forks` runs. */
export function isEndedBeforeForks(source: ParsedSource, creation: TSESTree.Node, forks: readonly ForkSite[]): boolean {
  const holder = holderOf(source, creation);
  const list = holder && statementList(holder.statement);
  if (!holder || !list) return false;
  const start = list.indexOf(holder.statement);
  const end = endIndex(source, creation, holder, list, start);
  if (end === -1) return false;
  if (callsForkingFunction(source, list.slice(start + 1, end), forks)) return false;
  return completesBeforeForks(source, list[end], forks, 0);
}

/**
 * Whether the pool `creation` opens is ended inside `helper`, the function
 * of `source` that holds it, before the helper returns: ended in the same
 * statement list, with no `return` between the creation and the end.
 */
export function isEndedWithinHelper(source: ParsedSource, creation: TSESTree.Node, helper: TSESTree.Node): boolean {
  const holder = holderOf(source, creation);
  const list = holder && statementList(holder.statement);
  if (!holder || !list) return false;
  const start = list.indexOf(holder.statement);
  const end = endIndex(source, creation, holder, list, start);
  if (end === -1 || enclosingFunction(list[end]) !== helper) return false;
  return !list.slice(start + 1, end).some(statement => returnsEarly(source, statement, helper));
}

/**
 * Whether the pool `creation` opens at the top level of its module is ended
 * there as the module loads: `const pool = new Pool()` and, later in the
 * module's own statements, an awaited end (`await pool.end()`, also in a
 * `finally`), with no top-level `return` between. A forking file that
 * awaits `import()` of such a module (a migration script) has no pool once
 * the import completes, as with a helper that ends its own pool.
 */
export function isEndedAtLoad(source: ParsedSource, creation: TSESTree.Node): boolean {
  const holder = holderOf(source, creation);
  const program = holder?.statement.parent;
  if (!holder || program?.type !== AST_NODE_TYPES.Program) return false;
  const list: readonly TSESTree.Node[] = program.body;
  const start = list.indexOf(holder.statement);
  const end = endIndex(source, creation, holder, list, start, true);
  if (end === -1) return false;
  return !list.slice(start + 1, end).some(statement => returnsEarly(source, statement, undefined));
}

/**
 * Whether `load`, a lazy load of a module whose pool is ended at load
 * (isEndedAtLoad), has completed before every one of `forks` runs: `await
 * import('./migrate.js')`, awaited before each fork.
 */
export function isLoadCompletedBeforeForks(source: ParsedSource, load: TSESTree.ImportExpression, forks: readonly ForkSite[]): boolean {
  const awaited = awaitOf(load);
  return awaited !== undefined && completesBeforeForks(source, awaited, forks, 0);
}

/**
 * Whether `call` of a helper that ends its own pool (isEndedWithinHelper)
 * has completed before every one of `forks` runs: awaited when the helper is
 * `async`, else just made.
 */
export function isCallCompletedBeforeForks(
  source: ParsedSource,
  call: TSESTree.CallExpression,
  helperIsAsync: boolean,
  forks: readonly ForkSite[],
): boolean {
  const awaited = awaitOf(call);
  if (helperIsAsync && !awaited) return false;
  return completesBeforeForks(source, awaited ?? call, forks, 0);
}

/** A `return` of `helper` itself inside `statement` (of the module, for none: CommonJS may return at top level). */
function returnsEarly(source: ParsedSource, statement: TSESTree.Node, helper: TSESTree.Node | undefined): boolean {
  let found = false;
  walk(statement, source.visitorKeys, node => {
    if (node.type === AST_NODE_TYPES.ReturnStatement && enclosingFunction(node) === helper) found = true;
  });
  return found;
}

/**
 * Whether `ending` has run, and finished, before every fork starts: in a
 * helper that holds no fork, where each of its calls does; else when each
 * fork runs after it (run-order).
 */
function completesBeforeForks(source: ParsedSource, ending: TSESTree.Node, forks: readonly ForkSite[], depth: number): boolean {
  const helper = enclosingFunction(ending);
  if (isFunctionNode(helper) && !forks.some(fork => within(helper, fork.node))) {
    const calls = depth < MAX_DEPTH ? completedCalls(source, helper) : undefined;
    return calls !== undefined && calls.every(call => completesBeforeForks(source, call, forks, depth + 1));
  }
  return forks.every(fork => {
    const points = runPoints(source, fork.node, ending);
    return points !== undefined && points.every(point => point.range[0] >= ending.range[1]);
  });
}

/**
 * Every call of `helper`, where the call has finished its work: `await
 * migrate()` (also through `.catch(fail)`, `.then(…)` or `.finally(…)`
 * chained on it) for an async helper, `migrate()` for another. Undefined
 * when its name is used any other way (`setInterval(migrate, ...)`,
 * exported, an async helper called without `await`) or not at all.
 */
function completedCalls(source: ParsedSource, helper: FunctionNode): TSESTree.Node[] | undefined {
  const variable = bindingOf(source, helper);
  if (!variable || isExported(helper)) return undefined;
  const calls: TSESTree.Node[] = [];
  for (const ref of variable.references) {
    if (ref.init || ref.isTypeReference) continue;
    const call = ref.identifier.parent;
    if (call?.type !== AST_NODE_TYPES.CallExpression || call.callee !== ref.identifier) return undefined;
    const awaited = awaitOf(call);
    if (helper.async && !awaited) return undefined;
    calls.push(awaited ?? call);
  }
  return calls.length > 0 ? calls : undefined;
}

/** The `await` of `call`, or of a `.catch()`, `.then()` or `.finally()` chain on it; undefined when none waits for it. */
function awaitOf(call: TSESTree.CallExpression | TSESTree.ImportExpression): TSESTree.AwaitExpression | undefined {
  let outer: TSESTree.Node = call;
  for (let depth = 0; depth < 4; depth++) {
    const member: TSESTree.Node | undefined = outer.parent;
    const chained = member?.type === AST_NODE_TYPES.MemberExpression && member.object === outer && PROMISE_METHODS.has(getPropertyName(member) ?? '');
    if (!chained || member.parent?.type !== AST_NODE_TYPES.CallExpression || member.parent.callee !== member) break;
    outer = member.parent;
  }
  return outer.parent?.type === AST_NODE_TYPES.AwaitExpression ? outer.parent : undefined;
}

/** `export async function migrate()`, `export const migrate = async () => ...`: other modules call it too. */
function isExported(helper: FunctionNode): boolean {
  const declaration = helper.type === AST_NODE_TYPES.FunctionDeclaration ? helper : helper.parent?.parent;
  const parent = declaration?.parent;
  return parent?.type === AST_NODE_TYPES.ExportNamedDeclaration || parent?.type === AST_NODE_TYPES.ExportDefaultDeclaration;
}

/** The statement that opens a pool and the constant that holds it. */
interface PoolHolder {
  statement: TSESTree.Node;
  variable: TSESLint.Scope.Variable;
}

/**
 * `const pool = new Pool()` (the declaration, and `pool`), or a creation
 * that opens on its receiver as a statement of its own, `await
 * mongoose.connect(url)` (the statement, and `mongoose`).
 */
function holderOf(source: ParsedSource, creation: TSESTree.Node): PoolHolder | undefined {
  const declaration = declarationHolding(creation);
  if (declaration) {
    const [variable] = source.scopeManager?.getDeclaredVariables(declaration.declarations[0]) ?? [];
    return isConstantBinding(variable) ? { statement: declaration, variable } : undefined;
  }
  let value = creation;
  while (value.parent && VALUE_WRAPPERS.has(value.parent.type)) value = value.parent;
  const statement = value.parent;
  if (statement?.type !== AST_NODE_TYPES.ExpressionStatement || creation.type !== AST_NODE_TYPES.CallExpression) return undefined;
  const callee = unwrap(creation.callee);
  const receiver = callee.type === AST_NODE_TYPES.MemberExpression ? unwrap(callee.object) : undefined;
  if (receiver?.type !== AST_NODE_TYPES.Identifier) return undefined;
  const variable = findVariable(innermostScope(source, receiver), receiver);
  return isConstantBinding(variable) ? { statement, variable } : undefined;
}

/** `const pool = new Pool()` or `const db = await connect()`: the declaration, when it declares that one name. */
function declarationHolding(creation: TSESTree.Node): TSESTree.VariableDeclaration | undefined {
  let value = creation;
  while (value.parent && VALUE_WRAPPERS.has(value.parent.type)) value = value.parent;
  const declarator = value.parent;
  if (declarator?.type !== AST_NODE_TYPES.VariableDeclarator || declarator.init !== value) return undefined;
  if (declarator.id.type !== AST_NODE_TYPES.Identifier) return undefined;
  const declaration = declarator.parent;
  return declaration.type === AST_NODE_TYPES.VariableDeclaration && declaration.declarations.length === 1
    ? declaration
    : undefined;
}

/** The statements the declaration is one of: a block, the program, a `case`. */
function statementList(statement: TSESTree.Node): readonly TSESTree.Node[] | undefined {
  const parent = statement.parent;
  switch (parent?.type) {
    case AST_NODE_TYPES.Program:
    case AST_NODE_TYPES.BlockStatement:
    case AST_NODE_TYPES.StaticBlock:
      return parent.body;
    case AST_NODE_TYPES.SwitchCase:
      return parent.consequent;
    default:
      return undefined;
  }
}

/**
 * The index in `list` of the statement that ends the pool `holder` keeps,
 * after its creation at `start`, by the pool's own shutdown
 * (generic-pool-shutdown) or an end method; -1 when none does.
 */
function endIndex(
  source: ParsedSource,
  creation: TSESTree.Node,
  holder: PoolHolder,
  list: readonly TSESTree.Node[],
  start: number,
  awaitedOnly = false,
): number {
  const { ends, first } = genericPoolShutdown(source, creation) ?? DEFAULT_SHUTDOWN;
  const endsHere = (statement: TSESTree.Node): boolean => endsPool(statement, holder.variable, ends, awaitedOnly);
  const end = list.findIndex((statement, index) => index > start && endsHere(statement));
  if (end === -1 || first === undefined) return end;
  // `await pool.drain()` must come first, in this list or in the `try` that ends the pool.
  const steps = list.slice(start + 1, end + 1).flatMap(surelyRun);
  const firsts = new Set([first]);
  const drained = steps.slice(0, steps.findIndex(endsHere)).some(step => endsPool(step, holder.variable, firsts, true));
  return drained ? end : -1;
}

/** The statements that `statement` surely runs, in order: itself, or for a `try`, those its block (with no `catch`) and its `finally` do. */
function surelyRun(statement: TSESTree.Node): TSESTree.Node[] {
  if (statement.type !== AST_NODE_TYPES.TryStatement) return [statement];
  const block = statement.handler === null ? statement.block.body.flatMap(surelyRun) : [];
  return [...block, ...(statement.finalizer?.body.flatMap(surelyRun) ?? [])];
}

/**
 * `pool.end()`, `await db.destroy()` (a call of one of `ends`), or a `try`
 * that surely runs one; with `awaitedOnly`, an awaited end only.
 */
function endsPool(
  statement: TSESTree.Node,
  variable: TSESLint.Scope.Variable,
  ends: ReadonlySet<string>,
  awaitedOnly = false,
): boolean {
  if (statement.type === AST_NODE_TYPES.TryStatement) {
    const inFinally = statement.finalizer?.body.some(inner => endsPool(inner, variable, ends, awaitedOnly)) ?? false;
    // Without a `catch`, an error before the end also skips the fork after the `try`.
    const inBlock = statement.handler === null && statement.block.body.some(inner => endsPool(inner, variable, ends, awaitedOnly));
    return inFinally || inBlock;
  }
  if (statement.type !== AST_NODE_TYPES.ExpressionStatement) return false;
  const calls = callsMade(statement.expression);
  return (awaitedOnly ? calls.filter(call => call.awaited) : calls).some(({ call }) => {
    const callee = unwrap(call.callee);
    if (callee.type !== AST_NODE_TYPES.MemberExpression || !ends.has(getPropertyName(callee) ?? '')) return false;
    const receiver = unwrap(callee.object);
    return receiver.type === AST_NODE_TYPES.Identifier && variable.references.some(ref => ref.identifier === receiver);
  });
}

/** Methods of a promise that leave the call they hang on made: `pool.end().catch(log)`. */
const PROMISE_METHODS = new Set(['catch', 'then', 'finally']);
/** `Promise.all([a(), b()])` and its kin make every call of their array. */
const PROMISE_COMBINATORS = new Set(['all', 'allSettled']);

/** A call an expression statement makes, and whether the statement waits for it. */
interface MadeCall {
  call: TSESTree.CallExpression;
  awaited: boolean;
}

/**
 * The calls an expression statement surely makes, awaited or not: `x()`,
 * `x().catch(log)`, and each element of `Promise.all([x(), y()])`.
 */
function callsMade(expression: TSESTree.Node, depth = 0, awaited = false): MadeCall[] {
  let call = unwrap(expression);
  if (call.type === AST_NODE_TYPES.UnaryExpression && call.operator === 'void') call = unwrap(call.argument);
  if (call.type === AST_NODE_TYPES.AwaitExpression) {
    call = unwrap(call.argument);
    awaited = true;
  }
  if (call.type !== AST_NODE_TYPES.CallExpression || depth > 4) return [];
  const callee = unwrap(call.callee);
  const method = callee.type === AST_NODE_TYPES.MemberExpression ? getPropertyName(callee) : null;
  if (callee.type === AST_NODE_TYPES.MemberExpression && PROMISE_METHODS.has(method ?? '')) {
    return [{ call, awaited }, ...callsMade(callee.object, depth + 1, awaited)];
  }
  const list = call.arguments[0] && unwrap(call.arguments[0]);
  const isCombinator =
    callee.type === AST_NODE_TYPES.MemberExpression &&
    PROMISE_COMBINATORS.has(method ?? '') &&
    unwrap(callee.object).type === AST_NODE_TYPES.Identifier &&
    (unwrap(callee.object) as TSESTree.Identifier).name === 'Promise';
  if (isCombinator && list?.type === AST_NODE_TYPES.ArrayExpression) {
    return [{ call, awaited }, ...list.elements.flatMap(element => (element ? callsMade(element, depth + 1, awaited) : []))];
  }
  return [{ call, awaited }];
}

/** Whether one of `statements` calls a function of the file that holds one of `forks`. */
function callsForkingFunction(source: ParsedSource, statements: readonly TSESTree.Node[], forks: readonly ForkSite[]): boolean {
  const forking = new Set<TSESTree.Node>();
  for (const fork of forks) {
    for (let fn = enclosingFunction(fork.node); fn; fn = enclosingFunction(fn)) forking.add(fn);
  }
  if (forking.size === 0) return false;
  let found = false;
  for (const statement of statements) {
    walk(statement, source.visitorKeys, node => {
      if (found || node.type !== AST_NODE_TYPES.CallExpression) return;
      const fn = localFunctionOf(node.callee, innermostScope(source, node));
      found = fn !== undefined && forking.has(fn);
    });
  }
  return found;
}
