/**
 * Local classes that extend a known creator class: `class AppPool extends
 * Pool {}` with `Pool` from 'pg', `class AppPool extends pg.Pool {}`, or
 * `const AppPool = class extends Pool {}`. Constructing one runs the
 * creator's constructor, so `new AppPool()` is a creation as `new Pool()` is.
 *
 * The creator tracker reports where the file reads a constructor without
 * calling it: a `pg.Pool` member, or the import specifier or destructured
 * property that binds `Pool`. It does not report each later use of that
 * name, so the `extends` clauses are found from those bindings here, and the
 * subclass's constructions are found as the tracker finds the creator's own,
 * through aliases of the class.
 *
 * Not followed: a subclass of a subclass, a class imported from a local
 * module, and a module that is itself the constructor when it is required
 * (`const Sequelize = require('sequelize')`), whose read is the `require()`
 * call; its default import (`import Redis from 'ioredis'`) is followed.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { ReferenceTracker, findVariable } from '@typescript-eslint/utils/ast-utils';
import { innermostScope } from './ast';
import type { ParsedSource } from './module-references';

/** Where the file reads a creator constructor, and what the tracker says of it. */
export interface ConstructorRead<T> {
  node: TSESTree.Node;
  info: T;
}

type ClassNode = TSESTree.ClassDeclaration | TSESTree.ClassExpression;

/** Present at runtime in @eslint-community/eslint-utils, missing from the typings. */
interface PropertyTracker {
  iteratePropertyReferences(node: TSESTree.Node, traceMap: unknown): IterableIterator<{ node: TSESTree.Node; info: unknown }>;
}

/** Each `new` of a local class that extends a constructor read in `reads`, with that constructor's info. */
export function* subclassConstructions<T>(
  sourceCode: ParsedSource,
  reads: readonly ConstructorRead<T>[],
): IterableIterator<ConstructorRead<T> & { node: TSESTree.NewExpression }> {
  const globalScope = sourceCode.scopeManager?.globalScope;
  if (!globalScope || reads.length === 0) return;
  const tracker = new ReferenceTracker(globalScope) as unknown as PropertyTracker;
  for (const { cls, info } of creatorSubclasses(sourceCode, reads)) {
    const traceMap = { [ReferenceTracker.CONSTRUCT]: info };
    for (const variable of classVariables(sourceCode, cls)) {
      for (const reference of variable.references) {
        if (!reference.isRead()) continue;
        for (const found of tracker.iteratePropertyReferences(reference.identifier, traceMap)) {
          if (found.node.type === AST_NODE_TYPES.NewExpression) yield { node: found.node, info };
        }
      }
    }
  }
}

/** The classes whose `extends` names a constructor read in `reads`. */
function* creatorSubclasses<T>(sourceCode: ParsedSource, reads: readonly ConstructorRead<T>[]): IterableIterator<{ cls: ClassNode; info: T }> {
  for (const { node, info } of reads) {
    const name = boundName(node);
    const uses = name ? referencesOf(sourceCode, name) : [node];
    for (const use of uses) {
      const cls = extendedBy(use);
      if (cls) yield { cls, info };
    }
  }
}

/**
 * The name a read binds: `Pool` of `import { Pool }`, of `const { Pool } =
 * require('pg')`, or of `const Pool = pg.Pool`; undefined for a read used in
 * place (`extends pg.Pool`).
 */
function boundName(node: TSESTree.Node): TSESTree.Identifier | undefined {
  let target: TSESTree.Node | undefined;
  if (node.type === AST_NODE_TYPES.ImportSpecifier || node.type === AST_NODE_TYPES.ImportDefaultSpecifier) target = node.local;
  else if (node.type === AST_NODE_TYPES.Property) target = node.value;
  else if (node.parent?.type === AST_NODE_TYPES.VariableDeclarator && node.parent.init === node) target = node.parent.id;
  if (target?.type === AST_NODE_TYPES.AssignmentPattern) target = target.left;
  return target?.type === AST_NODE_TYPES.Identifier ? target : undefined;
}

/** The identifiers that read the variable `name` declares. */
function referencesOf(sourceCode: ParsedSource, name: TSESTree.Identifier): TSESTree.Node[] {
  const variable = findVariable(innermostScope(sourceCode, name), name);
  return variable ? variable.references.filter(reference => reference.isRead()).map(reference => reference.identifier) : [];
}

/** The class whose `extends` clause is `node` (parentheses leave no node of their own). */
function extendedBy(node: TSESTree.Node): ClassNode | undefined {
  const { parent } = node;
  const isClass = parent?.type === AST_NODE_TYPES.ClassDeclaration || parent?.type === AST_NODE_TYPES.ClassExpression;
  return isClass && parent.superClass === node ? parent : undefined;
}

/**
 * The variables that hold the class: its declared name (outside the class
 * and inside it), or the constant a class expression initialises.
 */
function classVariables(sourceCode: ParsedSource, cls: ClassNode): readonly TSESLint.Scope.Variable[] {
  const manager = sourceCode.scopeManager!;
  const declared = manager.getDeclaredVariables(cls);
  const { parent } = cls;
  if (cls.type === AST_NODE_TYPES.ClassExpression && parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.init === cls) {
    return [...declared, ...manager.getDeclaredVariables(parent)];
  }
  return declared;
}
