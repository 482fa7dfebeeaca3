/*
 * The package README as test input: code blocks tagged with an HTML comment
 * (`<!-- example: home-made-pool -->` right before a ```js fence) are run by
 * the tests, so the documented example is the tested one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const README_PATH = join(__dirname, '..', '..', 'README.md');

export function readme(): string {
  return readFileSync(README_PATH, 'utf8');
}

/** The code of the fenced block right after `<!-- example: <name> -->`. */
export function readmeExample(name: string): string {
  const match = new RegExp(`<!-- example: ${name} -->\\s*\\n\`\`\`(?:js|javascript)\\n([\\s\\S]*?)\\n\`\`\``).exec(readme());
  if (match === null) throw new Error(`README.md has no code block tagged <!-- example: ${name} -->`);
  return match[1]!;
}

export interface HomeMadePoolExample {
  // The example is plain JavaScript; its shapes are the test's business.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  TinyPool: new (connect: () => Promise<any>, max?: number) => any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  tinyPoolAdapter: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  pool: any;
}

/**
 * Runs the README's home-made pool example with the given `guardPool` and
 * `connect` in scope (it uses both), and returns what it defines.
 */
export function runHomeMadePoolExample(guardPool: (pool: object, options: object) => object, connect: () => Promise<object>): HomeMadePoolExample {
  const code = readmeExample('home-made-pool');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const run = new Function('guardPool', 'connect', `'use strict';\n${code}\nreturn { TinyPool, tinyPoolAdapter, pool };`) as (...args: unknown[]) => HomeMadePoolExample;
  return run(guardPool, connect);
}
