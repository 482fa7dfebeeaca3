/**
 * Whether a bare callee such as `fork(...)`, `send(...)` or `exec(...)` can be
 * a channel to another process or thread.
 *
 * Channels are matched by name, so a helper of the same name declared in the
 * file (`async function send(client, text)`, a parameter, `const exec = ...`)
 * would look like one. A bare name counts only when it is undeclared (a global)
 * or bound to an import of a channel module: `import { fork } from
 * 'node:child_process'`, `const { fork } = require('child_process')`,
 * `const run = require('child_process').fork`.
 *
 * A method call (`x.send(msg)`, `x.exec(fn, args)`) is matched by name too,
 * so its receiver is checked the same way: a variable this file initializes
 * with an object literal, or with a call of a local factory that returns
 * only such literals (`const bus = createBus()`), whose method forwards
 * nothing to a channel (local-objects), or with `new C()` of a class
 * declared here whose own method forwards nothing either (or that has no
 * such method and extends nothing), is in-process code: `send(msg) {
 * this.child.send(msg) }` keeps a class a channel.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { findVariable, getPropertyName } from '@typescript-eslint/utils/ast-utils';
import { constantInitializer, isFunctionNode, localFunctionOf, unwrap, walk } from './ast';
import { forwards, returnedLiterals, runsLocally } from './local-objects';
import type { ParsedSource } from './module-references';

/** Modules whose exports send their arguments to another process or thread. */
const CHANNEL_MODULES = new Set([
  ...['child_process', 'cluster', 'process', 'worker_threads'].flatMap(name => [name, `node:${name}`]),
  'piscina',
  'workerpool',
]);

/** Aliases deeper than this are not hand-written code. */
const MAX_HOPS = 6;

/** Whether the bare callee `callee`, seen from `scope`, may be a channel. */
export function isChannelBinding(callee: TSESTree.Identifier, scope: TSESLint.Scope.Scope): boolean {
  const variable = findVariable(scope, callee);
  // Unresolved, a configured global or a `declare`d one: nothing here says it is not a channel.
  if (!variable || variable.defs.every(isAmbient)) return true;
  return bindsChannel(variable, 0);
}

/**
 * Whether `receiver.method(...)` calls code in this process: `receiver` is a
 * never-reassigned variable holding an object literal (`const uow = { exec() {} }`)
 * or one made by a local factory (`const bus = createBus()`), whose method
 * forwards nothing, or an instance of a local class (`const mediator = new Mediator()`).
 */
export function isInProcessReceiver(
  receiver: TSESTree.Node,
  method: string,
  scope: TSESLint.Scope.Scope,
  source: ParsedSource,
): boolean {
  const target = unwrap(receiver);
  const init = target.type === AST_NODE_TYPES.Identifier ? constantInitializer(target, scope) : undefined;
  const value = init && unwrap(init);
  if (value?.type === AST_NODE_TYPES.ObjectExpression) return runsLocally(source, value, method);
  if (value?.type === AST_NODE_TYPES.CallExpression) {
    const factory = localFunctionOf(value.callee, scope);
    const literals = factory && returnedLiterals(factory, source.visitorKeys);
    return literals !== undefined && literals.every(literal => runsLocally(source, literal, method));
  }
  if (value?.type !== AST_NODE_TYPES.NewExpression) return false;
  const callee = unwrap(value.callee);
  const local = callee.type === AST_NODE_TYPES.Identifier ? localClassOf(callee, scope) : undefined;
  if (local === undefined) return false;
  // `this.send = (m) => c.send(m)` in the constructor: what the instance holds is not the class's to read.
  if (assignsOwnMember(source, local, method)) return false;
  // `send(msg) { this.child.send(msg) }` forwards to a channel, as in an object literal.
  const own = ownMethod(local, method);
  if (own) return isFunctionNode(own) && !forwards(source, own);
  return local.superClass === null;
}

/**
 * Whether code of the class sets `method` on its instances: `this.send =
 * ...`, `Object.assign(this, ...)`, `Object.defineProperty(this, ...)`.
 */
function assignsOwnMember(
  source: ParsedSource,
  node: TSESTree.ClassDeclaration | TSESTree.ClassExpression,
  method: string,
): boolean {
  let found = false;
  walk(node.body, source.visitorKeys, inner => {
    if (found) return;
    if (inner.type === AST_NODE_TYPES.AssignmentExpression && inner.left.type === AST_NODE_TYPES.MemberExpression) {
      const name = getPropertyName(inner.left);
      found = unwrap(inner.left.object).type === AST_NODE_TYPES.ThisExpression && (name === null || name === method);
    } else if (inner.type === AST_NODE_TYPES.CallExpression) {
      const callee = unwrap(inner.callee);
      const [target] = inner.arguments;
      found =
        callee.type === AST_NODE_TYPES.MemberExpression &&
        ['assign', 'defineProperty', 'defineProperties'].includes(getPropertyName(callee) ?? '') &&
        target !== undefined &&
        unwrap(target).type === AST_NODE_TYPES.ThisExpression;
    }
  });
  return found;
}

/** `class C {}` or `const C = class {}` in this file. */
function localClassOf(
  id: TSESTree.Identifier,
  scope: TSESLint.Scope.Scope,
): TSESTree.ClassDeclaration | TSESTree.ClassExpression | undefined {
  const variable = findVariable(scope, id);
  const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
  if (def?.node.type === AST_NODE_TYPES.ClassDeclaration) return def.node;
  const init = def && constantInitializer(id, scope);
  const value = init && unwrap(init);
  return value?.type === AST_NODE_TYPES.ClassExpression ? value : undefined;
}

/**
 * What the class itself gives its instances as `method`: a method's
 * function, or an instance field's value (`send = (m) => ...`, or anything
 * else, which is no function written here). The last one wins.
 */
function ownMethod(
  node: TSESTree.ClassDeclaration | TSESTree.ClassExpression,
  method: string,
): TSESTree.Node | undefined {
  let found: TSESTree.Node | undefined;
  for (const member of node.body.body) {
    const isMember = member.type === AST_NODE_TYPES.MethodDefinition || member.type === AST_NODE_TYPES.PropertyDefinition;
    if (!isMember || member.static || getPropertyName(member) !== method) continue;
    // A getter's function returns the method, which may be anything: `get send() { return c.send.bind(c) }`.
    const isAccessor = member.type === AST_NODE_TYPES.MethodDefinition && (member.kind === 'get' || member.kind === 'set');
    found = member.value && !isAccessor ? unwrap(member.value) : member;
  }
  return found;
}

/** `declare function send(...)`, `declare const fork: ...`: describes something defined elsewhere. */
function isAmbient(def: TSESLint.Scope.Definition): boolean {
  if (def.node.type === AST_NODE_TYPES.TSDeclareFunction) return true;
  return def.parent?.type === AST_NODE_TYPES.VariableDeclaration && def.parent.declare;
}

function bindsChannel(variable: TSESLint.Scope.Variable, hops: number): boolean {
  return variable.defs.some(def => {
    if (def.node.type === AST_NODE_TYPES.TSImportEqualsDeclaration) {
      const reference = def.node.moduleReference;
      return reference.type === AST_NODE_TYPES.TSExternalModuleReference && isChannelModule(reference.expression);
    }
    if (def.type === 'ImportBinding') {
      return def.parent?.type === AST_NODE_TYPES.ImportDeclaration && isChannelModule(def.parent.source);
    }
    if (def.type === 'Variable' && def.node.init) return comesFromChannelModule(def.node.init, variable.scope, hops + 1);
    // Function declarations, parameters, classes, catch bindings: local code.
    return false;
  });
}

/**
 * `require('child_process')`, `await import('node:child_process')`, a member
 * of either, `process.send.bind(process)`, or a variable holding one.
 */
function comesFromChannelModule(node: TSESTree.Node, scope: TSESLint.Scope.Scope, hops: number): boolean {
  if (hops > MAX_HOPS) return false;
  let current = unwrap(node);
  if (current.type === AST_NODE_TYPES.AwaitExpression) current = unwrap(current.argument);
  switch (current.type) {
    case AST_NODE_TYPES.MemberExpression:
      return comesFromChannelModule(current.object, scope, hops + 1);
    case AST_NODE_TYPES.CallExpression: {
      const callee = unwrap(current.callee);
      if (callee.type === AST_NODE_TYPES.Identifier && callee.name === 'require') {
        return isChannelModule(current.arguments[0]);
      }
      const isBind = callee.type === AST_NODE_TYPES.MemberExpression && getPropertyName(callee) === 'bind';
      return isBind && comesFromChannelModule(callee.object, scope, hops + 1);
    }
    case AST_NODE_TYPES.ImportExpression:
      return isChannelModule(current.source);
    case AST_NODE_TYPES.Identifier: {
      const variable = findVariable(scope, current);
      if (!variable || variable.defs.length === 0) return current.name === 'process';
      return bindsChannel(variable, hops + 1);
    }
    default:
      return false;
  }
}

function isChannelModule(node: TSESTree.Node | undefined): boolean {
  return node?.type === AST_NODE_TYPES.Literal && typeof node.value === 'string' && CHANNEL_MODULES.has(node.value);
}
