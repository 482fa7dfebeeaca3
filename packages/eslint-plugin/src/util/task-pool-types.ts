/**
 * Typed receivers of a worker-pool task: whether `x.run(task)` is Piscina's
 * or Tinypool's `run()`, known by the type of `x` rather than its name.
 *
 * Syntax knows a task pool only by its name (`piscina.run()`) or a visible
 * `new Piscina()`; a parameter `workerPool: Piscina` is one all the same.
 * The receiver counts when its type (a union member past `null` and
 * `undefined`) is, or derives from, the class a worker-pool package declares
 * under that name, anchored on the package (pool-types' declaringPackageName).
 * A generic class counts through its references (`Piscina<In, Out>`).
 * workerpool's `exec(method, args)` needs no receiver: its two arguments
 * already tell it from a regex's `exec(text)`.
 */
import type { ParserServicesWithTypeInformation, TSESTree } from '@typescript-eslint/utils';
import type * as ts from 'typescript';
import { typescript } from './typescript-module';
import { instanceTarget } from './instance-targets';
import { declaringPackageName } from './pool-types';

/** Package → class name → the label a report shows. */
const TASK_POOL_CLASSES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  piscina: { Piscina: 'Piscina' },
  tinypool: { Tinypool: 'Tinypool' },
};

/** Base-type chains deeper than this are not real code. */
const MAX_DEPTH = 8;

/** `'Piscina'` or `'Tinypool'` when the receiver's type is that library's pool, else undefined. */
export function taskPoolOfType(services: ParserServicesWithTypeInformation, receiver: TSESTree.Node): string | undefined {
  const checker = services.program.getTypeChecker();
  const type = checker.getNonNullableType(services.getTypeAtLocation(receiver));
  const members = type.isUnion() ? type.types : [type];
  for (const member of members) {
    const label = labelOf(checker, member, 0);
    if (label) return label;
  }
  return undefined;
}

function labelOf(checker: ts.TypeChecker, type: ts.Type, depth: number): string | undefined {
  // piscina 5 declares `class Piscina<T = any, R = any>`: its uses are references to that generic class.
  const classType = depth > MAX_DEPTH ? undefined : instanceTarget(type);
  if (!classType) return undefined;
  for (const declaration of classType.getSymbol()?.getDeclarations() ?? []) {
    const pkg = declaringPackageName(declaration);
    // The declaration's own name: the symbol of `export default class Piscina` is named `default`.
    const name = typescript().getNameOfDeclaration(declaration);
    const label = pkg === undefined || !name || !typescript().isIdentifier(name) ? undefined : TASK_POOL_CLASSES[pkg]?.[name.text];
    if (label) return label;
  }
  for (const base of checker.getBaseTypes(classType)) {
    const label = labelOf(checker, base, depth + 1);
    if (label) return label;
  }
  return undefined;
}
