/**
 * poolguard/no-pool-before-fork: a pool, client or engine created on a path
 * that runs in both the parent and the children of a self-fork.
 *
 * A file that forks itself (`cluster.fork()`, `child_process.fork(__filename)`,
 * `new Worker(__filename)`, a worker pool of itself: fork-sites) runs again in every child. A pool created on the
 * shared path is opened N + 1 times; one created in the primary branch is
 * held for the parent's whole life, idle if the parent only supervises. Both
 * are reported on the creation call, or on the call of a local module's
 * function that creates one, or the `new` of its class whose constructor or
 * instance fields do (pool-factories); a local module that creates a
 * pool at load is reported on its import, or as the primary's pool when
 * loaded lazily in its branch. The messages name a child-only guard that
 * fits the kind of fork.
 */
import * as path from 'node:path';
import type { ParserServicesWithTypeInformation, TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { getParserServices } from '@typescript-eslint/utils/eslint-utils';
import { findVariable } from '@typescript-eslint/utils/ast-utils';
import { enclosingFunction, exits, localFunctionOf, unwrap, within } from '../util/ast';
import { creationText } from '../util/creation-text';
import { createRule } from '../util/createRule';
import { creatorsOptionSchema, findCreationSites, mergeCreators, type CreatorOption } from '../util/creators';
import { isCallCompletedBeforeForks, isEndedBeforeForks, isLoadCompletedBeforeForks } from '../util/ended-pools';
import { analyzeForks, mayFork, type ForkAnalysis, type ForkKind, type ForkSite } from '../util/fork-sites';
import { analyzeGuards, type GuardAnalysis, type Position } from '../util/guards';
import { importElision } from '../util/import-elision';
import { findLocalImports, findPoolCreatedAtLoad, resolveLocalModule, type LocalImport } from '../util/module-graph';
import { importedFactoryLookup } from '../util/pool-factories';
import { findPassThroughCalls } from '../util/pool-passthroughs';
import { existingPoolReads } from '../util/pool-reads';
import { isMethodOfPool, isPoolLikeType } from '../util/pool-types';
import { analyzeRunSides, type RunSides } from '../util/run-sides';
import { constructionTypeCheck, type ConstructionTypeCheck } from '../util/typed-constructions';
import { isTypeChecked } from '../util/typed-mode';
import { findTypedPoolImports } from '../util/typed-imports';
import { importedValueCheck } from '../util/typed-import-values';
import { callsLocalHolderOf } from '../util/typed-local-callees';
import { unlessTypeScriptFails } from '../util/typescript-faults';

/** Every kind of fork a guard can tell apart. */
const ALL_FORK_KINDS: readonly ForkKind[] = ['cluster', 'child_process', 'worker_threads'];

export type Options = [
  {
    allowPrimaryPools?: boolean;
    creators?: CreatorOption[];
    typeChecked?: boolean;
  },
];

export type MessageIds = 'importCreatesPool' | 'poolBeforeFork' | 'poolInPrimary';

type CreationCall = TSESTree.CallExpression | TSESTree.NewExpression;
/** Where a pool opens: a creation, or a load of a module that creates one (`require()`, `import()`). */
type OpeningNode = CreationCall | TSESTree.ImportExpression;
/** A statement that may branch on a guard: `if (guard) ...`, `guard && start()`. */
type BranchStatement = TSESTree.ExpressionStatement | TSESTree.IfStatement;

export default createRule<Options, MessageIds>({
  name: 'no-pool-before-fork',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow creating database pools on a code path shared by a process and the children it forks',
      recommended: true,
      requiresTypeChecking: false,
    },
    messages: {
      poolBeforeFork:
        '`{{creator}}` runs in the {{parent}} and again in each of the {{children}} this file starts (line {{forkLine}}), so each {{unit}} opens its own pool and the connections multiply. Create it only in the child branch: {{childGuard}}{{orElse}}.',
      poolInPrimary:
        '`{{creator}}` opens a pool in the {{parent}}, which starts this file again (line {{forkLine}}): the {{parent}} holds its connections for as long as it runs, idle if it only starts and supervises {{children}}. Create it in the child branch, or set `allowPrimaryPools: true` if the {{parent}} really queries with it.',
      importCreatesPool:
        "Importing '{{source}}' creates a pool at load ({{origin}}), and this file starts itself again (line {{forkLine}}), so the {{parent}} and each of the {{children}} open one. Load it lazily in the child branch, or have the module export a factory.",
    },
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          allowPrimaryPools: {
            type: 'boolean',
            description: 'Allow pools created in the primary/parent branch of a fork guard.',
          },
          creators: creatorsOptionSchema,
          typeChecked: {
            type: 'boolean',
            description:
              'Also treat any call whose result type is a known pool, client or connection class as a creation. Needs type information. The shared setting `settings.poolguard.typeChecked` turns it on too.',
          },
        },
      },
    ],
    defaultOptions: [{ allowPrimaryPools: false, creators: [], typeChecked: false }],
  },
  defaultOptions: [{ allowPrimaryPools: false, creators: [], typeChecked: false }],
  create(context, [{ allowPrimaryPools = false, creators = [], typeChecked = false }]) {
    const { sourceCode } = context;
    // Typed mode is asked for explicitly, by the option or the shared setting (typed-mode); getParserServices
    // then fails loudly on every file without type information, before any pre-check can skip one.
    const services = isTypeChecked(context, typeChecked) ? getParserServices(context) : undefined;
    // Cheap text check next: a file that never says fork/Worker or names a worker-pool library cannot fork itself.
    if (!mayFork(sourceCode.text)) return {};
    const forks = analyzeForks(sourceCode, context.physicalFilename);
    if (forks.selfForks.length === 0) return {};
    const guards = analyzeGuards(sourceCode, context.physicalFilename);
    const kinds = [...new Set(forks.selfForks.map(site => site.kind))];
    const branches: BranchStatement[] = [];
    const calls: TSESTree.CallExpression[] = [];
    const constructions: TSESTree.NewExpression[] = [];
    const forkLine = String(forks.selfForks[0].node.loc.start.line);
    const wording = forkWording(forks.selfForks[0]);
    const reported = new Set<TSESTree.Node>();
    const reportedImports = new Set<TSESTree.Node>();
    const typedCandidates: CreationCall[] = [];

    /** Where code runs at load; set once the fork logic is known, at the end of the file. */
    let runSides: RunSides;

    function checkCreation(node: CreationCall): void {
      reportBySide(node, runSides.sideOf(node));
    }

    /**
     * A pool opened at `node`: on the shared path, or in the primary unless
     * that is allowed (or the cluster workers run another file).
     */
    function reportBySide(node: OpeningNode, side: Position | undefined): void {
      // Where the creation already sits in an arm of a fork guard, that arm is no fix.
      const orElse = inGuardArm(node) ? '' : ', or in the `else` of the fork guard';
      const data = { creator: creationText(node, sourceCode.text), forkLine, ...wording, orElse };
      if (side === 'shared') {
        context.report({ node, messageId: 'poolBeforeFork', data });
      } else if (side === 'parent' && !allowPrimaryPools && !forks.clusterExecElsewhere && !endedBeforeFork(node)) {
        context.report({ node, messageId: 'poolInPrimary', data });
      } else {
        return;
      }
      reported.add(node);
    }

    /** "Migrate, end the pool, then fork": the parent holds no pool while the children run. */
    function endedBeforeFork(node: OpeningNode): boolean {
      return node.type !== AST_NODE_TYPES.ImportExpression && isEndedBeforeForks(sourceCode, node, forks.selfForks);
    }

    /**
     * A local module that creates a pool at load: imported on the shared path,
     * it opens one in every process; loaded lazily in the primary's branch
     * (`require()`, `await import()`), in the primary.
     */
    function checkLocalImports(): void {
      if (!isOnDisk()) return;
      const elision = importElision(sourceCode.parserServices?.program?.getCompilerOptions());
      // Typed mode: a `new` of a pool subclass (`new Db()`) creates a pool at load too.
      const check = services && constructionTypeCheck(services.program);
      const typed: ConstructionTypeCheck | undefined = check && ((file, text, node) => unlessTypeScriptFails(() => check(file, text, node), false));
      // Typed mode: whether a name in decorator metadata is a class or enum (kept loaded) or a type only, by its symbol.
      const values = services && importedValueCheck(services.program);
      const valueOf = values && ((specifier: TSESTree.ImportClause) => values(context.physicalFilename, sourceCode.text, specifier));
      for (const local of findLocalImports(sourceCode, context.physicalFilename, elision, undefined, valueOf)) {
        const side = runSides.sideOf(local.node);
        if (side !== 'shared' && side !== 'parent') continue;
        const pool = findPoolCreatedAtLoad(context.physicalFilename, local.specifier, local.loadKind, creators, kinds, elision, typed, values);
        if (!pool) continue;
        if (side === 'parent') {
          // `await import('./migrate.js')` of a module that ends its pool as it loads, done before the fork, leaves none.
          const ended =
            pool.endedAtLoad === true &&
            local.node.type === AST_NODE_TYPES.ImportExpression &&
            isLoadCompletedBeforeForks(sourceCode, local.node, forks.selfForks);
          if (isLazyLoad(local.node) && !ended) reportBySide(local.node, side);
          continue;
        }
        const file = path.relative(path.dirname(context.physicalFilename), pool.file);
        reportImport(local, `\`${pool.creator}\` in ${file}:${pool.line}`);
      }
    }

    /**
     * Typed mode: a top-level import or re-export of a package that hands out
     * a live pool (typed-imports): the package opened it as it loaded, in
     * every process. The creator packages themselves export classes and
     * factories (and mongoose an unconnected instance): not asked about. A
     * local module that syntax reads (module-graph) keeps syntax's verdict:
     * a holder it fills later (`export let pool: Pool | undefined`) or a
     * creation it guards is no pool at load, whatever its type says.
     */
    function checkTypedImports(services: ParserServicesWithTypeInformation): void {
      const known = new Set(Object.keys(mergeCreators(creators)));
      const readBySyntax = (specifier: string): boolean =>
        isOnDisk() && resolveLocalModule(context.physicalFilename, specifier) !== undefined;
      const asks = (specifier: string): boolean =>
        !known.has(specifier) && !known.has(packageName(specifier)) && !readBySyntax(specifier);
      for (const found of findTypedPoolImports(services, sourceCode, asks)) {
        if (!reportedImports.has(found.node)) reportImport(found, found.origin);
      }
    }

    function reportImport(local: LocalImport, origin: string): void {
      reportedImports.add(local.node);
      context.report({
        loc: importLocation(local),
        messageId: 'importCreatesPool',
        data: { source: local.specifier, origin, forkLine, parent: wording.parent, children: wording.children },
      });
    }

    /**
     * `build()` of a local module's function that creates a pool, or `new
     * Db()` of its class that creates one as it is constructed: a creation
     * where the call runs. A helper that ends its own pool (`migrate()`,
     * ended-pools), done before the fork, leaves the primary no pool.
     */
    function checkImportedFactoryCalls(): void {
      if (!isOnDisk()) return;
      const poolOf = importedFactoryLookup(sourceCode, context.physicalFilename, creators, kinds);
      for (const call of [...calls, ...constructions].sort((a, b) => a.range[0] - b.range[0])) {
        if (reported.has(call)) continue;
        const side = runSides.sideOf(call);
        if (side !== 'shared' && side !== 'parent') continue;
        const pool = poolOf(call);
        if (!pool) continue;
        const ended =
          side === 'parent' &&
          pool.endedOnReturn !== undefined &&
          call.type === AST_NODE_TYPES.CallExpression &&
          isCallCompletedBeforeForks(sourceCode, call, pool.endedOnReturn.async, forks.selfForks);
        if (!ended) reportBySide(call, side);
      }
    }

    /** Other files can be read only next to a real file; `<input>` and `<text>` have no neighbours. */
    function isOnDisk(): boolean {
      return Boolean(context.physicalFilename) && !context.physicalFilename.startsWith('<');
    }

    /** Typed mode: any pool-typed call on the fork path, innermost first, not already reported. */
    function checkTypedCandidates(services: ParserServicesWithTypeInformation): void {
      const readsExistingPool = existingPoolReads(services, sourceCode, isOnDisk() ? context.physicalFilename : undefined);
      const passThroughs = findPassThroughCalls(sourceCode);
      const accepted: CreationCall[] = [];
      typedCandidates.sort((a, b) => a.range[1] - a.range[0] - (b.range[1] - b.range[0]));
      const known = [...reported];
      for (const node of typedCandidates) {
        // Innermost wins: `makePool().on('error', log)` is one pool, reported once.
        if (reported.has(node) || [...accepted, ...known].some(inner => contains(node, inner))) continue;
        if (runSides.sideOf(node) === undefined || !isPoolLikeType(services, node)) continue;
        // `pool.on('error', log)` returns the same pool, `pool.connect()` one of its clients.
        if (isMethodOfPool(services, node)) continue;
        // `pools.get(name)`, or `getPool()` of an accessor, opens nothing: the pool's creation is reported where it stands.
        if (node.type === AST_NODE_TYPES.CallExpression && readsExistingPool(node)) continue;
        // `guardPool(raw)` hands back the pool `raw` is: that pool's creation is the one.
        if (passThroughs.has(node)) continue;
        // `makePool()` or `Db.get()` of a local function whose creation is reported already opens, or returns, that same pool.
        if (callsFactoryHolding(services, node, known)) continue;
        accepted.push(node);
      }
      // `lazyPool()` of a local function whose own typed creation (`connect()`) is accepted: reported there, once.
      const opened = accepted.filter(node => !callsFactoryHolding(services, node, accepted));
      for (const node of opened.sort((a, b) => a.range[0] - b.range[0])) checkCreation(node);
    }

    /** `makePool()` or `repo.getPool()` of a function or method of this file holding or returning one of `creations` (typed-local-callees). */
    function callsFactoryHolding(
      services: ParserServicesWithTypeInformation,
      node: CreationCall,
      creations: readonly TSESTree.Node[],
    ): boolean {
      return node.type === AST_NODE_TYPES.CallExpression && callsLocalHolderOf(services, sourceCode, node, creations);
    }

    /** Whether `node` lies in an arm of an `if` or `?:` whose test tells the parent from the child. */
    function inGuardArm(node: TSESTree.Node): boolean {
      for (let child = node, parent = node.parent; parent; child = parent, parent = parent.parent) {
        if (parent.type !== AST_NODE_TYPES.IfStatement && parent.type !== AST_NODE_TYPES.ConditionalExpression) continue;
        // A guard of any kind: in `if (cluster.isPrimary) { … fork(__filename) }`, that guard's `else` never
        // runs in a child_process child, so pointing at it would mislead.
        if (child !== parent.test && guards.isGuard(parent.test, ALL_FORK_KINDS)) return true;
      }
      return false;
    }

    return {
      ...(services && {
        'CallExpression, NewExpression'(node: CreationCall): void {
          typedCandidates.push(node);
        },
      }),
      'IfStatement, ExpressionStatement'(node: BranchStatement): void {
        branches.push(node);
      },
      CallExpression(node: TSESTree.CallExpression): void {
        calls.push(node);
      },
      NewExpression(node: TSESTree.NewExpression): void {
        constructions.push(node);
      },
      'Program:exit'(): void {
        const startsWork = (arm: TSESTree.Node): boolean =>
          calls.some(call => within(arm, call) && callsNamedFunction(call, sourceCode.getScope(call)));
        const forkLogic = functionsHoldingForkLogic(forks, guards, kinds, branches, startsWork);
        // A creation inside any other function is a factory: it runs where, and if, it is called at load.
        runSides = analyzeRunSides(sourceCode, guards, kinds, forkLogic);
        for (const site of findCreationSites(sourceCode, creators)) checkCreation(site.node);
        checkImportedFactoryCalls();
        if (services) unlessTypeScriptFails(() => checkTypedCandidates(services), undefined);
        checkLocalImports();
        if (services) unlessTypeScriptFails(() => checkTypedImports(services), undefined);
      },
    };
  },
});

/** How the messages name the processes or threads of a fork. */
interface ForkWording {
  parent: string;
  children: string;
  /** What each of them is: a process or a thread. */
  unit: string;
  /** A guard that is true only in the child. */
  childGuard: string;
}

/**
 * How the messages name the parent and the children of `site`, and a guard
 * that is true only in its child: `cluster.isPrimary` is true in a forked
 * child and a worker thread too, so each kind has its own.
 */
function forkWording(site: ForkSite): ForkWording {
  switch (site.kind) {
    case 'cluster':
      return { parent: 'primary process', children: 'worker processes', unit: 'process', childGuard: 'inside `if (!cluster.isPrimary)`' };
    case 'worker_threads':
      return { parent: 'main thread', children: 'worker threads', unit: 'thread', childGuard: 'inside `if (!isMainThread)`' };
    case 'child_process':
      return {
        parent: 'parent process',
        children: 'child processes',
        unit: 'process',
        // The role the fork already hands the child, or one to add.
        childGuard:
          site.role === undefined
            ? "behind a role argument the fork passes (`fork(file, ['child'])`, then `if (process.argv.includes('child'))`)"
            : `inside \`if (process.argv.includes('${site.role}'))\``,
      };
  }
}

/**
 * Functions whose bodies are the fork logic (e.g. `main()`): those holding a
 * self-fork, and those that branch on a guard as a statement to leave or to
 * start one side (`if (cluster.isPrimary) { ...; return }`, `isMainThread ||
 * serve()`). A guard read as a value
 * (`max: cluster.isWorker ? 5 : 1`, a handler nested in a factory), or a
 * guarded statement that only tweaks the factory's own work (`if
 * (cluster.isWorker) opts.name = ...`, `process.send && process.send(msg)`),
 * does not make a factory fork logic: the factory runs where it is called.
 */
function functionsHoldingForkLogic(
  forks: ForkAnalysis,
  guards: GuardAnalysis,
  kinds: readonly ForkKind[],
  branches: readonly BranchStatement[],
  startsWork: (arm: TSESTree.Node) => boolean,
): Set<TSESTree.Node> {
  const functions = new Set<TSESTree.Node>();
  for (const site of forks.selfForks) {
    for (let fn = enclosingFunction(site.node); fn; fn = enclosingFunction(fn)) functions.add(fn);
  }
  for (const statement of branches) {
    const test = branchTest(statement);
    const fn = test && enclosingFunction(statement);
    if (!fn || functions.has(fn) || !guards.isGuard(test, kinds)) continue;
    if (branchArms(statement).some(arm => exits(arm) || startsWork(arm))) functions.add(fn);
  }
  return functions;
}

/** The condition a statement branches on: an `if` test, or the left of `guard && start()`. */
function branchTest(statement: BranchStatement): TSESTree.Node | undefined {
  if (statement.type === AST_NODE_TYPES.IfStatement) return statement.test;
  const expression = unwrap(statement.expression);
  if (expression.type === AST_NODE_TYPES.LogicalExpression) return expression.left;
  if (expression.type === AST_NODE_TYPES.ConditionalExpression) return expression.test;
  return undefined;
}

/**
 * `serve()`, where `serve` is a function declared in this file, an import or
 * a global: the call starts some work. A call of a local value that is not a
 * function (a parameter, `const log = debug('app')`) does not count.
 */
function callsNamedFunction(call: TSESTree.CallExpression, scope: TSESLint.Scope.Scope): boolean {
  if (call.callee.type !== AST_NODE_TYPES.Identifier) return false;
  const variable = findVariable(scope, call.callee);
  if (!variable || variable.defs.length === 0) return true;
  if (variable.defs.some(def => def.type === 'ImportBinding')) return true;
  return localFunctionOf(call.callee, scope) !== undefined;
}

/** The code a branch statement runs on either side of its test. */
function branchArms(statement: BranchStatement): TSESTree.Node[] {
  if (statement.type === AST_NODE_TYPES.IfStatement) return [statement.consequent, statement.alternate ?? []].flat();
  const expression = unwrap(statement.expression);
  if (expression.type === AST_NODE_TYPES.LogicalExpression) return [expression.right];
  if (expression.type === AST_NODE_TYPES.ConditionalExpression) return [expression.consequent, expression.alternate];
  return [];
}

/**
 * Where an import is reported: the declaration (`import { pool } from
 * './db'`); one over several lines (`import {`, its names, then `} from
 * './db'`) from its first line to its module string, so that a disable
 * comment above it applies, as it would to a one-line import.
 */
function importLocation({ node, source }: LocalImport): TSESTree.SourceLocation {
  return node.loc.start.line === source.loc.start.line ? node.loc : { start: node.loc.start, end: source.loc.end };
}

/** `require('./db')` or `import('./db')`, which loads its module where it runs, unlike a hoisted `import`. */
function isLazyLoad(node: TSESTree.Node): node is TSESTree.CallExpression | TSESTree.ImportExpression {
  return node.type === AST_NODE_TYPES.CallExpression || node.type === AST_NODE_TYPES.ImportExpression;
}

/** `'pg'` of `'pg/lib/x'`, `'@scope/name'` of `'@scope/name/x'`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return parts.slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
}

function contains(outer: TSESTree.Node, inner: TSESTree.Node): boolean {
  return outer !== inner && outer.range[0] <= inner.range[0] && inner.range[1] <= outer.range[1];
}
