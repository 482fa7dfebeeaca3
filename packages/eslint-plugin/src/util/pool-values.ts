/**
 * Untyped data flow: does an expression hold a pool, client or connection?
 *
 * Without types we follow values by hand, inside one file: a creation call
 * (from the shared creator table), a variable initialized or assigned from one,
 * a class field given one (`this.x`, `this.#x`, a static `Db.x`, a TypeScript
 * parameter property's default; see class-fields), a property or index of a
 * local object or array literal (or a member assigned onto it later, see
 * member-assignments), destructuring of such literals, a parameter's default
 * (`function run(w, db = new Pool())`), checkouts on a pool
 * (`pool.connect()`, `await pool.getConnection()`, `.then(client => ...)`,
 * `pool.connect((err, client) => ...)`), and methods that return the pool
 * itself or a wrapper of it (`new Pool().on('error', log)`,
 * `await new DataSource(opts).initialize()`, `mysql.createPool(opts).promise()`).
 *
 * A tracker is built once per file and creator options and memoizes every
 * answer, so a rule can ask about many nodes cheaply.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { findVariable } from '@typescript-eslint/utils/ast-utils';

import { localClassOf } from './ast';
import { classFieldsOf, fieldKey, thisOwner, type FieldValues } from './class-fields';
import { assignedMembers } from './member-assignments';
import type { CreationSite, CreatorKind, CreatorOption } from './creators';
import { findCreationSites } from './creators';

export interface PoolValueTracker {
  /** The kind of pool-like value the expression holds, or undefined. */
  kindOf(node: TSESTree.Node): CreatorKind | undefined;
  /** The expression a plain `const`-like variable or `obj.x` stands for, if known. */
  sourceOf(node: TSESTree.Node): TSESTree.Node | undefined;
}

/** Methods that lease a connection from a pool. */
const CHECKOUT_METHODS = new Set(['connect', 'getConnection', 'acquire', 'reserve']);

/**
 * Methods whose result is the same pool, client or engine (or a promise of
 * it): EventEmitter's listener methods return `this`; typeorm's
 * `initialize()` resolves to its DataSource; Prisma's `$extends()` returns an
 * extended client; mysql2's `promise()` wraps the pool or connection. Not
 * Prisma's `$connect()`, which resolves to nothing.
 */
const SAME_VALUE_METHODS = new Set([
  'on',
  'once',
  'addListener',
  'prependListener',
  'prependOnceListener',
  'setMaxListeners',
  'initialize',
  '$extends',
  'promise',
]);

/** Deeper chains than this are not hand-written code; stop rather than risk a stack overflow. */
const MAX_DEPTH = 12;

const trackerCache = new WeakMap<Readonly<TSESLint.SourceCode>, Map<string, PoolValueTracker>>();

/** The per-file tracker for these creator options, built on first use. */
export function getPoolValueTracker(
  sourceCode: Readonly<TSESLint.SourceCode>,
  extra: readonly CreatorOption[],
): PoolValueTracker {
  const key = extra.length === 0 ? '' : JSON.stringify(extra);
  let perOptions = trackerCache.get(sourceCode);
  if (!perOptions) {
    perOptions = new Map();
    trackerCache.set(sourceCode, perOptions);
  }
  let tracker = perOptions.get(key);
  if (!tracker) {
    tracker = createTracker(sourceCode, extra);
    perOptions.set(key, tracker);
  }
  return tracker;
}

/** The kind a creation call produces, from its member path and package. */
export function kindOfCreation(site: Pick<CreationSite, 'package' | 'path'>): CreatorKind {
  const name = site.path.split('.').pop() ?? '';
  if (/pool/i.test(name)) return 'pool';
  if (/client/i.test(name)) return 'client';
  const byPackage = PACKAGE_KINDS[site.package];
  if (byPackage) return byPackage;
  if (/connect/i.test(name)) return 'connection';
  return 'pool';
}

/** What a package's creators produce when the member path does not say. */
const PACKAGE_KINDS: Readonly<Record<string, CreatorKind>> = {
  'pg-pool': 'pool',
  postgres: 'pool',
  'generic-pool': 'pool',
  tarn: 'pool',
  mssql: 'pool',
  knex: 'engine',
  sequelize: 'engine',
  'sequelize-typescript': 'engine',
  typeorm: 'engine',
  mongoose: 'connection',
  '@prisma/client': 'client',
  ioredis: 'client',
  redis: 'client',
  'better-sqlite3': 'connection',
};

type Unwrapped = Exclude<
  TSESTree.Node,
  | TSESTree.AwaitExpression
  | TSESTree.ChainExpression
  | TSESTree.TSAsExpression
  | TSESTree.TSNonNullExpression
  | TSESTree.TSSatisfiesExpression
  | TSESTree.TSTypeAssertion
>;

/** Strips wrappers that do not change which object an expression holds. */
export function unwrap(node: TSESTree.Node): Unwrapped {
  let current = node;
  for (;;) {
    switch (current.type) {
      case AST_NODE_TYPES.AwaitExpression:
        current = current.argument;
        break;
      case AST_NODE_TYPES.ChainExpression:
      case AST_NODE_TYPES.TSAsExpression:
      case AST_NODE_TYPES.TSNonNullExpression:
      case AST_NODE_TYPES.TSSatisfiesExpression:
      case AST_NODE_TYPES.TSTypeAssertion:
        current = current.expression;
        break;
      default:
        return current;
    }
  }
}

/** A member's static name (`#name` for a private one), or its index for `list[0]`. */
function memberStep(member: TSESTree.MemberExpression): string | number | undefined {
  const key = member.property;
  if (member.computed && key.type === AST_NODE_TYPES.Literal && Number.isInteger(key.value)) return key.value as number;
  return fieldKey(member);
}

/** A non-computed (or string-literal computed) member name, else undefined. */
export function staticMemberName(node: TSESTree.MemberExpression | TSESTree.Property | TSESTree.PropertyDefinition) {
  const key = node.type === AST_NODE_TYPES.MemberExpression ? node.property : node.key;
  if (!node.computed && key.type === AST_NODE_TYPES.Identifier) return key.name;
  if (key.type === AST_NODE_TYPES.Literal && typeof key.value === 'string') return key.value;
  return undefined;
}

function createTracker(sourceCode: Readonly<TSESLint.SourceCode>, extra: readonly CreatorOption[]): PoolValueTracker {
  const creationKinds = new Map<TSESTree.Node, CreatorKind>();
  for (const site of findCreationSites(sourceCode, extra)) creationKinds.set(site.node, kindOfCreation(site));

  // `null` doubles as "in progress", so cycles (`a = b; b = a`) end as "not a pool".
  const kinds = new WeakMap<TSESTree.Node, CreatorKind | null>();

  function kindOf(node: TSESTree.Node, depth = 0): CreatorKind | null {
    const target = unwrap(node);
    const known = kinds.get(target);
    if (known !== undefined) return known;
    if (depth > MAX_DEPTH) return null;
    kinds.set(target, null);
    const kind = computeKind(target, depth + 1);
    kinds.set(target, kind);
    return kind;
  }

  function computeKind(node: Unwrapped, depth: number): CreatorKind | null {
    switch (node.type) {
      case AST_NODE_TYPES.NewExpression:
        return creationKinds.get(node) ?? null;
      case AST_NODE_TYPES.CallExpression:
        return creationKinds.get(node) ?? methodResultKind(node, depth);
      case AST_NODE_TYPES.Identifier:
        return identifierKind(node, depth);
      case AST_NODE_TYPES.MemberExpression:
        return anyKind(memberSources(node, depth), depth) ?? parameterPropertyKind(node, depth);
      case AST_NODE_TYPES.ConditionalExpression:
        return kindOf(node.consequent, depth) ?? kindOf(node.alternate, depth);
      case AST_NODE_TYPES.LogicalExpression:
        // A pool is truthy: `pool && pool.options` is the options; `pool || x` and `pool ?? x` are the pool.
        return node.operator === '&&'
          ? kindOf(node.right, depth)
          : (kindOf(node.left, depth) ?? kindOf(node.right, depth));
      case AST_NODE_TYPES.AssignmentExpression:
        return node.operator === '=' || node.operator === '??=' || node.operator === '||='
          ? kindOf(node.right, depth)
          : null;
      case AST_NODE_TYPES.SequenceExpression: {
        const last = node.expressions.at(-1);
        return last ? kindOf(last, depth) : null;
      }
      default:
        return null;
    }
  }

  /** `pool.connect()` and friends lease a connection from a pool value; `pool.on(...)` is the pool. */
  function methodResultKind(call: TSESTree.CallExpression, depth: number): CreatorKind | null {
    const callee = unwrap(call.callee);
    if (callee.type !== AST_NODE_TYPES.MemberExpression) return null;
    const name = staticMemberName(callee);
    if (name !== undefined && SAME_VALUE_METHODS.has(name)) return kindOf(callee.object, depth);
    if (name === undefined || !CHECKOUT_METHODS.has(name)) return null;
    return kindOf(callee.object, depth) ? 'connection' : null;
  }

  function anyKind(sources: readonly TSESTree.Node[], depth: number): CreatorKind | null {
    for (const source of sources) {
      const kind = kindOf(source, depth);
      if (kind) return kind;
    }
    return null;
  }

  function identifierKind(id: TSESTree.Identifier, depth: number): CreatorKind | null {
    const variable = findVariable(sourceCode.getScope(id), id);
    if (!variable) return null;
    for (const def of variable.defs) {
      if (def.type === 'Parameter' && def.name.type === AST_NODE_TYPES.Identifier) {
        const kind = callbackParameterKind(def.node, def.name, depth) ?? parameterDefaultKind(def.name, depth);
        if (kind) return kind;
      }
    }
    return anyKind(variableSources(variable, depth), depth);
  }

  /**
   * Every expression a variable is given: its initializer (through
   * destructuring of local literals and defaults) and every later assignment.
   */
  function variableSources(variable: TSESLint.Scope.Variable, depth: number): TSESTree.Node[] {
    const sources: TSESTree.Node[] = [];
    for (const def of variable.defs) {
      if (def.type !== 'Variable') continue;
      const declarator = def.node;
      if (declarator.id === def.name) {
        if (declarator.init) sources.push(declarator.init);
      } else if (declarator.init) {
        sources.push(...patternSources(def.name, declarator.id, declarator.init, depth));
      }
    }
    for (const ref of variable.references) {
      const written = ref.writeExpr;
      if (!ref.isWrite() || !written || ref.init) continue;
      // `[a, b] = [x, y]` writes through a pattern; only plain `a = x` is followed.
      const parent = ref.identifier.parent;
      if (parent?.type === AST_NODE_TYPES.AssignmentExpression && parent.left === ref.identifier) {
        sources.push(written);
      }
    }
    return sources;
  }

  /** `const { pool } = { pool: new Pool() }`, `const [a] = [x]`, `{ pool = new Pool() }`. */
  function patternSources(
    name: TSESTree.Node,
    root: TSESTree.Node,
    init: TSESTree.Node,
    depth: number,
  ): TSESTree.Node[] {
    const steps: (string | number)[] = [];
    const defaults: TSESTree.Node[] = [];
    let node: TSESTree.Node = name;
    while (node !== root) {
      const parent: TSESTree.Node | undefined = node.parent;
      if (!parent) return [];
      if (parent.type === AST_NODE_TYPES.AssignmentPattern && parent.left === node) {
        defaults.push(parent.right);
      } else if (parent.type === AST_NODE_TYPES.Property) {
        const key = staticMemberName(parent);
        if (key === undefined) return defaults;
        steps.unshift(key);
      } else if (parent.type === AST_NODE_TYPES.ArrayPattern) {
        const index = parent.elements.indexOf(node as TSESTree.DestructuringPattern);
        if (index === -1) return defaults;
        steps.unshift(index);
      } else if (parent.type !== AST_NODE_TYPES.ObjectPattern) {
        // Rest elements and anything odd: only the defaults are known.
        return defaults;
      }
      node = parent;
    }
    const value = followPath(init, steps, depth);
    return value ? [value, ...defaults] : defaults;
  }

  /** Walks `steps` through object and array literals, following local variables. */
  function followPath(start: TSESTree.Node, steps: readonly (string | number)[], depth: number) {
    let current: TSESTree.Node | undefined = start;
    for (const step of steps) {
      current = current && literalSource(current, depth);
      if (!current) return undefined;
      current = literalMember(current, step);
    }
    return current;
  }

  /** The object or array literal an expression stands for, through local consts. */
  function literalSource(node: TSESTree.Node, depth: number): TSESTree.Node | undefined {
    let current = unwrap(node);
    for (let hops = 0; hops < MAX_DEPTH && depth + hops < MAX_DEPTH * 2; hops++) {
      if (current.type === AST_NODE_TYPES.ObjectExpression || current.type === AST_NODE_TYPES.ArrayExpression) {
        return current;
      }
      const next = singleSource(current, depth + hops);
      if (!next) return undefined;
      current = unwrap(next);
    }
    return undefined;
  }

  /** For an identifier or `obj.x` with exactly one known source expression. */
  function singleSource(node: TSESTree.Node, depth: number): TSESTree.Node | undefined {
    const target = unwrap(node);
    let sources: TSESTree.Node[] = [];
    if (target.type === AST_NODE_TYPES.Identifier) {
      const variable = findVariable(sourceCode.getScope(target), target);
      if (variable) sources = variableSources(variable, depth);
    } else if (target.type === AST_NODE_TYPES.MemberExpression) {
      sources = memberSources(target, depth);
    }
    return sources.length === 1 ? sources[0] : undefined;
  }

  function literalMember(literal: TSESTree.Node, step: string | number): TSESTree.Node | undefined {
    if (literal.type === AST_NODE_TYPES.ArrayExpression) {
      if (typeof step !== 'number') return undefined;
      const element = literal.elements[step];
      // A spread before the index shifts positions we cannot know.
      const shifted = literal.elements.slice(0, step + 1).some(e => e?.type === AST_NODE_TYPES.SpreadElement);
      return element && !shifted ? element : undefined;
    }
    if (literal.type !== AST_NODE_TYPES.ObjectExpression) return undefined;
    // The last property with that name wins, as at runtime.
    for (let i = literal.properties.length - 1; i >= 0; i--) {
      const property = literal.properties[i];
      if (property.type === AST_NODE_TYPES.SpreadElement) return undefined;
      if (staticMemberName(property) === String(step)) return property.value;
    }
    return undefined;
  }

  /**
   * `this.pool`, `this.#pool` and `Db.pool` (class-fields), `deps.pool` and `pools[0]`
   * (a local literal, and what is assigned onto its members later).
   */
  function memberSources(member: TSESTree.MemberExpression, depth: number): TSESTree.Node[] {
    const step = memberStep(member);
    if (step === undefined) return [];
    const fields = fieldsRead(member);
    if (fields) return [...(fields.get(String(step)) ?? [])];
    const literal = literalSource(member.object, depth);
    if (literal?.type !== AST_NODE_TYPES.ObjectExpression && literal?.type !== AST_NODE_TYPES.ArrayExpression) return [];
    const value = literalMember(literal, step);
    const assigned = assignedMembers(sourceCode, literal).get(String(step)) ?? [];
    return value ? [value, ...assigned] : [...assigned];
  }

  /** The fields `this.x` or `Db.x` reads from: the instance's or the class's own, of a class declared here. */
  function fieldsRead(member: TSESTree.MemberExpression): FieldValues | undefined {
    if (member.object.type === AST_NODE_TYPES.ThisExpression) {
      const owner = thisOwner(member);
      const fields = owner && classFieldsOf(owner.body, sourceCode.visitorKeys);
      return fields && (owner.isStatic ? fields.statics : fields.instance);
    }
    const local = localClassOf(member.object, sourceCode.getScope(member));
    return local && classFieldsOf(local.body, sourceCode.visitorKeys).statics;
  }

  /** `this.db` of `constructor(private db = new Pool())`: the kind the field has when the caller passes nothing. */
  function parameterPropertyKind(member: TSESTree.MemberExpression, depth: number): CreatorKind | null {
    const owner = member.object.type === AST_NODE_TYPES.ThisExpression ? thisOwner(member) : undefined;
    const name = fieldKey(member);
    if (!owner || owner.isStatic || name === undefined) return null;
    return anyKind(classFieldsOf(owner.body, sourceCode.visitorKeys).parameterDefaults.get(name) ?? [], depth);
  }

  /**
   * `db = new Pool()` in a parameter list (or a destructured parameter): the
   * value when the caller passes none. Only the kind follows it; `sourceOf`
   * does not, since a caller may pass anything.
   */
  function parameterDefaultKind(param: TSESTree.Identifier, depth: number): CreatorKind | null {
    const pattern = param.parent;
    return pattern?.type === AST_NODE_TYPES.AssignmentPattern && pattern.left === param
      ? kindOf(pattern.right, depth)
      : null;
  }

  /**
   * A callback parameter that receives a leased connection:
   * `pool.connect().then(client => ...)` and `pool.connect((err, client) => ...)`.
   */
  function callbackParameterKind(fn: TSESTree.Node, param: TSESTree.Identifier, depth: number): CreatorKind | null {
    if (
      fn.type !== AST_NODE_TYPES.ArrowFunctionExpression &&
      fn.type !== AST_NODE_TYPES.FunctionExpression
    ) {
      return null;
    }
    const call = fn.parent;
    if (call?.type !== AST_NODE_TYPES.CallExpression || !call.arguments.includes(fn)) return null;
    const callee = unwrap(call.callee);
    if (callee.type !== AST_NODE_TYPES.MemberExpression) return null;
    const method = staticMemberName(callee);
    const index = fn.params.indexOf(param as TSESTree.Parameter);
    if (method === 'then' && index === 0 && call.arguments[0] === fn) {
      return kindOf(callee.object, depth);
    }
    if (method !== undefined && CHECKOUT_METHODS.has(method) && index === 1) {
      return kindOf(callee.object, depth) ? 'connection' : null;
    }
    return null;
  }

  return {
    kindOf: node => kindOf(node) ?? undefined,
    sourceOf: node => singleSource(node, 0),
  };
}
