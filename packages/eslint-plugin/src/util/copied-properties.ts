/**
 * Which properties of a type a copy into another thread or process carries.
 *
 * Structured clone and `JSON.stringify` copy an object's own enumerable data
 * properties only. On a class instance, a method, a get or set accessor
 * (`get db(): Pool { return pool }`) and an auto-accessor (`accessor pool:
 * Pool`, whose storage is a private slot) live on the prototype, and a
 * `#private` field is no property at all: none of them crosses. A plain
 * field, a parameter property and a `declare`d field are own data and do.
 *
 * Only class members are skipped this way. A get accessor of an object
 * literal is an own enumerable property (the copy reads it), and an
 * interface or a type literal describes a shape, not where its properties
 * live: their accessor signatures still count. An abstract accessor may be
 * implemented by a plain field in a subclass, and still counts too.
 */
import type * as ts from 'typescript';
import { typescript } from './typescript-module';

/** False for a property that no copy of the value carries (methods, class accessors, `#private` fields). */
export function isCopiedProperty(property: ts.Symbol): boolean {
  if (property.flags & typescript().SymbolFlags.Method) return false;
  const declarations = property.getDeclarations() ?? [];
  // A class getter merged with an interface's property is described as data too.
  return declarations.length === 0 || !declarations.every(isUncopiedClassMember);
}

function isUncopiedClassMember(declaration: ts.Declaration): boolean {
  if (!typescript().isClassElement(declaration) || !typescript().isClassLike(declaration.parent)) return false;
  if (typescript().getCombinedModifierFlags(declaration) & typescript().ModifierFlags.Abstract) return false;
  if (declaration.name && typescript().isPrivateIdentifier(declaration.name)) return true;
  return typescript().isAccessor(declaration) || typescript().isAutoAccessorPropertyDeclaration(declaration);
}
