/**
 * poolguard/no-pool-across-boundary: a pool, client or connection handed to a
 * channel that copies its argument into another thread or process.
 *
 * Structured clone (`postMessage`, `workerData`, Piscina and workerpool tasks)
 * throws `DataCloneError` on a pool's sockets; IPC `send()` serialises it
 * into a dead plain object, and a child's arguments and environment (`fork`,
 * `spawn` and `execFile` args and `env`, `cluster.setupPrimary({ args })`,
 * `cluster.fork(env)`, a Worker's `argv` and `env`, also as a worker pool's
 * options) into `"[object Object]"`; and a socket handle passed along
 * would let two processes interleave bytes on one database session.
 *
 * Only the call sites of those channels are analysed; a bare `send()`,
 * `fork()` or `exec()` counts only when it is a global or imported from a
 * channel module, not a helper declared in the file, and an export reached
 * through its module under another name (`channel-references`) counts as
 * itself. Their arguments are searched, through object and array literals,
 * Maps and Sets to depth 3 (`surviving-properties` drops what a later key
 * replaces; `value-branches` opens conditionals, `||`/`??`/`&&` and
 * `Object.freeze()` without spending a level), for a value that
 * `pool-values` (syntax) or, with `typeChecked`, `pool-types` (types) says is
 * a pool, client or connection (knex's `db.client`, typed `any`, is read as
 * its `Knex.Client`: `knex-clients`); with `typeChecked`, an argument that is no
 * literal is also searched by its type (`Pool[]`, `{ pool: Pool }`,
 * `pool-containers`), and a `send`/`postMessage` receiver whose type is known
 * and no channel (`channel-types`) is in-process code; a `run()` receiver
 * typed as Piscina or Tinypool is a task pool whatever its name
 * (`task-pool-types`). The handle of `send(msg, handle)` is checked
 * itself, not searched: a pool, client or connection, or its socket
 * (`handle-values`), has its own message, the runtime's
 * `handle_sent_to_process`. A node is reported
 * once per channel, however many pools the literal it stands for holds.
 */
import type { ParserServicesWithTypeInformation, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { getParserServices } from '@typescript-eslint/utils/eslint-utils';
import { findVariable } from '@typescript-eslint/utils/ast-utils';

import { within } from '../util/ast';
import { isChannelBinding, isInProcessReceiver } from '../util/channel-bindings';
import { channelReferences, type ChannelExport } from '../util/channel-references';
import { isInProcessReceiverType } from '../util/channel-types';
import { callsForwardingMethod } from '../util/class-methods';
import { createRule } from '../util/createRule';
import type { CreatorKind, CreatorOption } from '../util/creators';
import { creatorsOptionSchema } from '../util/creators';
import { assignedMembers, type ContainerLiteral } from '../util/member-assignments';
import { socketOwners } from '../util/handle-values';
import { getContainedPoolKind } from '../util/pool-containers';
import { knexClientChainType } from '../util/knex-clients';
import { getPoolKind, getPoolKindOfType } from '../util/pool-types';
import type { PoolValueTracker } from '../util/pool-values';
import { getPoolValueTracker, staticMemberName, unwrap } from '../util/pool-values';
import { NO_KEYS, survivingValues } from '../util/surviving-properties';
import { taskPoolOfType } from '../util/task-pool-types';
import { isTypeChecked } from '../util/typed-mode';
import { unlessTypeScriptFails } from '../util/typescript-faults';
import { branchesOf, passedThrough } from '../util/value-branches';

export type Options = [
  {
    creators?: CreatorOption[];
    typeChecked?: boolean;
  },
];
export type MessageIds = 'poolAcrossBoundary' | 'handleAcrossBoundary';

/**
 * A payload a call carries across: the channel's label, whether it is an
 * argument list whose elements cross, and the argument to report on when the
 * payload was found in a variable (the options a call passes).
 */
interface Crossing {
  readonly label: string;
  readonly payload: TSESTree.Node;
  readonly listOnly: boolean;
  readonly reportAt?: TSESTree.Node;
  /** The handle of `send(msg, handle)`: a socket or server Node moves into the other process, not a copy. */
  readonly handle?: boolean;
}

/** A literal whose contents are searched; `mapEntries` when it lists a Map's `[key, value]` entries. */
interface Container {
  readonly literal: ContainerLiteral;
  readonly mapEntries: boolean;
}

/** A value one level down in a container, with the keys of it that the container replaces (a spread's). */
interface ContainedValue {
  readonly value: TSESTree.Node | null;
  readonly replacedKeys?: ReadonlySet<string>;
  /** A spread's argument (`{ ...ctx }`, `[...list]`): what it holds is at its container's level. */
  readonly spread?: boolean;
}

/**
 * Where a value leads, through local variables, `new Map(entries)` and
 * `Object.freeze()`: to a container whose contents are searched, or to the
 * branches of a conditional or logical expression; `followed` when it is
 * not what is written there (a variable's literal, a Map's entries), so a
 * report goes on the call's own argument.
 */
interface Resolved {
  readonly container?: Container;
  readonly branches?: readonly TSESTree.Node[];
  readonly followed: boolean;
}

/** A channel a payload is checked for: its label, and whether the call really crosses (asked only before a report). */
interface Channel {
  readonly label: string;
  crosses(): boolean;
}

const SEND_LABEL = 'IPC `send()`';

/** Object and array literals are searched this many levels below the argument. */
const MAX_NESTING = 3;

/** Cheap whole-file pre-check: without one of these words no channel can be called. */
const CHANNEL_WORDS = /postMessage|Worker|worker|send|fork|spawn|exec|run|setup|Piscina|Tinypool/;
/** The modules whose channel exports channel-references tracks under other names. */
const CHANNEL_MODULES = /worker_threads|child_process|cluster|piscina|tinypool|workerpool/;

export default createRule<Options, MessageIds>({
  name: 'no-pool-across-boundary',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow passing a database pool, client or connection to another thread or process',
      recommended: true,
      requiresTypeChecking: false,
    },
    messages: {
      poolAcrossBoundary:
        'A database {{kind}} is passed to {{channel}}, which copies it into another thread or process where it ' +
        'cannot work (DataCloneError, or a dead plain object over IPC). Send plain data such as the config or ids, ' +
        'and create or look up the {{kind}} on the other side.',
      handleAcrossBoundary:
        'A database {{kind}} is passed as the handle of {{channel}}, which moves a socket into another process: a pool, ' +
        "client or connection throws ERR_INVALID_HANDLE_TYPE, and a pooled connection's socket is closed here or shared by " +
        'both processes, whose protocol messages then interleave on one database session. Send plain data, and open a ' +
        'connection on the other side.',
    },
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          creators: creatorsOptionSchema,
          typeChecked: {
            type: 'boolean',
            description:
              'Also recognise a pool, client or connection by its type (a local factory, an import, `Pool | undefined`). Needs type information. The shared setting `settings.poolguard.typeChecked` turns it on too.',
          },
        },
      },
    ],
    defaultOptions: [{ creators: [], typeChecked: false }],
  },
  create(context, [options]) {
    const sourceCode = context.sourceCode;
    // Typed mode is asked for explicitly, by the option or the shared setting (typed-mode); getParserServices
    // then fails loudly on every file without type information, before any pre-check can skip one.
    const services: ParserServicesWithTypeInformation | undefined = isTypeChecked(context, options.typeChecked)
      ? getParserServices(context)
      : undefined;
    if (!CHANNEL_WORDS.test(sourceCode.text)) return {};

    const creators = options.creators ?? [];
    let tracker: PoolValueTracker | undefined;
    const values = () => (tracker ??= getPoolValueTracker(sourceCode, creators));
    /** Channel labels already reported per node: `{ a: pool, b: pool }` in a variable is one report. */
    const reported = new Map<TSESTree.Node, Set<string>>();
    /** The literals whose contents are being inspected, on the current path. */
    const openLiterals = new Set<ContainerLiteral>();
    /** The conditional and logical expressions whose branches are being inspected, on the current path. */
    const openBranches = new Set<TSESTree.Node | undefined>();
    let tracked: ReadonlyMap<TSESTree.Node, ChannelExport> | undefined;
    /** Channel exports reached under any local name (`const { fork: forkChild } = require('child_process')`). */
    // A file that names none of the channel modules cannot have renamed their exports: no tracking there.
    const namesChannelModule = CHANNEL_MODULES.test(sourceCode.text);
    const channelExportOf = (node: TSESTree.Node) => (namesChannelModule ? (tracked ??= channelReferences(sourceCode)).get(node) : undefined);

    return {
      CallExpression(node) {
        const crossings = callCrossings(node);
        // An export reached through its module is the channel itself, whatever the file calls it.
        if (crossings.length === 0 || (!channelExportOf(node) && isLocalCode(node))) return;
        const crosses = once(() => !isInProcessByType(node));
        for (const { label, payload, listOnly, reportAt, handle } of crossings) {
          if (handle) checkHandle(payload, { label, crosses });
          else checkPayload(payload, { label, crosses }, listOnly, reportAt);
        }
      },
      NewExpression(node) {
        const options = threadOptionsOf(node);
        if (!options || options.type === AST_NODE_TYPES.SpreadElement) return;
        for (const { label, payload, reportAt } of workerOptionCrossings(options, options)) {
          checkPayload(payload, { label, crosses: () => true }, false, reportAt);
        }
      },
    };

    /**
     * The Worker options a construction passes to its threads: `new
     * Worker(file, options)`, and a worker pool's `new Piscina(options)` and
     * `new Tinypool(options)`, which hand them to each Worker they start.
     */
    function threadOptionsOf(node: TSESTree.NewExpression): TSESTree.CallExpressionArgument | undefined {
      const callee = unwrap(node.callee);
      const constructed = channelExportOf(node) ?? WORKER_CONSTRUCTORS.find(name => isNamed(callee, new RegExp(`^${name}$`)));
      if (constructed === 'Worker') return node.arguments[1];
      return constructed === 'Piscina' || constructed === 'Tinypool' ? node.arguments[0] : undefined;
    }

    /**
     * What Worker options carry into the thread: `workerData`, `argv` and
     * `env`. Options from a variable are reported on `argument`, the call's
     * own, at each call that passes them, like a payload.
     */
    function workerOptionCrossings(options: TSESTree.Node, argument: TSESTree.Node): Crossing[] {
      return WORKER_OPTIONS.flatMap(([option, label]) =>
        optionValuesOf(options, option, 0).map(value => ({
          label,
          payload: value,
          listOnly: false,
          reportAt: within(unwrap(argument), value) ? undefined : argument,
        })),
      );
    }

    /** Which channel a call is, and which of its arguments it carries across. */
    function callCrossings(node: TSESTree.CallExpression): Crossing[] {
      const crossing = callChannel(node);
      return crossing ? [crossing].flat() : [];
    }

    /** What a call carries across, when it is a channel: one argument, or a child's arguments and environment. */
    function callChannel(node: TSESTree.CallExpression): Crossing | Crossing[] | undefined {
      const callee = unwrap(node.callee);
      const method =
        channelExportOf(node) ??
        (callee.type === AST_NODE_TYPES.MemberExpression
          ? staticMemberName(callee)
          : callee.type === AST_NODE_TYPES.Identifier
            ? callee.name
            : undefined);
      const [first, second] = node.arguments;
      switch (method) {
        case 'postMessage':
          return first && { label: '`postMessage()`', payload: first, listOnly: false };
        case 'send':
          // `send(message, sendHandle?, options?, callback?)`: a callback in second place is no pool.
          return first && [
            { label: SEND_LABEL, payload: first, listOnly: false },
            ...(second ? [{ label: SEND_LABEL, payload: second, listOnly: false, handle: true }] : []),
          ];
        case 'fork':
        case 'spawn':
        case 'spawnSync':
        case 'execFile':
        case 'execFileSync':
          return childCrossings(method, node.arguments);
        case 'setupPrimary':
        case 'setupMaster':
          return first && forkSetupCrossings(method, first);
        case 'workerpool.pool':
          return workerpoolCrossings(node.arguments);
        case 'exec':
          // workerpool's `pool.exec(fn, [args])`; a regex `exec(str)` has no second argument.
          return second && { label: 'a workerpool `exec()` task', payload: second, listOnly: true };
        case 'run':
        case 'runTask': {
          const library = first && callee.type === AST_NODE_TYPES.MemberExpression && taskPoolOf(callee.object);
          return library ? { label: `a ${library} \`${method}()\` task`, payload: first, listOnly: false } : undefined;
        }
        default:
          return undefined;
      }
    }

    /**
     * `fork(modulePath, args?, options?)` and `spawn(command, args?,
     * options?)`: each element of args crosses as a string, as does each
     * value of `options.env`. `cluster.fork(env)` takes the environment alone.
     */
    function childCrossings(name: string, args: readonly TSESTree.CallExpressionArgument[]): Crossing[] {
      const environment = `\`${name}()\` environment`;
      const [first, second, third] = args;
      if (!first || first.type === AST_NODE_TYPES.SpreadElement) return [];
      if (literalOf(first)?.type === AST_NODE_TYPES.ObjectExpression) return [{ label: environment, payload: first, listOnly: false }];
      const crossings: Crossing[] = [];
      if (second) crossings.push({ label: `\`${name}()\` arguments`, payload: second, listOnly: true });
      const options = third ?? second;
      if (options && options.type !== AST_NODE_TYPES.SpreadElement) {
        for (const env of optionValuesOf(options, 'env', 0)) {
          const reportAt = within(unwrap(options), env) ? undefined : options;
          crossings.push({ label: environment, payload: env, listOnly: false, reportAt });
        }
      }
      return crossings;
    }

    /**
     * `cluster.setupPrimary({ exec, args })`: each element of `args` reaches
     * every later `cluster.fork()` as a string, like `fork()` arguments.
     */
    function forkSetupCrossings(name: string, settings: TSESTree.CallExpressionArgument): Crossing[] {
      if (settings.type === AST_NODE_TYPES.SpreadElement) return [];
      return optionValuesOf(settings, 'args', 0).map(args => ({
        label: `\`${name}()\` arguments`,
        payload: args,
        listOnly: true,
        reportAt: within(unwrap(settings), args) ? undefined : settings,
      }));
    }

    /**
     * `workerpool.pool(script?, options?)`: with `workerType: 'thread'` (or
     * `'auto'` on Node) the `workerThreadOpts` are a Worker's options.
     */
    function workerpoolCrossings(args: readonly TSESTree.CallExpressionArgument[]): Crossing[] {
      const options = args[1] ?? args[0];
      if (!options || options.type === AST_NODE_TYPES.SpreadElement) return [];
      return optionValuesOf(options, 'workerThreadOpts', 0).flatMap(threadOptions =>
        workerOptionCrossings(threadOptions, within(unwrap(options), threadOptions) ? threadOptions : options),
      );
    }

    /**
     * A bare `send()` or `fork()` that this file declares (a function, a
     * parameter), or `mediator.send()` on a local object or class instance, is no channel.
     */
    function isLocalCode(node: TSESTree.CallExpression): boolean {
      const callee = unwrap(node.callee);
      if (callee.type === AST_NODE_TYPES.Identifier) return !isChannelBinding(callee, sourceCode.getScope(node));
      if (callee.type !== AST_NODE_TYPES.MemberExpression) return false;
      const method = staticMemberName(callee);
      return method !== undefined && isInProcessReceiver(callee.object, method, sourceCode.getScope(node), sourceCode);
    }

    /**
     * Typed mode: `mediator.send(x)` on a receiver whose type is a known class
     * or interface that is no channel (an in-process mediator from another
     * file), unless that class's own method forwards to a channel.
     */
    function isInProcessByType(node: TSESTree.CallExpression): boolean {
      const callee = unwrap(node.callee);
      if (!services || callee.type !== AST_NODE_TYPES.MemberExpression) return false;
      const method = staticMemberName(callee);
      return (
        (method === 'send' || method === 'postMessage') &&
        unlessTypeScriptFails(() => isInProcessReceiverType(services, callee.object), false) &&
        // `send(msg) { this.child.send(msg) }` of the user's class hands the message on.
        !unlessTypeScriptFails(() => callsForwardingMethod(services, sourceCode, callee), true)
      );
    }

    /**
     * The handle of `send(msg, handle)`: a pool, client or connection, or
     * the socket of one (`client.connection.stream`), itself or through a
     * local variable. A handle is moved, not searched inside: a literal
     * there is no handle at all.
     */
    function checkHandle(handle: TSESTree.Node, channel: Channel): void {
      if (handle.type === AST_NODE_TYPES.SpreadElement) return;
      let current: TSESTree.Node | undefined = handle;
      for (let hops = 0; current && hops < 4; hops++) {
        const value = unwrap(current);
        const kind = poolKindOf(value);
        if (kind) {
          reportOnce(handle, kind, channel, 'handleAcrossBoundary');
          return;
        }
        const owner = socketOwners(value).map(poolKindOf).find(Boolean);
        if (owner) {
          reportOnce(handle, `${owner}'s socket`, channel, 'handleAcrossBoundary');
          return;
        }
        current = value.type === AST_NODE_TYPES.Identifier ? values().sourceOf(value) : undefined;
      }
    }

    function poolKindOf(node: TSESTree.Node): CreatorKind | undefined {
      return values().kindOf(node) ?? typedKind(node);
    }

    /** `listOnly`: the payload is an argument list; only its elements cross. */
    function checkPayload(payload: TSESTree.Node, channel: Channel, listOnly: boolean, reportAt?: TSESTree.Node): void {
      if (payload.type === AST_NODE_TYPES.SpreadElement) return;
      if (listOnly) {
        const resolved = resolve(payload);
        const list = resolved?.container?.literal;
        if (list?.type === AST_NODE_TYPES.ArrayExpression) {
          inspectContents({ literal: list, mapEntries: false }, 0, channel, reportAt ?? (resolved?.followed ? payload : undefined));
        }
        return;
      }
      inspect(payload, 0, channel, reportAt);
    }

    /**
     * Reports the first pool-like value in `node` or its literal contents,
     * and says whether it found one. `reportAt` pins the report to the call's
     * own argument once the search has followed a variable to a literal
     * declared elsewhere.
     */
    function inspect(
      node: TSESTree.Node,
      depth: number,
      channel: Channel,
      reportAt: TSESTree.Node | undefined,
      replacedKeys: ReadonlySet<string> = NO_KEYS,
    ): boolean {
      const target = unwrap(node);
      if (target.type === AST_NODE_TYPES.Literal || target.type === AST_NODE_TYPES.TemplateLiteral) return false;
      const kind = values().kindOf(target) ?? typedKind(target);
      if (kind) return reportOnce(reportAt ?? node, kind, channel);
      if (depth >= MAX_NESTING) return false;
      const resolved = resolve(target);
      const at = reportAt ?? (resolved?.followed ? node : undefined);
      // `shared ? { pool } : { url }`, `opts ?? { pool }`: each branch is searched where the value sits, spending no level.
      if (resolved?.branches) return inspectBranches(resolved.branches, depth, channel, at, replacedKeys);
      const container = resolved?.container;
      const found = container !== undefined && inspectContents(container, depth, channel, at, replacedKeys);
      // A literal written here holds what syntax sees. One that a variable or field was given (`const replicas:
      // Pool[] = []`) may be filled later, out of syntax's sight (`replicas.push(pool)`, `reg[url] = pool`):
      // its declared type says what it holds. Neither opened (a parameter, an import, `await Promise.all(...)`): the type too.
      if (found || (container && resolved?.followed === false)) return found;
      const contained =
        services &&
        unlessTypeScriptFails(() => getContainedPoolKind(services, target, MAX_NESTING - depth, replacedKeys), undefined);
      return contained ? reportOnce(reportAt ?? node, contained, channel) : false;
    }

    /** Inspects each value a conditional or logical expression may be; whether a pool was found in one. */
    function inspectBranches(
      branches: readonly TSESTree.Node[],
      depth: number,
      channel: Channel,
      reportAt: TSESTree.Node | undefined,
      replacedKeys: ReadonlySet<string>,
    ): boolean {
      // `const a = c ? b : x`, `const b = c ? a : y` spend no level: each expression is opened once per path.
      const owner = branches[0].parent;
      if (openBranches.has(owner)) return false;
      openBranches.add(owner);
      let found = false;
      try {
        for (const branch of branches) {
          if (inspect(branch, depth, channel, reportAt, replacedKeys)) found = true;
        }
      } finally {
        openBranches.delete(owner);
      }
      return found;
    }

    /**
     * Inspects what a container holds, one level down; whether a pool was
     * found in it. An object's values replaced by a later key, or by the
     * literal it is spread into (`replacedKeys`), are not in it.
     */
    function inspectContents(
      { literal, mapEntries }: Container,
      depth: number,
      channel: Channel,
      reportAt: TSESTree.Node | undefined,
      replacedKeys: ReadonlySet<string> = NO_KEYS,
    ): boolean {
      const children: ContainedValue[] =
        literal.type === AST_NODE_TYPES.ObjectExpression
          ? survivingValues(literal, replacedKeys)
          : literal.elements.map(e => (e?.type === AST_NODE_TYPES.SpreadElement ? { value: e.argument, spread: true } : { value: e }));
      // `holder.pool = pool` after `const holder = {}`
      for (const [key, assigned] of assignedMembers(sourceCode, literal)) {
        if (!replacedKeys.has(key)) children.push(...assigned.map(value => ({ value })));
      }
      // A Map is one level, like a Set: its `[key, value]` entry arrays are how it is written, not what it holds.
      const contents = mapEntries ? children.flatMap(child => entryParts(child.value)) : children;
      // A literal spread into itself (`a = { ...b }`, `b = { ...a }`) would spend no level: each literal is opened once per path.
      if (openLiterals.has(literal)) return false;
      openLiterals.add(literal);
      let found = false;
      try {
        for (const child of contents) {
          if (child.value && inspect(child.value, child.spread === true ? depth : depth + 1, channel, reportAt, child.replacedKeys)) found = true;
        }
      } finally {
        openLiterals.delete(literal);
      }
      return found;
    }

    /** The key and value of a Map entry written as an array literal (here or in a variable); anything else as it is. */
    function entryParts(entry: TSESTree.Node | null): ContainedValue[] {
      const pair = entry && literalOf(entry);
      if (pair?.type !== AST_NODE_TYPES.ArrayExpression) return [{ value: entry }];
      return pair.elements.map(e => ({ value: e?.type === AST_NODE_TYPES.SpreadElement ? e.argument : e }));
    }

    /** The object or array literal a node is, or a local variable stands for, or a Map or Set is built from. */
    function literalOf(node: TSESTree.Node): ContainerLiteral | undefined {
      return resolve(node)?.container?.literal;
    }

    /**
     * The object or array literal a node is, or a local variable or
     * `Object.freeze(x)` stands for; for `new Map(entries)` and `new
     * Set(values)`, the literal they are built from, and whether it lists a
     * Map's entries. Or the branches of a conditional or logical expression
     * it is (not inside a Map or Set, which holds what each branch's entries hold).
     */
    function resolve(node: TSESTree.Node): Resolved | undefined {
      let current = unwrap(node);
      let mapEntries: boolean | undefined;
      let followed = false;
      for (let hops = 0; hops < 4; hops++) {
        if (current.type === AST_NODE_TYPES.ObjectExpression || current.type === AST_NODE_TYPES.ArrayExpression) {
          return { container: { literal: current, mapEntries: mapEntries ?? false }, followed };
        }
        const branches = mapEntries === undefined ? branchesOf(current) : undefined;
        if (branches) return { branches, followed };
        const collection = collectionEntries(current);
        if (collection) {
          // `new Set(new Map(...))` holds the entry arrays: the outermost collection decides.
          mapEntries ??= collection.isMap;
          current = unwrap(collection.entries);
          followed = true;
          continue;
        }
        const argument = passedThrough(current, sourceCode);
        if (argument) {
          current = unwrap(argument);
          continue;
        }
        if (current.type !== AST_NODE_TYPES.Identifier && current.type !== AST_NODE_TYPES.MemberExpression) {
          return undefined;
        }
        const source = values().sourceOf(current);
        if (!source) return undefined;
        current = unwrap(source);
        followed = true;
      }
      return undefined;
    }

    /** The argument of `new Map(entries)` or `new Set(values)`, the global classes, which structured clone copies. */
    function collectionEntries(node: TSESTree.Node): { entries: TSESTree.Node; isMap: boolean } | undefined {
      if (node.type !== AST_NODE_TYPES.NewExpression || node.callee.type !== AST_NODE_TYPES.Identifier) return undefined;
      const [entries] = node.arguments;
      if (!COLLECTIONS.has(node.callee.name) || !entries || entries.type === AST_NODE_TYPES.SpreadElement) return undefined;
      const variable = findVariable(sourceCode.getScope(node), node.callee);
      return variable && variable.defs.length > 0 ? undefined : { entries, isMap: node.callee.name === 'Map' };
    }

    /**
     * What `options[name]` (e.g. `workerData`) may hold, where options is an
     * object literal here or in a variable: its last such property or the one
     * of an object spread after it (`{ ...base, name }`), and any value
     * assigned to it after the declaration (`options.workerData = ...`).
     */
    function optionValuesOf(options: TSESTree.Node, name: string, depth: number): TSESTree.Node[] {
      if (depth > MAX_NESTING) return [];
      const resolved = resolve(options);
      // `shared ? { workerData } : {}`: either options object may be the one passed.
      if (resolved?.branches) return resolved.branches.flatMap(branch => optionValuesOf(branch, name, depth + 1));
      const literal = resolved?.container?.literal;
      if (literal?.type !== AST_NODE_TYPES.ObjectExpression) return [];
      const found = [...(assignedMembers(sourceCode, literal).get(name) ?? [])];
      // The last one wins, as at runtime.
      for (let i = literal.properties.length - 1; i >= 0; i--) {
        const property = literal.properties[i];
        if (property.type === AST_NODE_TYPES.SpreadElement) {
          const spread = optionValuesOf(property.argument, name, depth + 1);
          found.push(...spread);
          if (spread.length > 0) break;
        } else if (staticMemberName(property) === name) {
          found.push(property.value);
          break;
        }
      }
      return found;
    }

    /** Reports `node` unless it is reported for this channel already; whether it is a pool crossing at all. */
    function reportOnce(
      node: TSESTree.Node,
      kind: string,
      channel: Channel,
      messageId: MessageIds = 'poolAcrossBoundary',
    ): boolean {
      const channels = reported.get(node) ?? new Set<string>();
      if (channels.has(channel.label)) return true;
      if (!channel.crosses()) return false;
      channels.add(channel.label);
      reported.set(node, channels);
      context.report({ node, messageId, data: { kind, channel: channel.label } });
      return true;
    }

    function typedKind(node: TSESTree.Node): CreatorKind | undefined {
      return (
        services &&
        unlessTypeScriptFails(() => getPoolKindOfType(services, node) ?? knexClientKind(services, node), undefined)
      );
    }

    /** knex's `db.client` is typed `any`: read it, and what is read off it, as its `Knex.Client` (knex-clients). */
    function knexClientKind(typed: ParserServicesWithTypeInformation, node: TSESTree.Node): CreatorKind | undefined {
      const type = knexClientChainType(typed, node, name => values().sourceOf(name));
      return type && getPoolKind(typed.program.getTypeChecker(), type);
    }

    /**
     * Piscina or Tinypool, for `new Piscina()` itself, a variable holding one,
     * anything named like one, or, in typed mode, anything typed as one.
     */
    function taskPoolOf(receiver: TSESTree.Node): string | undefined {
      const target = unwrap(receiver);
      const source = target.type === AST_NODE_TYPES.NewExpression ? target : values().sourceOf(target);
      const created = source && unwrap(source);
      const constructor = created?.type === AST_NODE_TYPES.NewExpression ? unwrap(created.callee) : undefined;
      const pool = TASK_POOLS.find(
        ({ named, constructedBy }) => isNamed(target, named) || (constructor && isNamed(constructor, constructedBy)),
      );
      return pool?.label ?? (services && unlessTypeScriptFails(() => taskPoolOfType(services, target), undefined));
    }
  },
});

/** The Worker options that cross into the thread, and their labels: `workerData` by structured clone, `argv` and `env` as strings. */
const WORKER_OPTIONS: readonly (readonly [string, string])[] = [
  ['workerData', '`workerData`'],
  ['argv', "a Worker's `argv`"],
  ['env', "a Worker's `env`"],
];

/**
 * Constructors known by name too, wherever they come from (a global, a
 * re-export): `new Worker(...)`, `new wt.Worker(...)`, `new Piscina(...)`.
 * Under another local name, channel-references finds them through their module.
 */
const WORKER_CONSTRUCTORS = ['Worker', 'Piscina', 'Tinypool'] as const;

/** Collections whose constructor copies its argument's elements into the value. */
const COLLECTIONS = new Set(['Map', 'Set']);

/** Worker pools whose `run(task)` structured-clones the task into a worker thread. */
const TASK_POOLS = [
  { label: 'Piscina', named: /piscina/i, constructedBy: /^piscina$/i },
  { label: 'Tinypool', named: /tinypool/i, constructedBy: /^tinypool$/i },
];

/** `fn`, asked at most once. */
function once(fn: () => boolean): () => boolean {
  let answer: boolean | undefined;
  return () => (answer ??= fn());
}

function isNamed(node: TSESTree.Node, pattern: RegExp): boolean {
  if (node.type === AST_NODE_TYPES.Identifier) return pattern.test(node.name);
  if (node.type === AST_NODE_TYPES.MemberExpression) {
    const name = staticMemberName(node);
    return name !== undefined && pattern.test(name);
  }
  return false;
}
