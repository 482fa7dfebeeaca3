/**
 * Object literals whose methods run in this process: a unit of work (`const
 * uow = { exec(fn, args) { return fn(...args) } }`) or an in-process bus
 * that a local factory returns (`function createBus() { ...; return { send(msg)
 * { handlers.get(msg.type)?.(msg) } } }`).
 *
 * A method's name says nothing by itself: `{ send(m) { child.send(m) } }`,
 * `{ send: c.send.bind(c) }` and `{ postMessage: m => w.postMessage(m) }`
 * hand their argument to a channel. So a literal's method counts as
 * in-process only when it is a function written in the literal that calls
 * no `send` or `postMessage` member, and hands none of its parameters to a
 * function or a member of something from outside it (a captured variable,
 * the factory's parameter, a global). Anything else (a spread, a getter, a
 * value that is not a function, the method missing) may be a channel.
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { findVariable, getPropertyName } from '@typescript-eslint/utils/ast-utils';
import { innermostScope, isFunctionNode, ownReturnValues, unwrap, walk, within, type FunctionNode, type VisitorKeys } from './ast';
import type { ParsedSource } from './module-references';

/** Members that send their argument on, whatever their receiver. */
const FORWARDING_MEMBERS = new Set(['postMessage', 'send']);

const returnedMemo = new WeakMap<FunctionNode, readonly TSESTree.ObjectExpression[] | null>();
const localMemo = new WeakMap<TSESTree.ObjectExpression, Map<string, boolean>>();

/**
 * The object literals `fn` returns, when it returns nothing else (an
 * arrow's expression body, or each `return`): `() => ({ ... })`. Not an
 * async function or a generator, which return a promise or an iterator.
 */
export function returnedLiterals(fn: FunctionNode, visitorKeys: VisitorKeys): readonly TSESTree.ObjectExpression[] | undefined {
  let literals = returnedMemo.get(fn);
  if (literals === undefined) {
    const values = fn.async || fn.generator ? [undefined] : ownReturnValues(fn, visitorKeys);
    const objects = values.map(value => value && unwrap(value));
    literals = objects.every(isObjectExpression) ? objects : null;
    returnedMemo.set(fn, literals);
  }
  return literals ?? undefined;
}

/** Whether `literal.method(...)` runs in this process, as far as the literal shows. */
export function runsLocally(source: ParsedSource, literal: TSESTree.ObjectExpression, method: string): boolean {
  let byMethod = localMemo.get(literal);
  if (!byMethod) {
    byMethod = new Map();
    localMemo.set(literal, byMethod);
  }
  let local = byMethod.get(method);
  if (local === undefined) {
    const fn = ownMethod(literal, method);
    local = fn !== undefined && !forwards(source, fn);
    byMethod.set(method, local);
  }
  return local;
}

/** The function the literal itself gives `method`, when nothing else (a spread, a computed key) may replace it. */
function ownMethod(literal: TSESTree.ObjectExpression, method: string): FunctionNode | undefined {
  let found: FunctionNode | undefined;
  for (const property of literal.properties) {
    if (property.type === AST_NODE_TYPES.SpreadElement) return undefined;
    const name = getPropertyName(property);
    if (name === null) return undefined;
    if (name !== method) continue;
    const value = unwrap(property.value);
    const isFunction =
      value.type === AST_NODE_TYPES.ArrowFunctionExpression || value.type === AST_NODE_TYPES.FunctionExpression;
    found = property.kind === 'init' && isFunction ? value : undefined;
  }
  return found;
}

/**
 * Whether `fn` calls a `send`/`postMessage` member, or hands one of its
 * parameters to code from outside it: a method that may pass its argument
 * to a channel (also a class's, channel-bindings and class-methods).
 */
export function forwards(source: ParsedSource, fn: FunctionNode, visiting = new Set<FunctionNode>()): boolean {
  visiting.add(fn);
  let found = false;
  walk(fn, source.visitorKeys, node => {
    if (found || node.type !== AST_NODE_TYPES.CallExpression) return;
    const callee = calledFunction(node.callee);
    if (isKeptLocal(source, callee)) return;
    const sibling = callee.type === AST_NODE_TYPES.MemberExpression ? siblingMethod(fn, callee) : undefined;
    if (sibling) {
      // `postMessage(m) { return this.send(m) }`: as that method of the same object does.
      found = !visiting.has(sibling) && forwards(source, sibling, visiting);
    } else if (callee.type === AST_NODE_TYPES.MemberExpression && FORWARDING_MEMBERS.has(getPropertyName(callee) ?? '')) {
      found = true;
    } else if (callee.type === AST_NODE_TYPES.MemberExpression || callee.type === AST_NODE_TYPES.Identifier) {
      found = !isLocal(source, fn, rootOf(callee), callee) && node.arguments.some(arg => isParameter(source, fn, arg));
    }
  });
  return found;
}

/**
 * `this.send` in a method of an object literal or a class, where the same
 * object or class writes `send` as a function: that function. Not through
 * an arrow's `this`, nor a name given twice or by a spread.
 */
function siblingMethod(fn: FunctionNode, callee: TSESTree.MemberExpression): FunctionNode | undefined {
  if (callee.object.type !== AST_NODE_TYPES.ThisExpression || fn.type === AST_NODE_TYPES.ArrowFunctionExpression) return undefined;
  const name = getPropertyName(callee);
  const holder = fn.parent?.parent;
  if (name === null || !holder) return undefined;
  if (holder.type === AST_NODE_TYPES.ObjectExpression) return ownMethod(holder, name);
  if (holder.type !== AST_NODE_TYPES.ClassBody) return undefined;
  const members = holder.body.filter(
    member =>
      (member.type === AST_NODE_TYPES.MethodDefinition || member.type === AST_NODE_TYPES.PropertyDefinition) &&
      !member.static &&
      getPropertyName(member) === name,
  ) as (TSESTree.MethodDefinition | TSESTree.PropertyDefinition)[];
  const value = members.length === 1 ? members[0].value : null;
  const method = value && unwrap(value);
  return method && isFunctionNode(method) ? method : undefined;
}

/** `child.send` of `child.send.call(child, m)` or `.apply(child, [m])`: the function the call runs. */
function calledFunction(callee: TSESTree.Node): TSESTree.Node {
  const target = unwrap(callee);
  if (target.type !== AST_NODE_TYPES.MemberExpression) return target;
  const name = getPropertyName(target);
  const object = unwrap(target.object);
  return (name === 'call' || name === 'apply') && object.type === AST_NODE_TYPES.MemberExpression ? object : target;
}

/**
 * Globals whose members read or copy a value and keep it in this process:
 * logging (`console.debug('send', msg)`), `JSON.stringify(msg)`,
 * `Object.keys(msg)`, `Array.isArray(msg)`, `Math`, `Number`, `String`.
 */
const LOCAL_GLOBAL_OBJECTS = new Set(['Array', 'JSON', 'Math', 'Number', 'Object', 'String', 'console']);
/** Global functions that do the same: `String(msg)`, `structuredClone(msg)`. */
const LOCAL_GLOBAL_FUNCTIONS = new Set(['Boolean', 'Number', 'String', 'structuredClone']);

/** `console.log(...)`, `JSON.stringify(...)`, `String(...)` of the global, not of a name declared here. */
function isKeptLocal(source: ParsedSource, callee: TSESTree.Node): boolean {
  const isMember = callee.type === AST_NODE_TYPES.MemberExpression;
  const root = isMember ? unwrap(callee.object) : callee;
  if (root.type !== AST_NODE_TYPES.Identifier) return false;
  if (!(isMember ? LOCAL_GLOBAL_OBJECTS : LOCAL_GLOBAL_FUNCTIONS).has(root.name)) return false;
  const variable = findVariable(innermostScope(source, root), root);
  return !variable || variable.defs.length === 0;
}

/** `a` of `a.b.c`; undefined for a receiver that is not a name or `this`. */
function rootOf(callee: TSESTree.Node): TSESTree.Node | undefined {
  let current = callee;
  while (current.type === AST_NODE_TYPES.MemberExpression) current = unwrap(current.object);
  return current.type === AST_NODE_TYPES.Identifier || current.type === AST_NODE_TYPES.ThisExpression ? current : undefined;
}

/**
 * `this` (the literal itself), a container its own field holds (`this.queue`
 * of `queue = []`), or a name declared in `fn`: its parameters and locals.
 */
function isLocal(source: ParsedSource, fn: FunctionNode, root: TSESTree.Node | undefined, callee?: TSESTree.Node): boolean {
  if (root?.type === AST_NODE_TYPES.ThisExpression) {
    const field = callee && thisFieldOf(callee);
    return fn.type !== AST_NODE_TYPES.ArrowFunctionExpression && (field === undefined || (field !== null && holdsLocalContainer(fn, field)));
  }
  if (root?.type !== AST_NODE_TYPES.Identifier) return false;
  const variable = findVariable(innermostScope(source, root), root);
  return variable !== null && variable.defs.length > 0 && variable.defs.every(def => within(fn, def.name));
}

/**
 * `field` of a callee `this.field.method` (or deeper), null for a computed
 * one (`this[key].send`); undefined for `this.method` itself or another
 * receiver.
 */
function thisFieldOf(callee: TSESTree.Node): string | null | undefined {
  let current = unwrap(callee);
  if (current.type !== AST_NODE_TYPES.MemberExpression || unwrap(current.object).type === AST_NODE_TYPES.ThisExpression) {
    return undefined;
  }
  while (current.type === AST_NODE_TYPES.MemberExpression) {
    const object = unwrap(current.object);
    if (object.type === AST_NODE_TYPES.MemberExpression && unwrap(object.object).type === AST_NODE_TYPES.ThisExpression) {
      return getPropertyName(object);
    }
    current = object;
  }
  return undefined;
}

/** Built-in containers that keep what they are given: `new Map()`, `new Set()`. */
const CONTAINERS = new Set(['Array', 'Map', 'Set', 'WeakMap', 'WeakSet']);

/**
 * Whether the object or class `fn` is a method of gives `field` only
 * containers of its own: an array or object literal, or `new Map()` and
 * the like, as a field (`queue = []`) or a constructor's `this.queue = []`.
 * A field set from a parameter (`this.child = child`) may hold a channel.
 */
function holdsLocalContainer(fn: FunctionNode, field: string): boolean {
  const holder = fn.parent?.parent;
  const values: (TSESTree.Node | null)[] = [];
  if (holder?.type === AST_NODE_TYPES.ObjectExpression) {
    for (const property of holder.properties) {
      if (property.type === AST_NODE_TYPES.SpreadElement) return false;
      if (getPropertyName(property) === field) values.push(property.value);
    }
  } else if (holder?.type === AST_NODE_TYPES.ClassBody) {
    for (const member of holder.body) {
      if (member.type === AST_NODE_TYPES.PropertyDefinition && !member.static && getPropertyName(member) === field) {
        values.push(member.value);
      } else if (member.type === AST_NODE_TYPES.MethodDefinition && member.kind === 'constructor' && member.value.body) {
        values.push(...constructorAssignments(member.value, field));
      }
    }
  }
  return values.length > 0 && values.every(value => value !== null && isContainer(unwrap(value)));
}

/** The values a constructor's own statements assign to `this.field`. */
function constructorAssignments(constructor: TSESTree.FunctionLike, field: string): TSESTree.Node[] {
  const values: TSESTree.Node[] = [];
  const body = constructor.body?.type === AST_NODE_TYPES.BlockStatement ? constructor.body.body : [];
  for (const statement of body) {
    if (statement.type !== AST_NODE_TYPES.ExpressionStatement) continue;
    const assignment = statement.expression;
    if (assignment.type !== AST_NODE_TYPES.AssignmentExpression || assignment.left.type !== AST_NODE_TYPES.MemberExpression) continue;
    if (assignment.left.object.type === AST_NODE_TYPES.ThisExpression && getPropertyName(assignment.left) === field) {
      values.push(assignment.right);
    }
  }
  return values;
}

function isContainer(value: TSESTree.Node): boolean {
  if (value.type === AST_NODE_TYPES.ArrayExpression || value.type === AST_NODE_TYPES.ObjectExpression) return true;
  return (
    value.type === AST_NODE_TYPES.NewExpression &&
    value.callee.type === AST_NODE_TYPES.Identifier &&
    CONTAINERS.has(value.callee.name)
  );
}

/** `m` or `...m`, where `m` is a parameter of `fn` or of a function inside it. */
function isParameter(source: ParsedSource, fn: FunctionNode, arg: TSESTree.Node): boolean {
  const value = unwrap(arg.type === AST_NODE_TYPES.SpreadElement ? arg.argument : arg);
  if (value.type !== AST_NODE_TYPES.Identifier) return false;
  const variable = findVariable(innermostScope(source, value), value);
  return variable?.defs.some(def => def.type === 'Parameter' && within(fn, def.name)) ?? false;
}

function isObjectExpression(node: TSESTree.Node | undefined): node is TSESTree.ObjectExpression {
  return node?.type === AST_NODE_TYPES.ObjectExpression;
}
