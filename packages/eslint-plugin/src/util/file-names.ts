/**
 * Whether a path expression names a given file: `path.join(__dirname,
 * 'server.js')`, `path.resolve(import.meta.dirname, 'server')`,
 * `require.resolve('./server')`, `new URL('./server.js', import.meta.url)`
 * (or `fileURLToPath()` of it) inside server.js. The name may leave out the
 * extension, as `require.resolve` does, or give the compiled twin of a
 * TypeScript file (`server.js` for server.ts, `.mjs` for `.mts`, `.cjs`
 * for `.cts`). Only literal segments count; a bare string is relative to
 * the working directory, which the file does not show, and is not read.
 */
import * as path from 'node:path';
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { getPropertyName, getStaticValue } from '@typescript-eslint/utils/ast-utils';
import { unwrap } from './ast';

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
  if (expr.type !== AST_NODE_TYPES.CallExpression) return undefined;
  const callee = unwrap(expr.callee);
  const name =
    callee.type === AST_NODE_TYPES.Identifier
      ? callee.name
      : callee.type === AST_NODE_TYPES.MemberExpression
        ? getPropertyName(callee)
        : null;
  const [first, ...rest] = expr.arguments;
  if (name === 'fileURLToPath' && expr.arguments.length === 1 && first.type !== AST_NODE_TYPES.SpreadElement) {
    const inner = unwrap(first);
    return inner.type === AST_NODE_TYPES.NewExpression ? urlBesideFile(inner, scope, directory) : undefined;
  }
  if (name === 'resolve' && isRequireResolve(callee) && expr.arguments.length === 1) {
    const specifier = literal(first, scope);
    return specifier?.startsWith('.') ? path.resolve(directory, specifier) : undefined;
  }
  if ((name !== 'join' && name !== 'resolve') || !isDirname(first) || rest.length === 0) return undefined;
  const segments = rest.map(segment => literal(segment, scope));
  if (segments.some(segment => segment === undefined || path.isAbsolute(segment))) return undefined;
  return path.resolve(directory, ...(segments as string[]));
}

/** `new URL('./server.js', import.meta.url)`: a file beside this one. */
function urlBesideFile(expr: TSESTree.NewExpression, scope: TSESLint.Scope.Scope, directory: string): string | undefined {
  const callee = unwrap(expr.callee);
  if (callee.type !== AST_NODE_TYPES.Identifier || callee.name !== 'URL' || expr.arguments.length !== 2) return undefined;
  const [relative, base] = expr.arguments;
  const specifier = literal(relative, scope);
  return specifier?.startsWith('.') && isImportMetaUrl(base) ? path.resolve(directory, specifier) : undefined;
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

/** `__dirname` or `import.meta.dirname`. */
function isDirname(node: TSESTree.Node | undefined): boolean {
  const expr = node && unwrap(node);
  if (expr?.type === AST_NODE_TYPES.Identifier) return expr.name === '__dirname';
  return isImportMeta(expr, 'dirname');
}

function isImportMetaUrl(node: TSESTree.Node | undefined): boolean {
  return isImportMeta(node && unwrap(node), 'url');
}

function isImportMeta(expr: TSESTree.Node | undefined, member: string): boolean {
  return (
    expr?.type === AST_NODE_TYPES.MemberExpression &&
    expr.object.type === AST_NODE_TYPES.MetaProperty &&
    expr.object.meta.name === 'import' &&
    getPropertyName(expr) === member
  );
}
