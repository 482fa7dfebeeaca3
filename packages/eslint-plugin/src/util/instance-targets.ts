/**
 * The class or interface behind an instance type.
 *
 * A reference to a generic class (`Piscina<T, R>`, even written bare as
 * `Piscina` when its parameters have defaults) is an instantiated type
 * reference, for which `isClassOrInterface()` is false: its symbol, name,
 * declarations and base types belong to the reference's target. Every typed
 * check that asks "which class is this?" goes through here so that generic
 * classes are not silently skipped.
 */
import type * as ts from 'typescript';
import { typescript } from './typescript-module';

/** The class or interface itself, or the target of a reference to a generic one; else undefined. */
export function instanceTarget(type: ts.Type): ts.InterfaceType | undefined {
  if (type.isClassOrInterface()) return type;
  if ((type as ts.ObjectType).objectFlags & typescript().ObjectFlags.Reference) {
    const target = (type as ts.TypeReference).target;
    if (target.isClassOrInterface()) return target;
  }
  return undefined;
}
