/**
 * Small AST helpers shared by the fork, guard and creator analyses, which run
 * both on ESLint's SourceCode and on other files' parses from module-parse.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { findVariable, getPropertyName } from '@typescript-eslint/utils/ast-utils';
import type { ParsedSource } from './module-references';

/** Peels TypeScript-only wrappers that change nothing at runtime. */
export function unwrap(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  while (
    current.type === AST_NODE_TYPES.TSAsExpression ||
    current.type === AST_NODE_TYPES.TSNonNullExpression ||
    current.type === AST_NODE_TYPES.TSSatisfiesExpression ||
    current.type === AST_NODE_TYPES.TSTypeAssertion ||
    current.type === AST_NODE_TYPES.ChainExpression
  ) {
    current = current.expression;
  }
  return current;
}

/** The innermost scope that contains `node`, like `sourceCode.getScope`. */
export function innermostScope(sourceCode: ParsedSource, node: TSESTree.Node): TSESLint.Scope.Scope {
  const manager = sourceCode.scopeManager!;
  for (let current: TSESTree.Node | undefined = node; current; current = current.parent) {
    const scope = manager.acquire(current, true);
    if (scope) return scope.type === 'function-expression-name' ? scope.childScopes[0] : scope;
  }
  return manager.globalScope!;
}

export type FunctionNode =
  | TSESTree.ArrowFunctionExpression
  | TSESTree.FunctionDeclaration
  | TSESTree.FunctionExpression;

/** Whether `node` is a function: a declaration, an expression or an arrow. */
export function isFunctionNode(node: TSESTree.Node | null | undefined): node is FunctionNode {
  return (
    node?.type === AST_NODE_TYPES.ArrowFunctionExpression ||
    node?.type === AST_NODE_TYPES.FunctionDeclaration ||
    node?.type === AST_NODE_TYPES.FunctionExpression
  );
}

/** A variable declared once and never assigned again: what it holds is what its declaration gave it. */
export function isConstantBinding(variable: TSESLint.Scope.Variable | null | undefined): variable is TSESLint.Scope.Variable {
  return variable?.defs.length === 1 && !variable.references.some(ref => ref.isWrite() && !ref.init);
}

/**
 * True when `id` reads the global of its name: the file declares and
 * imports nothing by it (a configured global has no definitions).
 */
export function isGlobalName(id: TSESTree.Identifier, scope: TSESLint.Scope.Scope): boolean {
  const variable = findVariable(scope, id);
  return !variable || variable.defs.length === 0;
}

/**
 * The initializer of a variable declared once as `name = init` (not
 * destructured) and never reassigned: `const x = ...`, or a `let` kept.
 */
export function constantInitializer(id: TSESTree.Identifier, scope: TSESLint.Scope.Scope): TSESTree.Expression | undefined {
  const variable = findVariable(scope, id);
  if (!isConstantBinding(variable)) return undefined;
  const def = variable.defs[0];
  if (def.node.type !== AST_NODE_TYPES.VariableDeclarator || def.node.id !== def.name) return undefined;
  return def.node.init ?? undefined;
}

/**
 * The function a bare callee names when this file declares it and never
 * reassigns it: `function start() {}`, `const start = () => ...`.
 */
export function localFunctionOf(callee: TSESTree.Node, scope: TSESLint.Scope.Scope): FunctionNode | undefined {
  return localDeclarationOf(callee, scope, (node): node is FunctionNode =>
    node.type === AST_NODE_TYPES.FunctionDeclaration ||
    node.type === AST_NODE_TYPES.ArrowFunctionExpression ||
    node.type === AST_NODE_TYPES.FunctionExpression);
}

export type ClassNode = TSESTree.ClassDeclaration | TSESTree.ClassExpression;

/**
 * The class a bare name stands for when this file declares it and never
 * reassigns it: `class Db {}`, `const Db = class {}`.
 */
export function localClassOf(name: TSESTree.Node, scope: TSESLint.Scope.Scope): ClassNode | undefined {
  return localDeclarationOf(name, scope, (node): node is ClassNode =>
    node.type === AST_NODE_TYPES.ClassDeclaration || node.type === AST_NODE_TYPES.ClassExpression);
}

/** What a constant binding `name` holds, by its declaration or its initializer, when `matches` it. */
function localDeclarationOf<T extends TSESTree.Node>(name: TSESTree.Node, scope: TSESLint.Scope.Scope, matches: (node: TSESTree.Node) => node is T): T | undefined {
  const target = unwrap(name);
  if (target.type !== AST_NODE_TYPES.Identifier) return undefined;
  const variable = findVariable(scope, target);
  if (!isConstantBinding(variable)) return undefined;
  const declared = variable.defs[0].node;
  if (matches(declared)) return declared;
  const init = constantInitializer(target, scope);
  const value = init && unwrap(init);
  return value && matches(value) ? value : undefined;
}

/**
 * The code that `new C()` runs for a class: its constructor, and the
 * initializers of its instance fields (static ones run as the class is
 * defined). A superclass's constructor is not followed.
 */
export function constructionCode(cls: ClassNode): DeferredCode[] {
  const code: DeferredCode[] = [];
  for (const member of cls.body.body) {
    if (member.type === AST_NODE_TYPES.MethodDefinition && member.kind === 'constructor') {
      // An overload signature (`TSEmptyBodyFunctionExpression`) runs nothing.
      if (member.value.type === AST_NODE_TYPES.FunctionExpression) code.push(member.value);
    }
    else if (isInstanceField(member) && member.value) code.push(member);
  }
  return code;
}

/** What `fn` itself returns (an arrow's expression body, or each `return`, `undefined` for a bare one), not its inner functions. */
export function ownReturnValues(fn: FunctionNode, visitorKeys: VisitorKeys): (TSESTree.Node | undefined)[] {
  if (fn.body.type !== AST_NODE_TYPES.BlockStatement) return [fn.body];
  const values: (TSESTree.Node | undefined)[] = [];
  walk(fn.body, visitorKeys, node => {
    if (node.type === AST_NODE_TYPES.ReturnStatement && nearestFunction(node) === fn) values.push(node.argument ?? undefined);
  });
  // Falling off the end returns undefined.
  return values.length > 0 ? values : [undefined];
}

function nearestFunction(node: TSESTree.Node): TSESTree.Node | undefined {
  for (let current = node.parent; current; current = current.parent) if (isFunctionNode(current)) return current;
  return undefined;
}

/** An instance field whose initializer runs on each `new`, like a constructor body. */
type InstanceField = TSESTree.AccessorProperty | TSESTree.PropertyDefinition;

/** Code that runs only when something calls it. */
export type DeferredCode = FunctionNode | InstanceField;

/**
 * The function whose call runs `node`, skipping IIFEs (they run where they
 * stand), or the instance field whose initializer holds it (it runs on `new`,
 * as the constructor's first statements do); `undefined` when `node` runs as
 * the module loads. Static fields and static blocks run as the class is
 * defined, so they are walked through.
 */
export function enclosingFunction(node: TSESTree.Node): DeferredCode | undefined {
  for (let child = node, current = node.parent; current; child = current, current = current.parent) {
    if (isFunctionNode(current)) {
      const call = current.parent;
      const isIife = call?.type === AST_NODE_TYPES.CallExpression && call.callee === current;
      if (!isIife) return current;
    } else if (isInstanceField(current) && current.value === child) {
      return current;
    }
  }
  return undefined;
}

/** Whether `inner` is `outer` or lies inside it. */
export function within(outer: TSESTree.Node, inner: TSESTree.Node): boolean {
  return outer.range[0] <= inner.range[0] && inner.range[1] <= outer.range[1];
}

/** The child keys of each node type, as ESLint's SourceCode and a bare parse both give them. */
export type VisitorKeys = Readonly<Record<string, readonly string[] | undefined>>;

/**
 * A pre-order walk of `root` and every node below it, in source order, with
 * each node's parent in the walk. It follows only the visitor keys, so never
 * tokens, comments, `loc`, `range` or `parent`, and keeps its own stack, so a
 * file of any length or nesting cannot overflow the call stack.
 */
export function walk(
  root: TSESTree.Node,
  visitorKeys: VisitorKeys,
  visit: (node: TSESTree.Node, parent: TSESTree.Node | undefined) => void,
): void {
  const stack: { node: TSESTree.Node; parent: TSESTree.Node | undefined }[] = [{ node: root, parent: undefined }];
  while (stack.length > 0) {
    const { node, parent } = stack.pop()!;
    visit(node, parent);
    const keys = visitorKeys[node.type] ?? [];
    // Pushed last child first, so that they pop in source order.
    for (let k = keys.length - 1; k >= 0; k--) {
      const child = (node as unknown as Record<string, unknown>)[keys[k]];
      if (Array.isArray(child)) {
        for (let i = child.length - 1; i >= 0; i--) {
          const item: unknown = child[i];
          if (isNode(item)) stack.push({ node: item, parent: node });
        }
      } else if (isNode(child)) {
        stack.push({ node: child, parent: node });
      }
    }
  }
}

function isInstanceField(node: TSESTree.Node): node is InstanceField {
  return (
    (node.type === AST_NODE_TYPES.PropertyDefinition || node.type === AST_NODE_TYPES.AccessorProperty) && !node.static
  );
}

/**
 * Whether control never continues past `statement`: return, throw,
 * `process.exit()`. An expression (the right of `guard || process.exit()`)
 * exits when it is that call.
 */
export function exits(statement: TSESTree.Node): boolean {
  switch (statement.type) {
    case AST_NODE_TYPES.ReturnStatement:
    case AST_NODE_TYPES.ThrowStatement:
      return true;
    case AST_NODE_TYPES.ExpressionStatement:
      return exits(unwrap(statement.expression));
    case AST_NODE_TYPES.CallExpression:
      return (
        statement.callee.type === AST_NODE_TYPES.MemberExpression &&
        isGlobalProcess(statement.callee.object) &&
        getPropertyName(statement.callee) === 'exit'
      );
    case AST_NODE_TYPES.BlockStatement:
      return statement.body.some(exits);
    case AST_NODE_TYPES.IfStatement:
      return exits(statement.consequent) && statement.alternate != null && exits(statement.alternate);
    default:
      return false;
  }
}

function isGlobalProcess(node: TSESTree.Node): boolean {
  const target = unwrap(node);
  return target.type === AST_NODE_TYPES.Identifier && target.name === 'process';
}

function isNode(value: unknown): value is TSESTree.Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** `import.meta.<member>`. */
export function isImportMeta(node: TSESTree.Node | undefined, member: string): boolean {
  const expr = node && unwrap(node);
  return (
    expr?.type === AST_NODE_TYPES.MemberExpression &&
    expr.object.type === AST_NODE_TYPES.MetaProperty &&
    expr.object.meta.name === 'import' &&
    getPropertyName(expr) === member
  );
}

/** `__dirname` or `import.meta.dirname`. */
export function isDirname(node: TSESTree.Node | undefined): boolean {
  const expr = node && unwrap(node);
  return (expr?.type === AST_NODE_TYPES.Identifier && expr.name === '__dirname') || isImportMeta(expr, 'dirname');
}
