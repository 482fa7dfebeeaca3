/**
 * Imported factories: does calling `build()` from `./db` open a pool?
 *
 * `import { build } from './db'; const pool = build()` opens a pool wherever
 * the call runs, though the creation sits in another file. This finds the
 * local module's function that a call names (exported-functions), and
 * whether its body opens a pool as it runs: a creation in the body itself
 * (not behind a guard, not in a callback it hands on), or a call of another
 * function of that module, or of another local module's export, that does.
 * `new DatabaseService()` of a class a local module exports is read the same
 * way: its constructor and instance-field initializers run where `new` runs
 * (importing the class runs none of them: module-graph). Chains end after
 * MAX_DEPTH functions, and cycles end. A function that ends the pool it
 * creates before it returns (`try { … } finally { await pool.end() }`,
 * ended-pools) says so, so that the caller can tell whether the pool is
 * gone by the time its fork runs.
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import {
  constructionCode,
  enclosingFunction,
  innermostScope,
  isFunctionNode,
  localClassOf,
  localFunctionOf,
  walk,
  type ClassNode,
  type DeferredCode,
} from './ast';
import { isEndedWithinHelper } from './ended-pools';
import { findCreationSites, type CreatorOption } from './creators';
import { calledExport, findExportedClass, findExportedFunction, type ImportedName } from './exported-functions';
import type { ForkKind } from './fork-sites';
import { analyzeGuards } from './guards';
import { poolAt, type LoadTimePool } from './module-graph';
import type { ParsedModule } from './module-parse';
import type { ParsedSource } from './module-references';

/** Chains of factories deeper than this are not hand-written code. */
const MAX_DEPTH = 8;

/** `build()` or `new Db()`: a call that runs another function's or class's code. */
export type Invocation = TSESTree.CallExpression | TSESTree.NewExpression;

/** A pool a call opens. */
export interface FactoryPool extends LoadTimePool {
  /**
   * Set when the function called ends the pool itself before it returns:
   * whether it is `async`, so that only an awaited call has ended it.
   */
  endedOnReturn?: { async: boolean };
}

/** The pool a call opens, when it calls a local module's function (or constructs its class) that creates one. */
export type ImportedFactoryLookup = (call: Invocation) => FactoryPool | undefined;

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
  const answers = new Map<string, FactoryPool | undefined>();
  return call => {
    const imported = calledExport(source, call.callee);
    if (!imported) return undefined;
    const key = `${call.type}\0${imported.specifier}\0${imported.name}`;
    if (!answers.has(key)) answers.set(key, search.poolOfExport(fromFile, call, imported, new Set(), 0));
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

  /** What `call` of `imported` runs: the function it names, or, for `new`, the class. `visited` ends a cycle. */
  poolOfExport(
    fromFile: string,
    call: Invocation,
    imported: ImportedName,
    visited: Set<TSESTree.Node>,
    depth: number,
  ): FactoryPool | undefined {
    if (depth > MAX_DEPTH) return undefined;
    if (call.type === AST_NODE_TYPES.NewExpression) {
      const target = findExportedClass(fromFile, imported);
      return target && this.poolOfClass(target.file, target.parsed, target.cls, visited, depth + 1);
    }
    const target = findExportedFunction(fromFile, imported);
    return target && this.poolOfCode(target.file, target.parsed, target.fn, visited, depth + 1);
  }

  /** The first pool that the constructor or an instance field of `cls` opens. */
  private poolOfClass(
    file: string,
    parsed: ParsedModule,
    cls: ClassNode,
    visited: Set<TSESTree.Node>,
    depth: number,
  ): LoadTimePool | undefined {
    for (const code of constructionCode(cls)) {
      const found = this.poolOfCode(file, parsed, code, visited, depth);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * A function's body, or an instance field's initializer, as it runs: the
   * first pool it leaves open, else the first it ends before returning.
   */
  private poolOfCode(
    file: string,
    parsed: ParsedModule,
    code: DeferredCode,
    visited: Set<TSESTree.Node>,
    depth: number,
  ): FactoryPool | undefined {
    if (depth > MAX_DEPTH || visited.has(code)) return undefined;
    visited.add(code);
    const guards = analyzeGuards(parsed.source, file);
    const runsWithCall = (node: TSESTree.Node): boolean =>
      enclosingFunction(node) === code && guards.positionOf(node, this.kinds) === 'shared';
    const creations = this.creationsOf(file, parsed).filter(runsWithCall);
    const endsOwn = (creation: TSESTree.Node): boolean => isFunctionNode(code) && isEndedWithinHelper(parsed.source, creation, code);
    const leftOpen = creations.find(creation => !endsOwn(creation));
    if (leftOpen) return poolAt(file, parsed, leftOpen);
    const body = 'body' in code ? code.body : code.value;
    let found: LoadTimePool | undefined;
    if (body) {
      walk(body, parsed.source.visitorKeys, node => {
        if (!found && isInvocation(node) && runsWithCall(node)) found = this.poolOfCall(file, parsed, node, visited, depth);
      });
    }
    // What a call inside opens is only known to end where that call completes: left open here.
    if (found) return { file: found.file, line: found.line, creator: found.creator };
    const ended = creations[0];
    return ended && isFunctionNode(code) ? { ...poolAt(file, parsed, ended), endedOnReturn: { async: code.async } } : undefined;
  }

  /**
   * `makePool()` or `new Repo()` of this module, or `build()` or `new Db()`
   * of another local module, inside a factory.
   */
  private poolOfCall(
    file: string,
    parsed: ParsedModule,
    call: Invocation,
    visited: Set<TSESTree.Node>,
    depth: number,
  ): LoadTimePool | undefined {
    const scope = innermostScope(parsed.source, call);
    if (call.type === AST_NODE_TYPES.NewExpression) {
      const local = localClassOf(call.callee, scope);
      if (local) return this.poolOfClass(file, parsed, local, visited, depth + 1);
    } else {
      const local = localFunctionOf(call.callee, scope);
      if (local) return this.poolOfCode(file, parsed, local, visited, depth + 1);
    }
    const imported = calledExport(parsed.source, call.callee);
    return imported && this.poolOfExport(file, call, imported, visited, depth + 1);
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

function isInvocation(node: TSESTree.Node): node is Invocation {
  return node.type === AST_NODE_TYPES.CallExpression || node.type === AST_NODE_TYPES.NewExpression;
}
