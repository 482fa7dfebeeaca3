/**
 * Typed receivers: whether `receiver.send(x)` / `receiver.postMessage(x)`
 * calls a class of the user's or a library's own that is no process or
 * thread channel (an in-process mediator imported from another file).
 *
 * The syntax check (channel-bindings) only trusts classes declared in the
 * same file. With types, a receiver whose type is known (every member of it,
 * past `null` and `undefined`, a named class or interface) and is none of
 * the channel types, nor derived from one, is no boundary. The channel types
 * are Node's `ChildProcess`, cluster and worker_threads `Worker`,
 * `MessagePort`, `BroadcastChannel` and `NodeJS.Process`, as declared by
 * libraries, plus anything TypeScript's default lib declares (`Worker`,
 * `Window`, `MessagePort` of the DOM). `any`, `unknown`, a type parameter
 * without a constraint and an anonymous object type (`{ send(m: unknown): void }`,
 * which may describe a channel) are not known: syntax decides.
 *
 * Asked only when a boundary call is about to be reported, so it costs one
 * type lookup per report, not per call.
 */
import type { ParserServicesWithTypeInformation, TSESTree } from '@typescript-eslint/utils';
import type * as ts from 'typescript';
import { typescript } from './typescript-module';

import { instanceTarget } from './instance-targets';

/** Class and interface names of the channels, when a library (not the user's code) declares them. */
const CHANNEL_TYPE_NAMES = new Set(['ChildProcess', 'Worker', 'MessagePort', 'BroadcastChannel', 'Process']);

/** Base-type chains deeper than this are not real code; treated as unknown. */
const MAX_DEPTH = 8;

/** True when the receiver's type is known and is no process or thread channel. */
export function isInProcessReceiverType(services: ParserServicesWithTypeInformation, receiver: TSESTree.Node): boolean {
  const checker = services.program.getTypeChecker();
  const type = checker.getNonNullableType(services.getTypeAtLocation(receiver));
  return isKnownNonChannel(checker, services.program, type);
}

function isKnownNonChannel(checker: ts.TypeChecker, program: ts.Program, type: ts.Type): boolean {
  if (type.isUnion()) return type.types.every(member => isKnownNonChannel(checker, program, member));
  if (type.flags & typescript().TypeFlags.TypeParameter) {
    // `this` inside a class, or `<T extends Mediator>`.
    const constraint = checker.getBaseConstraintOfType(type);
    return constraint !== undefined && constraint !== type && isKnownNonChannel(checker, program, constraint);
  }
  const target = classOrInterface(type);
  return target !== undefined && !derivesFromChannel(checker, program, target, 0);
}

function derivesFromChannel(
  checker: ts.TypeChecker,
  program: ts.Program,
  type: ts.InterfaceType,
  depth: number,
): boolean {
  if (depth > MAX_DEPTH || isChannelSymbol(program, type.getSymbol())) return true;
  return checker.getBaseTypes(type).some(base => {
    const target = classOrInterface(base);
    // A mixin or other computed base may be anything.
    return target === undefined || derivesFromChannel(checker, program, target, depth + 1);
  });
}

function isChannelSymbol(program: ts.Program, symbol: ts.Symbol | undefined): boolean {
  if (!symbol) return true;
  return (symbol.getDeclarations() ?? []).some(declaration => {
    const file = declaration.getSourceFile();
    if (program.isSourceFileDefaultLibrary(file)) return true;
    const fromLibrary = file.isDeclarationFile || program.isSourceFileFromExternalLibrary(file);
    return fromLibrary && CHANNEL_TYPE_NAMES.has(symbol.getName());
  });
}

/** The class or interface behind an object type, through generic references. */
function classOrInterface(type: ts.Type): ts.InterfaceType | undefined {
  return type.flags & typescript().TypeFlags.Object ? instanceTarget(type) : undefined;
}
