/**
 * What a class declared in the file puts in its fields, for the untyped pool
 * tracking (pool-values) to follow `this.db`, `this.#db` and `Db.pool`.
 *
 * Instance fields are given by a field initializer (`db = new Pool()`,
 * `#db = new Pool()`) or a `this.db = ...` assignment in the class's instance
 * code; static fields by a static initializer (`static pool = new Pool()`) or
 * a `this.pool = ...` in a static block or method, where `this` is the class.
 * A private name is kept with its `#` (`#db`), so it never meets a public
 * `db`. A TypeScript parameter property's default
 * (`constructor(private db = new Pool())`) is kept apart: like any
 * parameter's default it is only what the field holds when the caller
 * passes nothing, so it says the field's kind, not its value.
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { walk, type VisitorKeys } from './ast';
import { staticMemberName } from './pool-values';

/** Field name (`#name` for a private one) -> every value given to it. */
export type FieldValues = ReadonlyMap<string, readonly TSESTree.Node[]>;

export interface ClassFields {
  readonly instance: FieldValues;
  readonly statics: FieldValues;
  /** Defaults of TypeScript parameter properties, by field name. */
  readonly parameterDefaults: FieldValues;
}

/** The class whose instance (or, in static code, the class itself) `this` stands for at `node`. */
export interface ThisOwner {
  readonly body: TSESTree.ClassBody;
  readonly isStatic: boolean;
}

const cache = new WeakMap<TSESTree.ClassBody, ClassFields>();

/** A field's name as a key: its static name, or `#name` for a private one. */
export function fieldKey(node: TSESTree.MemberExpression | TSESTree.PropertyDefinition): string | undefined {
  const key = node.type === AST_NODE_TYPES.MemberExpression ? node.property : node.key;
  return key.type === AST_NODE_TYPES.PrivateIdentifier ? `#${key.name}` : staticMemberName(node);
}

/**
 * The class `this` refers to at `node`: through arrows (which keep the outer
 * `this`) and other nested functions, up to the method, field initializer or
 * static block of a class that holds it.
 */
export function thisOwner(node: TSESTree.Node): ThisOwner | undefined {
  for (let child = node, current = node.parent; current; child = current, current = current.parent) {
    if (current.type === AST_NODE_TYPES.StaticBlock && current.parent.type === AST_NODE_TYPES.ClassBody) {
      return { body: current.parent, isStatic: true };
    }
    if (
      (current.type === AST_NODE_TYPES.MethodDefinition || current.type === AST_NODE_TYPES.PropertyDefinition) &&
      current.value === child &&
      current.parent.type === AST_NODE_TYPES.ClassBody
    ) {
      return { body: current.parent, isStatic: current.static };
    }
  }
  return undefined;
}

/** The fields of the class with this body, collected once per class. */
export function classFieldsOf(body: TSESTree.ClassBody, visitorKeys: VisitorKeys): ClassFields {
  let fields = cache.get(body);
  if (!fields) {
    fields = collect(body, visitorKeys);
    cache.set(body, fields);
  }
  return fields;
}

function collect(body: TSESTree.ClassBody, visitorKeys: VisitorKeys): ClassFields {
  const instance = new Map<string, TSESTree.Node[]>();
  const statics = new Map<string, TSESTree.Node[]>();
  const parameterDefaults = new Map<string, TSESTree.Node[]>();
  const add = (to: Map<string, TSESTree.Node[]>, name: string | undefined, value: TSESTree.Node | null) => {
    if (name === undefined || !value) return;
    to.set(name, [...(to.get(name) ?? []), value]);
  };
  for (const member of body.body) {
    if (member.type === AST_NODE_TYPES.PropertyDefinition) {
      add(member.static ? statics : instance, fieldKey(member), member.value);
    } else if (member.type === AST_NODE_TYPES.MethodDefinition && member.kind === 'constructor') {
      for (const param of member.value.params) {
        const parameter = param.type === AST_NODE_TYPES.TSParameterProperty ? param.parameter : undefined;
        if (parameter?.type === AST_NODE_TYPES.AssignmentPattern && parameter.left.type === AST_NODE_TYPES.Identifier) {
          add(parameterDefaults, parameter.left.name, parameter.right);
        }
      }
    }
  }
  walk(body, visitorKeys, node => {
    if (
      node.type !== AST_NODE_TYPES.AssignmentExpression ||
      node.left.type !== AST_NODE_TYPES.MemberExpression ||
      node.left.object.type !== AST_NODE_TYPES.ThisExpression
    ) {
      return;
    }
    // `this` of a class nested in this one is that class's.
    const owner = thisOwner(node);
    if (owner?.body === body) add(owner.isStatic ? statics : instance, fieldKey(node.left), node.right);
  });
  return { instance, statics, parameterDefaults };
}
