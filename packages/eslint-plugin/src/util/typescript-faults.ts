/**
 * TypeScript's checker can throw while it answers a typed question: seen
 * with `parserOptions.project` in single-run mode (`CI=true`), where building
 * the message of an unresolved import crashed inside its module-specifier
 * code (`Cannot read properties of undefined (reading 'includes')`). A typed
 * check is an addition to the syntax verdict, so such a fault costs that
 * check only: it answers as if the type said nothing, and the lint goes on.
 * Faults of this plugin's own code, whose stacks do not start in TypeScript,
 * still throw.
 */

/** `check()`, or `fallback` when TypeScript itself throws inside it. */
export function unlessTypeScriptFails<T>(check: () => T, fallback: T): T {
  try {
    return check();
  } catch (err) {
    if (thrownByTypeScript(err)) return fallback;
    throw err;
  }
}

/** True when the innermost frame of `err`'s stack is TypeScript's own library. */
export function thrownByTypeScript(err: unknown): boolean {
  if (!(err instanceof Error) || typeof err.stack !== 'string') return false;
  const frame = err.stack.split('\n').find(line => /^\s+at /.test(line));
  return frame !== undefined && /[\\/]typescript[\\/]lib[\\/][\w.]+\.js:/.test(frame);
}
