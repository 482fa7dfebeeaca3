/**
 * Typed mode: is a name a module imports a value that `emitDecoratorMetadata`
 * keeps loaded, or a type only, whose import tsc still drops?
 *
 * tsc keeps an import used in decorator metadata when the name's symbol,
 * through its aliases, is a value other than a `const enum`: a class, an
 * enum, a name merged with a value, a namespace import (`import * as db`);
 * an interface, a type alias or a namespace of types is written as
 * `Object`, `String`... and its import dropped. An import tsc cannot
 * resolve counts as a value, as tsc counts it.
 *
 * The import is found again in the program's source file by the position of
 * the name it binds, as typed-constructions finds a `new`; a module outside
 * the program, or whose text in the program is not the text read, is not
 * asked, and the caller reads the imported module's declarations instead.
 */
import type { TSESTree } from '@typescript-eslint/utils';
import type * as ts from 'typescript';
import { typescript } from './typescript-module';
import { unlessTypeScriptFails } from './typescript-faults';

/** Whether the name `specifier` of `file` (text `text`) binds is such a value; undefined when the program cannot say. */
export type ImportedValueCheck = (file: string, text: string, specifier: TSESTree.ImportClause) => boolean | undefined;

/** Answers for the modules of `program`. */
export function importedValueCheck(program: ts.Program): ImportedValueCheck {
  const checker = program.getTypeChecker();
  return (file, text, specifier) => {
    const sourceFile = program.getSourceFile(file);
    if (!sourceFile || sourceFile.text !== text) return undefined;
    const name = importedNameAt(sourceFile, specifier.local.range[0], specifier.local.range[1]);
    if (!name) return undefined;
    return unlessTypeScriptFails(() => isKeptValue(checker, checker.getSymbolAtLocation(name)), undefined);
  };
}

function isKeptValue(checker: ts.TypeChecker, symbol: ts.Symbol | undefined): boolean | undefined {
  if (!symbol) return undefined;
  const { SymbolFlags } = typescript();
  const target = symbol.flags & SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  // A `const enum` is inlined: tsc marks no import for it (its unresolved `unknown` symbol is a property: a value).
  return (target.flags & SymbolFlags.Value) !== 0 && (target.flags & SymbolFlags.ConstEnum) === 0;
}

/** The name an import clause of `sourceFile` binds, spanning exactly `start` to `end`. */
function importedNameAt(sourceFile: ts.SourceFile, start: number, end: number): ts.Identifier | undefined {
  const ts = typescript();
  for (const statement of sourceFile.statements) {
    const clause = ts.isImportDeclaration(statement) && statement.pos <= start && end <= statement.end ? statement.importClause : undefined;
    if (!clause) continue;
    const bindings = clause.namedBindings;
    const names = [clause.name, ...(bindings && ts.isNamedImports(bindings) ? bindings.elements.map(e => e.name) : [bindings?.name])];
    return names.find(name => name !== undefined && name.getStart(sourceFile) === start && name.end === end);
  }
  return undefined;
}
