/**
 * Whether a path expression names a given file: `path.join(__dirname,
 * 'server.js')`, `path.resolve(import.meta.dirname, 'server')`,
 * `__dirname + '/server.js'`, `` `${__dirname}/server.js` ``,
 * `require.resolve('./server')`, `new URL('./server.js', import.meta.url)`
 * (or `fileURLToPath()` of it) inside server.js. The name may leave out the
 * extension, as `require.resolve` does, or give the compiled twin of a
 * TypeScript file (`server.js` for server.ts, `.mjs` for `.mts`, `.cjs`
 * for `.cts`). Only literal segments count; a bare string is relative to
 * the working directory, which the file does not show, and is not read.
 */
import * as path from 'node:path';
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { getPropertyName, getStaticValue } from '@typescript-eslint/utils/ast-utils';
import { isDirname, isImportMeta, unwrap } from './ast';

/** Compiled twins: the extension tsc gives each TypeScript extension. */
const EMITTED: Readonly<Record<string, string>> = { '.ts': '.js', '.tsx': '.js', '.mts': '.mjs', '.cts': '.cjs' };

/** Whether `node` is a path (or file URL) naming `file`, an absolute path. */
export function namesFile(node: TSESTree.Node, scope: TSESLint.Scope.Scope, file: string): boolean {
  if (!path.isAbsolute(file)) return false;
  const named = namedPath(unwrap(node), scope, path.dirname(file));
  return named !== undefined && sameModule(named, file);
}

/** The absolute path `expr` builds next to `directory`, from literal segments only. */
function namedPath(expr: TSESTree.Node, scope: TSESLint.Scope.Scope, directory: string): string | undefined {
  if (expr.type === AST_NODE_TYPES.NewExpression) return urlBesideFile(expr, scope, directory);
  if (expr.type !== AST_NODE_TYPES.CallExpression) {
    const segments = dirnameSegments(expr, segment => literal(segment, scope));
    return segments && path.resolve(directory, ...segments);
  }
  const callee = unwrap(expr.callee);
  const name = calleeName(callee);
  const [first] = expr.arguments;
  if (name === 'fileURLToPath' && expr.arguments.length === 1 && first.type !== AST_NODE_TYPES.SpreadElement) {
    const inner = unwrap(first);
    return inner.type === AST_NODE_TYPES.NewExpression ? urlBesideFile(inner, scope, directory) : undefined;
  }
  if (name === 'resolve' && isRequireResolve(callee) && expr.arguments.length === 1) {
    const specifier = literal(first, scope);
    return specifier?.startsWith('.') ? path.resolve(directory, specifier) : undefined;
  }
  const segments = dirnameSegments(expr, segment => literal(segment, scope));
  return segments && path.resolve(directory, ...segments);
}

/**
 * The literal segments of `path.join(__dirname, 'lib', 'db')`,
 * `path.resolve(import.meta.dirname, …)`, `__dirname + '/lib/db'` or
 * `` `${__dirname}/lib/db` ``, as `literalOf` reads each; undefined for any
 * other expression, or a segment it cannot read or that is absolute.
 */
export function dirnameSegments(node: TSESTree.Node, literalOf: (node: TSESTree.Node) => string | undefined): string[] | undefined {
  const call = unwrap(node);
  if (call.type === AST_NODE_TYPES.BinaryExpression || call.type === AST_NODE_TYPES.TemplateLiteral) {
    return concatenatedSegments(call, literalOf);
  }
  if (call.type !== AST_NODE_TYPES.CallExpression) return undefined;
  const name = calleeName(unwrap(call.callee));
  const [first, ...rest] = call.arguments;
  if ((name !== 'join' && name !== 'resolve') || !isDirname(first) || rest.length === 0) return undefined;
  const segments = rest.map(segment => (segment.type === AST_NODE_TYPES.SpreadElement ? undefined : literalOf(segment)));
  return segments.every((segment): segment is string => segment !== undefined && !path.isAbsolute(segment)) ? segments : undefined;
}

/**
 * `__dirname + '/lib/db.js'` or `` `${__dirname}/lib/${'db'}.js` ``: the
 * directory, then literal text. That text must start with a separator:
 * `__dirname + 'db.js'` names a file beside the directory, not in it.
 */
function concatenatedSegments(
  expr: TSESTree.BinaryExpression | TSESTree.TemplateLiteral,
  literalOf: (node: TSESTree.Node) => string | undefined,
): string[] | undefined {
  const [first, ...rest] = concatenatedParts(expr).filter(part => part !== '');
  if (first === undefined || typeof first === 'string' || !isDirname(first)) return undefined;
  const texts = rest.map(part => (typeof part === 'string' ? part : literalOf(part)));
  if (!texts.every((text): text is string => text !== undefined)) return undefined;
  const suffix = texts.join('');
  const segment = suffix.slice(1);
  return suffix.startsWith('/') && segment !== '' && !path.isAbsolute(segment) ? [segment] : undefined;
}

/**
 * The parts a string is built from, in order: the operands of `+` and the
 * text and expressions of a template, as nodes, or the text a template
 * spells out. Template text that does not cook (a bad escape) stays a node,
 * which reads as unreadable.
 */
function concatenatedParts(node: TSESTree.Node): (TSESTree.Node | string)[] {
  const expr = unwrap(node);
  if (expr.type === AST_NODE_TYPES.BinaryExpression && expr.operator === '+') {
    return [...concatenatedParts(expr.left), ...concatenatedParts(expr.right)];
  }
  if (expr.type !== AST_NODE_TYPES.TemplateLiteral) return [expr];
  return expr.quasis.flatMap((quasi, i) => {
    const text = quasi.value.cooked ?? quasi;
    return i < expr.expressions.length ? [text, ...concatenatedParts(expr.expressions[i])] : [text];
  });
}

/** `new URL('./server.js', import.meta.url)`: a file beside this one. */
function urlBesideFile(expr: TSESTree.NewExpression, scope: TSESLint.Scope.Scope, directory: string): string | undefined {
  const callee = unwrap(expr.callee);
  if (callee.type !== AST_NODE_TYPES.Identifier || callee.name !== 'URL' || expr.arguments.length !== 2) return undefined;
  const [relative, base] = expr.arguments;
  const specifier = literal(relative, scope);
  return specifier?.startsWith('.') && isImportMeta(base, 'url') ? path.resolve(directory, specifier) : undefined;
}

/** The same module: the same path, that path without its extension, or the compiled twin of a TypeScript file. */
function sameModule(named: string, file: string): boolean {
  if (named === file) return true;
  const extension = path.extname(file);
  const stem = file.slice(0, file.length - extension.length);
  return named === stem || (EMITTED[extension] !== undefined && named === stem + EMITTED[extension]);
}

function literal(node: TSESTree.Node | undefined, scope: TSESLint.Scope.Scope): string | undefined {
  if (!node || node.type === AST_NODE_TYPES.SpreadElement) return undefined;
  const value = getStaticValue(unwrap(node), scope)?.value;
  return typeof value === 'string' ? value : undefined;
}

/** `require.resolve`. */
function isRequireResolve(callee: TSESTree.Node): boolean {
  return (
    callee.type === AST_NODE_TYPES.MemberExpression &&
    callee.object.type === AST_NODE_TYPES.Identifier &&
    callee.object.name === 'require'
  );
}

/** `join` of `join(...)` and of `path.join(...)`. */
function calleeName(callee: TSESTree.Node): string | null {
  if (callee.type === AST_NODE_TYPES.Identifier) return callee.name;
  return callee.type === AST_NODE_TYPES.MemberExpression ? getPropertyName(callee) : null;
}
