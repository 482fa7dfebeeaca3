/**
 * TypeScript itself, for the typed checks and tsconfig reading only. It
 * loads on first use, never with the plugin: an untyped lint of a JavaScript
 * project (`configs.recommended`) does not pay for loading the compiler.
 */
import type * as TS from 'typescript';

let loaded: typeof TS | undefined;

export function typescript(): typeof TS {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand, see above
  return (loaded ??= require('typescript') as typeof TS);
}
