/*
 * Patches of a library's own prototypes, for the few places where its pool
 * work runs inside another of its objects (knex's query runner and client,
 * mysql2's PoolCluster namespaces). Never a method that
 * @opentelemetry/instrumentation-pg or -mysql2 wraps.
 */

type AnyFunction = (...args: unknown[]) => unknown;

/**
 * Replaces `proto[name]` with `make(original)`, once per prototype and
 * method: a marker under `library`'s name says it is done (a library may be
 * loaded and guarded twice).
 */
export function patchOnce(library: string, proto: object | null | undefined, name: string, make: (original: AnyFunction) => AnyFunction): void {
  const marker = Symbol.for(`poolguard.${library}.${name}`);
  const methods = proto as Record<string | symbol, unknown> | null | undefined;
  const original = methods?.[name];
  if (methods == null || typeof original !== 'function' || methods[marker] === true) return;
  Object.defineProperty(methods, name, { value: make(original as AnyFunction), writable: true, configurable: true, enumerable: false });
  Object.defineProperty(methods, marker, { value: true });
}
