/**
 * Typed receivers: whether `ipc.send(x)` calls a method of the user's own
 * class that forwards its argument to a channel (`send(msg) {
 * this.child.send(msg) }`), wherever the class is declared.
 *
 * channel-types calls a receiver of a known class that is no channel
 * in-process code; a wrapper whose method hands the message on is a channel
 * all the same, as an object literal's forwarding method is (local-objects).
 * The method's declaration is found through the type checker and read as
 * ESTree: from the linted file's own parse, or another file's parse from
 * module-parse. A method declared only in a `.d.ts`, or without a body, shows
 * nothing and is left in-process.
 */
import type { ParserServicesWithTypeInformation, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import type * as ts from 'typescript';
import { typescript } from './typescript-module';
import { isFunctionNode, unwrap, walk, type FunctionNode } from './ast';
import { forwards } from './local-objects';
import type { ParsedSource } from './module-references';
import { parseModule, type ParsedModule } from './module-parse';

/** Whether the method `callee` names is declared in a class with a body that forwards its argument. */
export function callsForwardingMethod(
  services: ParserServicesWithTypeInformation,
  linted: ParsedSource,
  callee: TSESTree.MemberExpression,
): boolean {
  const declarations = services.getSymbolAtLocation(callee.property)?.getDeclarations() ?? [];
  return declarations.some(declaration => {
    const file = declaration.getSourceFile();
    if (file.isDeclarationFile || !isClassMember(declaration)) return false;
    const own = services.tsNodeToESTreeNodeMap.get(declaration) as TSESTree.Node | undefined;
    const found = own ? methodFunction(own) : functionInModule(file.fileName, declaration.name.getStart());
    return found !== undefined && forwards(found.source ?? linted, found.fn);
  });
}

type ClassMember = ts.MethodDeclaration | ts.PropertyDeclaration;

function isClassMember(declaration: ts.Declaration): declaration is ClassMember {
  return (
    (typescript().isMethodDeclaration(declaration) || typescript().isPropertyDeclaration(declaration)) &&
    typescript().isClassLike(declaration.parent)
  );
}

interface FoundMethod {
  fn: FunctionNode;
  /** The parse it stands in, when it is another file's. */
  source?: ParsedSource;
}

/** The function a class member's ESTree node holds: `send(m) {}`, `send = (m) => ...`. */
function methodFunction(member: TSESTree.Node, source?: ParsedSource): FoundMethod | undefined {
  if (member.type !== AST_NODE_TYPES.MethodDefinition && member.type !== AST_NODE_TYPES.PropertyDefinition) return undefined;
  const value = member.value && unwrap(member.value);
  return isFunctionNode(value) ? { fn: value, source } : undefined;
}

/** The class member of another file whose name starts at `nameStart`, from its parse by module-parse. */
function functionInModule(file: string, nameStart: number): FoundMethod | undefined {
  const parsed = parseModule(file);
  const member = parsed && membersOf(parsed).get(nameStart);
  return member && methodFunction(member, parsed.source);
}

/** Each class member of a parsed module by where its name starts, indexed once per parse. */
function membersOf(parsed: ParsedModule): Map<number, TSESTree.Node> {
  let members = memberIndex.get(parsed);
  if (!members) {
    const found = new Map<number, TSESTree.Node>();
    walk(parsed.source.ast, parsed.source.visitorKeys, node => {
      if (node.type === AST_NODE_TYPES.MethodDefinition || node.type === AST_NODE_TYPES.PropertyDefinition) {
        found.set(node.key.range[0], node);
      }
    });
    members = found;
    memberIndex.set(parsed, members);
  }
  return members;
}

const memberIndex = new WeakMap<ParsedModule, Map<number, TSESTree.Node>>();
