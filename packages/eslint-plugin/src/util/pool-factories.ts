/**
 * Imported factories: does calling `build()` from `./db` open a pool?
 *
 * `import { build } from './db'; const pool = build()` opens a pool wherever
 * the call runs, though the creation sits in another file. This finds the
 * local module's function that a call names (exported-functions), and
 * whether its body opens a pool as it runs: a creation in the body itself
 * (not behind a guard, not in a callback it hands on), or a call of another
 * function of that module, or of another local module's export, that does.
 * Chains end after MAX_DEPTH functions, and cycles end.
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/utils';
import { enclosingFunction, innermostScope, localFunctionOf, walk, type FunctionNode } from './ast';
import { findCreationSites, type CreatorOption } from './creators';
import { calledExport, findExportedFunction, type ImportedName } from './exported-functions';
import type { ForkKind } from './fork-sites';
import { analyzeGuards } from './guards';
import { poolAt, type LoadTimePool } from './module-graph';
import type { ParsedModule } from './module-parse';
import type { ParsedSource } from './module-references';

/** Chains of factories deeper than this are not hand-written code. */
const MAX_DEPTH = 8;

/** The pool a call opens, when it calls a local module's function that creates one. */
export type ImportedFactoryLookup = (call: TSESTree.CallExpression) => LoadTimePool | undefined;

/**
 * Looks up the calls of `source` (the file `fromFile`); `kinds` are its
 * self-forks, whose guards may keep a factory's creation to one side.
 */
export function importedFactoryLookup(
  source: ParsedSource,
  fromFile: string,
  creators: readonly CreatorOption[],
  kinds: readonly ForkKind[],
): ImportedFactoryLookup {
  const search = new FactorySearch(creators, kinds);
  const answers = new Map<string, LoadTimePool | undefined>();
  return call => {
    const imported = calledExport(source, call.callee);
    if (!imported) return undefined;
    const key = `${imported.specifier}\0${imported.name}`;
    if (!answers.has(key)) answers.set(key, search.poolOfExport(fromFile, imported, new Set(), 0));
    return answers.get(key);
  };
}

class FactorySearch {
  /** Creation sites per module file, for the options of this lint run. */
  private readonly creations = new Map<string, TSESTree.Node[]>();

  constructor(
    private readonly creators: readonly CreatorOption[],
    private readonly kinds: readonly ForkKind[],
  ) {}

  /** `visited` holds the functions of one search, so that a cycle ends. */
  poolOfExport(
    fromFile: string,
    imported: ImportedName,
    visited: Set<TSESTree.Node>,
    depth: number,
  ): LoadTimePool | undefined {
    const target = depth > MAX_DEPTH ? undefined : findExportedFunction(fromFile, imported);
    return target && this.poolOfFunction(target.file, target.parsed, target.fn, visited, depth + 1);
  }

  private poolOfFunction(
    file: string,
    parsed: ParsedModule,
    fn: FunctionNode,
    visited: Set<TSESTree.Node>,
    depth: number,
  ): LoadTimePool | undefined {
    if (depth > MAX_DEPTH || visited.has(fn)) return undefined;
    visited.add(fn);
    const guards = analyzeGuards(parsed.source, file);
    const runsWithCall = (node: TSESTree.Node): boolean =>
      enclosingFunction(node) === fn && guards.positionOf(node, this.kinds) === 'shared';
    const creation = this.creationsOf(file, parsed).find(runsWithCall);
    if (creation) return poolAt(file, parsed, creation);
    let found: LoadTimePool | undefined;
    walk(fn.body, parsed.source.visitorKeys, node => {
      if (!found && node.type === AST_NODE_TYPES.CallExpression && runsWithCall(node)) {
        found = this.poolOfCall(file, parsed, node, visited, depth);
      }
    });
    return found;
  }

  /** `makePool()` of this module, or `build()` of another local module, inside a factory. */
  private poolOfCall(
    file: string,
    parsed: ParsedModule,
    call: TSESTree.CallExpression,
    visited: Set<TSESTree.Node>,
    depth: number,
  ): LoadTimePool | undefined {
    const local = localFunctionOf(call.callee, innermostScope(parsed.source, call));
    if (local) return this.poolOfFunction(file, parsed, local, visited, depth + 1);
    const imported = calledExport(parsed.source, call.callee);
    return imported && this.poolOfExport(file, imported, visited, depth + 1);
  }

  private creationsOf(file: string, parsed: ParsedModule): TSESTree.Node[] {
    let nodes = this.creations.get(file);
    if (!nodes) {
      nodes = findCreationSites(parsed.source, this.creators).map(site => site.node);
      this.creations.set(file, nodes);
    }
    return nodes;
  }
}
