/**
 * What reading back a role that this file's self-forks hand their children
 * proves: an argument (`process.argv[2] === 'worker'`,
 * `process.argv.includes('--child')`, `args.includes('--child')` of
 * `const args = process.argv.slice(2)`, `process.argv.indexOf('--child')
 * !== -1`; argv-reads) or an environment entry (`process.env.ROLE === 'web'`,
 * or `process.env.IS_CHILD` tested for truth).
 *
 * A value that some self-fork hands its child proves the child where the
 * test holds. The parent may have been started with it too, but a file that
 * gives its children a role does not expect that; any other value proves no
 * child.
 *
 * Proving the parent takes every fork of the kind. A test proves the parent
 * where it fails only when every child passes it: each self-fork hands that
 * same value, there. Forks that hand out several roles (`cluster.fork({ ROLE:
 * 'web' })` and `cluster.fork({ ROLE: 'queue' })`) start children that fail
 * it too: the `else` of `ROLE === 'web'` may be the queue worker. A test
 * proves the parent where it holds when no child can pass it: each
 * self-fork hands known values there, none of them it (`case 'migrate':`
 * when the one fork passes `['--daemon']`). A fork whose arguments or
 * environment the call does not show (a variable, a spread) may hand
 * anything, and proves neither.
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { getPropertyName } from '@typescript-eslint/utils/ast-utils';
import { argvIndex, argvListStart } from './argv-reads';
import { unwrap } from './ast';
import { constantValue } from './constant-values';
import { parsedFlagSpellings } from './parsed-flags';
import type { ForkAnalysis, ForkKind, ForkSite } from './fork-sites';
import { CHILD_ARGUMENT, CHILD_ENVIRONMENT, negate, type Guard, type Signal } from './guard-signals';
import type { ParsedSource } from './module-references';
import { processMemberPath } from './process-members';

/** The arguments a fork passes start at this index of the child's `process.argv`, after node's path and the script's. */
const FIRST_ARGUMENT = 2;

export class ChildRoles {
  constructor(
    private readonly sourceCode: ParsedSource,
    private readonly forks: ForkAnalysis,
  ) {}

  /** `process.argv[2] === 'worker'` or `process.env.ROLE === 'web'`: `subject === value`, for a fork of `kind`. */
  ofEquality(subject: TSESTree.Node, value: TSESTree.Node, kind: ForkKind): Guard | undefined {
    const role = constantValue(this.sourceCode, value);
    if (typeof role !== 'string') return undefined;
    const index = argvIndex(this.sourceCode, subject);
    if (index !== undefined && index >= FIRST_ARGUMENT) {
      return this.guard(CHILD_ARGUMENT, kind, this.forks.childArguments.has(role), fork => {
        const passed = argumentAt(fork.args, index - FIRST_ARGUMENT);
        return { lacks: passed !== undefined && passed !== role, passes: passed === role };
      });
    }
    const name = this.environmentName(subject);
    if (name === undefined) return undefined;
    return this.guard(CHILD_ENVIRONMENT, kind, this.forks.childEnvironment.has(`${name}=${role}`), fork => {
      const set = fork.env.get(name);
      return { lacks: set !== undefined && set !== role, passes: set === role };
    });
  }

  /**
   * `process.env.IS_CHILD` tested for truth, for a fork of `kind`: an
   * environment entry is a string, truthy when it is not empty. So a
   * non-empty value handed out is read as `=== value` is, with every
   * non-empty value passing and the empty one failing.
   */
  ofTruthiness(subject: TSESTree.Node, kind: ForkKind): Guard | undefined {
    const name = this.environmentName(subject);
    if (name === undefined) return undefined;
    const handedOut = [...this.forks.childEnvironment].some(entry => entry.startsWith(`${name}=`) && entry.length > name.length + 1);
    return this.guard(CHILD_ENVIRONMENT, kind, handedOut, fork => {
      const set = fork.env.get(name);
      return { lacks: set === '', passes: set !== undefined && set !== '' };
    });
  }

  /** `ROLE` of `process.env.ROLE` (or an alias of it); undefined for anything else. */
  private environmentName(subject: TSESTree.Node): string | undefined {
    const [base, name, ...rest] = processMemberPath(this.sourceCode, subject) ?? [];
    return base === 'env' && rest.length === 0 ? name : undefined;
  }

  /** `list.includes('--child')`, where the list is `process.argv` or a slice of it. */
  ofInclusion(call: TSESTree.CallExpression, kind: ForkKind): Guard | undefined {
    const callee = unwrap(call.callee);
    if (callee.type !== AST_NODE_TYPES.MemberExpression || getPropertyName(callee) !== 'includes') return undefined;
    return call.arguments.length === 1 ? this.ofMembership(callee.object, call.arguments[0], kind) : undefined;
  }

  /**
   * `list.indexOf('--child') !== -1` (or `> -1`, `>= 0`) as `list.includes('--child')`,
   * and `=== -1` (or `< 0`) as its negation.
   */
  ofIndexComparison(node: TSESTree.BinaryExpression, kind: ForkKind): Guard | undefined {
    const left = indexOfCall(node.left);
    const call = left ?? indexOfCall(node.right);
    if (!call) return undefined;
    const [bound, operator] = left ? [node.right, node.operator] : [node.left, MIRRORED[node.operator] ?? node.operator];
    const found = FOUND_WHEN.get(`${operator} ${numberValue(bound)}`);
    if (found === undefined) return undefined;
    const guard = this.ofMembership(call.list, call.value, kind);
    return found ? guard : negate(guard);
  }

  /**
   * `values.worker` of a `parseArgs` boolean option over `process.argv`
   * (parsed-flags): true where the command line holds `--worker` (or its
   * short `-w`), as `process.argv.includes('--worker')` is. A child surely
   * lacks it only when every argument it gets is a known string that is
   * not the flag, `--worker=...`, nor a group of short flags holding `w`
   * (`-vw`); it surely has it when the flag comes before any `--` (after
   * which parseArgs reads positionals) or argument the call does not show.
   */
  ofParsedFlag(node: TSESTree.Node, kind: ForkKind): Guard | undefined {
    const flags = parsedFlagSpellings(this.sourceCode, node);
    if (!flags) return undefined;
    const handedOut = flags.some(flag => this.forks.childArguments.has(flag));
    return this.guard(CHILD_ARGUMENT, kind, handedOut, fork => ({
      lacks: lacksFlag(fork.args, flags),
      passes: passesFlag(fork.args, flags),
    }));
  }

  /** Whether the list `list`, `process.argv` or a slice of it, holds `value`. */
  private ofMembership(list: TSESTree.Node, value: TSESTree.Node, kind: ForkKind): Guard | undefined {
    const role = constantValue(this.sourceCode, value);
    const start = argvListStart(this.sourceCode, list);
    if (typeof role !== 'string' || start === undefined) return undefined;
    // A slice may leave some of the arguments out (`process.argv.slice(3)`).
    const from = Math.max(0, start - FIRST_ARGUMENT);
    return this.guard(CHILD_ARGUMENT, kind, this.forks.childArguments.has(role), fork => ({
      lacks: lacksFrom(fork.args, role, from),
      passes: passesFrom(fork.args, role, from),
    }));
  }

  /**
   * The guard a role test gives the forks of `kind`, when `signal` tells them
   * apart: the child where it holds if some fork of the file hands the role
   * (`handedOut`), else the parent if the child of every fork of `kind`
   * surely lacks it; the parent where it fails if every such child surely
   * passes it.
   */
  private guard(
    signal: Signal,
    kind: ForkKind,
    handedOut: boolean,
    childOf: (fork: ForkSite) => { lacks: boolean; passes: boolean },
  ): Guard | undefined {
    const forks = this.forks.selfForks.filter(fork => fork.kind === kind);
    if (!signal.kinds.includes(kind) || forks.length === 0) return undefined;
    const children = forks.map(childOf);
    const whenTrue = handedOut ? 'child' : children.every(child => child.lacks) ? 'parent' : undefined;
    const whenFalse = children.every(child => child.passes) ? 'parent' : undefined;
    return whenTrue || whenFalse ? { whenTrue, whenFalse } : undefined;
  }
}

/**
 * What the child of a fork passing `args` finds at `position` of them: a
 * string literal's value, `null` past the end, `undefined` when the call
 * does not show it (another value, or a spread before it moves it).
 */
function argumentAt(args: ForkSite['args'], position: number): string | null | undefined {
  if (!args) return undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === null) return undefined;
    if (i === position) return args[i];
  }
  return null;
}

/** Whether `args` surely hold `role` at `from` or later: an element stands at least behind the plain elements before it. */
function passesFrom(args: ForkSite['args'], role: string, from: number): boolean {
  let plainBefore = 0;
  for (const arg of args ?? []) {
    if (arg === role && plainBefore >= from) return true;
    if (arg !== null) plainBefore++;
  }
  return false;
}

/** Whether `args` surely lack `role` at `from` and later: every element there is a known, other string. */
function lacksFrom(args: ForkSite['args'], role: string, from: number): boolean {
  if (!args || args.includes(null)) return false;
  return args.every((arg, i) => i < from || (arg !== undefined && arg !== role));
}

/** Whether `args` surely hold one of `flags` where parseArgs reads options: before any `--` or unknown element. */
function passesFlag(args: ForkSite['args'], flags: readonly string[]): boolean {
  for (const arg of args ?? []) {
    if (arg === null || arg === undefined || arg === '--') return false;
    if (flags.includes(arg)) return true;
  }
  return false;
}

/** Whether `args` are all known strings, none of which sets a flag of `flags` (`--worker`, `--worker=1`, `-w`, `-vw`). */
function lacksFlag(args: ForkSite['args'], flags: readonly string[]): boolean {
  if (!args) return false;
  const [long, short] = flags;
  return args.every(
    arg =>
      typeof arg === 'string' &&
      arg !== long &&
      !arg.startsWith(`${long}=`) &&
      !(short !== undefined && /^-[^-]/.test(arg) && arg.includes(short.slice(1))),
  );
}

/** `list.indexOf(value)`, with one argument: its list and its value. */
function indexOfCall(node: TSESTree.Node): { list: TSESTree.Node; value: TSESTree.Node } | undefined {
  const call = unwrap(node);
  if (call.type !== AST_NODE_TYPES.CallExpression || call.arguments.length !== 1) return undefined;
  const callee = unwrap(call.callee);
  const isIndexOf = callee.type === AST_NODE_TYPES.MemberExpression && getPropertyName(callee) === 'indexOf';
  return isIndexOf ? { list: callee.object, value: call.arguments[0] } : undefined;
}

/** `-1 < i` reads as `i > -1`. */
const MIRRORED: Readonly<Record<string, string>> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=' };

/** Whether `indexOf(...) <operator> <number>` says the value was found (true) or not (false). */
const FOUND_WHEN: ReadonlyMap<string, boolean> = new Map([
  ['!== -1', true],
  ['!= -1', true],
  ['> -1', true],
  ['>= 0', true],
  ['=== -1', false],
  ['== -1', false],
  ['< 0', false],
  ['<= -1', false],
]);

/** `1`, `-1`: a number literal, perhaps negated. */
function numberValue(node: TSESTree.Node): number | undefined {
  if (node.type === AST_NODE_TYPES.Literal) return typeof node.value === 'number' ? node.value : undefined;
  if (node.type !== AST_NODE_TYPES.UnaryExpression || node.operator !== '-') return undefined;
  const value = numberValue(node.argument);
  return value === undefined ? undefined : -value;
}
