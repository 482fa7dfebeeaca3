/**
 * What the rule tests share: RuleTester wired to mocha, and `code`, which
 * strips the first newline and the common indentation of a template literal
 * so that the line and column an invalid case pins read naturally.
 */
import { RuleTester } from '@typescript-eslint/rule-tester';
import { after, describe, it } from 'mocha';

RuleTester.afterAll = after;
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

export { RuleTester };

export function code(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = String.raw({ raw: strings }, ...values).replace(/^\n/, '').replace(/\n\s*$/, '');
  const indent = Math.min(...raw.split('\n').filter(l => l.trim()).map(l => /^ */.exec(l)![0].length));
  return raw
    .split('\n')
    .map(l => l.slice(indent))
    .join('\n');
}
