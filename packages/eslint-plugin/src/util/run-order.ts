/**
 * Run order across functions: where the code inside a function may start
 * to run, seen from a point outside it.
 *
 * A function's body runs only after something set it running, and that
 * needs the function itself: a function expression, an arrow or a method
 * cannot run before it is written (evaluated), and one bound to a constant
 * (`const spawn = () => cluster.fork()`) not before one of the references
 * to that name (a call, or a hand-over such as `cluster.on('exit', spawn)`,
 * whose handler runs later still). A function declaration is hoisted, so
 * where it stands says nothing: only the references to its name do. An
 * exported declaration may be called by another module, at no place this
 * file shows.
 *
 * So "does `setup` run before the fork in `spawnWorker()`" reads as "does
 * `setup` run before every reference to `spawnWorker`", and on up through
 * the functions around those references, until a function that holds the
 * point asked about (whose body is one run) or the module scope.
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { isFunctionNode, within, type FunctionNode } from './ast';
import { bindingOf } from './call-sites';
import type { ParsedSource } from './module-references';

/** Chains of functions deeper than this are not hand-written code. */
const MAX_DEPTH = 8;

/**
 * The points at which `node` may start to run, each outside every function
 * that does not hold `anchor`: `node` itself when every function around it
 * holds `anchor` too (or none does); else, for the innermost function
 * around it that does not, the places that may set that function running
 * (see the file comment), followed on up. Undefined when the file does not
 * show them all: an exported function declaration, a call cycle, or a
 * chain deeper than MAX_DEPTH.
 */
export function runPoints(source: ParsedSource, node: TSESTree.Node, anchor: TSESTree.Node): TSESTree.Node[] | undefined {
  return pointsOf(source, node, anchor, 0, new Set());
}

function pointsOf(
  source: ParsedSource,
  node: TSESTree.Node,
  anchor: TSESTree.Node,
  depth: number,
  visiting: Set<FunctionNode>,
): TSESTree.Node[] | undefined {
  const fn = functionAround(node);
  if (!fn || within(fn, anchor)) return [node];
  if (depth > MAX_DEPTH || visiting.has(fn)) return undefined;
  const entries = entriesOf(source, fn);
  if (!entries) return undefined;
  visiting.add(fn);
  const points: TSESTree.Node[] = [];
  for (const entry of entries) {
    const found = pointsOf(source, entry, anchor, depth + 1, visiting);
    if (!found) return undefined;
    points.push(...found);
  }
  visiting.delete(fn);
  return points;
}

/** The innermost function around `node`, `node` itself left out. */
function functionAround(node: TSESTree.Node): FunctionNode | undefined {
  for (let current = node.parent; current; current = current.parent) if (isFunctionNode(current)) return current;
  return undefined;
}

/**
 * The places that may set `fn` running: the references to its name, for a
 * declaration or a function held in a constant (a recursive call inside it
 * starts no first run), else `fn` itself, where it is written.
 */
function entriesOf(source: ParsedSource, fn: FunctionNode): TSESTree.Node[] | undefined {
  const hoisted = fn.type === AST_NODE_TYPES.FunctionDeclaration;
  const exported = isExportedFunction(fn);
  if (hoisted && exported) return undefined;
  const variable = exported ? undefined : bindingOf(source, fn);
  if (!variable) return hoisted ? undefined : [fn];
  return variable.references
    .filter(ref => !ref.init && !ref.isTypeReference && !within(fn, ref.identifier))
    .map(ref => ref.identifier);
}

/** `export function f() {}`, `export default function () {}`, `export const f = () => ...`. */
function isExportedFunction(fn: FunctionNode): boolean {
  const declaration = fn.type === AST_NODE_TYPES.FunctionDeclaration ? fn : fn.parent?.parent;
  const parent = declaration?.parent;
  return parent?.type === AST_NODE_TYPES.ExportNamedDeclaration || parent?.type === AST_NODE_TYPES.ExportDefaultDeclaration;
}
