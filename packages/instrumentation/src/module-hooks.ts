/*
 * Module hooks, one per pool library, with bounded version ranges. Each hook
 * makes the library hand every new pool to `guard`: a subclass for exported
 * pool classes (pg-pool, generic-pool, tarn) and a wrapper for factory
 * functions (mysql2's createPool, generic-pool's createPool). Neither touches
 * a prototype method another instrumentation wraps. Patching is idempotent
 * (a Symbol marks what is already patched), and every hook's owner gets the
 * new pools whoever patched (offerPool); unpatching leaves the module as it
 * is, since pools created meanwhile keep their class, and a disabled
 * instrumentation's `guard` guards nothing.
 */
import { InstrumentationNodeModuleDefinition, InstrumentationNodeModuleFile } from '@opentelemetry/instrumentation';
import { markRunnerCheckouts, nameKnexPools } from './adapters/knex';
import { markClusterStatements } from './adapters/mysql2-cluster';
import { markPromisePoolConnections } from './adapters/mysql2-promise';
import { noteHooked } from './loaded-early';

const PATCHED = Symbol.for('poolguard.patched');

type Guard = (pool: object) => void;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyClass = (new (...args: any[]) => object) & { [PATCHED]?: true };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFactory = ((...args: any[]) => object) & { [PATCHED]?: true };

/** The version ranges poolguard is tested with; the README's table lists the same. */
export const SUPPORTED_VERSIONS = {
  'pg-pool': ['>=2.0.0 <4'],
  mysql2: ['>=3.0.0 <4'],
  'generic-pool': ['>=3.0.0 <4'],
  tarn: ['>=3.0.0 <4'],
  knex: ['>=0.95.0 <4'],
} as const;

/** ESM namespaces put CommonJS exports under `default`. */
function exportsOf<T>(module: T & { default?: T; [Symbol.toStringTag]?: string }): T {
  return module[Symbol.toStringTag] === 'Module' && module.default !== undefined ? module.default : module;
}

export function guardedSubclass<C extends AnyClass>(Base: C, guard: Guard): C {
  if (typeof Base !== 'function' || Base[PATCHED]) return Base;
  const Guarded: C = subclassOf(Base, guard, () => Guarded);
  Object.defineProperty(Guarded, 'name', { value: Base.name });
  Object.defineProperty(Guarded, PATCHED, { value: true });
  return Guarded;
}

/**
 * The guarded subclass of `Base`. It is defined under a computed key, so that
 * V8 itself names it after `Base` (JSON's "starting at object with constructor
 * 'Pool'", as without poolguard), not after a variable of poolguard's.
 */
function subclassOf<C extends AnyClass>(Base: C, guard: Guard, self: () => C): C {
  return ({
    [Base.name]: class extends Base {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      constructor(...args: any[]) {
        super(...args);
        guard(this);
      }

      /**
       * `pool instanceof Pool` answers as for the library's own class: a pool its
       * factory built with that class (generic-pool's createPool), or another
       * route's subclass of it (pg-pool imported from ESM and required by pg),
       * is one. An app's own subclass of this one keeps the usual answer.
       */
      static override [Symbol.hasInstance](value: unknown): boolean {
        return this === self() ? value instanceof Base : Function.prototype[Symbol.hasInstance].call(this, value);
      }
    },
  })[Base.name] as C;
}

export function guardedFactory<F extends AnyFactory>(factory: F, guard: Guard): F {
  if (typeof factory !== 'function' || factory[PATCHED]) return factory;
  const guarded = function (this: unknown, ...args: unknown[]) {
    const pool = factory.apply(this, args);
    if (pool !== null && typeof pool === 'object') guard(pool);
    return pool;
  } as F;
  Object.defineProperty(guarded, 'name', { value: factory.name });
  Object.defineProperty(guarded, 'length', { value: factory.length });
  Object.defineProperty(guarded, PATCHED, { value: true });
  return guarded;
}

/** An ES module namespace (import-in-the-middle's, under --import), as opposed to CommonJS exports. */
function isNamespace(module: object): boolean {
  return (module as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] === 'Module';
}

/**
 * Replaces `key` of the module's exports in place, whether it is a data
 * property or a getter (tarn's ESM interop). Under --import the module is an
 * ES namespace over the CommonJS exports: its named export (`import { Pool }
 * from 'tarn'`) is a binding of its own, set through the namespace.
 */
function replaceExport(module: object, key: string, make: (value: never) => unknown): void {
  const exports = exportsOf(module);
  const current = (exports as Record<string, unknown>)[key];
  if (current === undefined) return;
  const replacement = make(current as never);
  Object.defineProperty(exports, key, { value: replacement, writable: true, configurable: true, enumerable: true });
  if (exports !== module && isNamespace(module) && key in module) (module as Record<string, unknown>)[key] = replacement;
}

/**
 * Everyone who wants the new pools: each PoolGuardInstrumentation and the
 * preload, held weakly (each one's own module definitions hold its guard).
 * A library is patched once, by whichever hook ran first, so its patched
 * classes and factories hand each new pool to all of them, in the order they
 * came: the first enabled one guards it, and the rest find it guarded. So a
 * second instrumentation still gets pools, and the first one's disable()
 * leaves them to the next.
 */
const takers = new Set<WeakRef<Guard>>();

/** Hands `pool` to every taker still alive. */
export function offerPool(pool: object): void {
  for (const ref of takers) {
    const take = ref.deref();
    if (take === undefined) takers.delete(ref);
    else take(pool);
  }
}

export function moduleDefinitions(take: Guard): InstrumentationNodeModuleDefinition[] {
  takers.add(new WeakRef(take));
  // `take` first, then everyone: `take` stays alive with these definitions, and is asked once more (a no-op).
  const guard: Guard = (pool) => {
    take(pool);
    offerPool(pool);
  };
  const keep = <T>(exports: T) => exports;
  return [
    new InstrumentationNodeModuleDefinition('pg-pool', [...SUPPORTED_VERSIONS['pg-pool']], (module: AnyClass) => {
      noteHooked('pg-pool');
      // The class is the module: under --import, the namespace's default export.
      if (!isNamespace(module)) return guardedSubclass(module, guard);
      const namespace = module as unknown as { default?: AnyClass };
      if (namespace.default !== undefined) namespace.default = guardedSubclass(namespace.default, guard);
      return module;
    }, keep),
    new InstrumentationNodeModuleDefinition('mysql2', [...SUPPORTED_VERSIONS.mysql2], (module: object) => {
      noteHooked('mysql2');
      replaceExport(module, 'createPool', (f: AnyFactory) => guardedFactory(f, guard));
      return module;
    }, keep, [
      // mysql2/promise builds its core pool through this file, not through the main exports.
      new InstrumentationNodeModuleFile('mysql2/lib/create_pool.js', [...SUPPORTED_VERSIONS.mysql2],
        (createPool: AnyFactory) => guardedFactory(createPool, guard), keep),
      // PoolCluster builds its pools with `new Pool(...)` from this file (createPool does too: guarded once).
      new InstrumentationNodeModuleFile('mysql2/lib/pool.js', [...SUPPORTED_VERSIONS.mysql2],
        (Pool: AnyClass) => guardedSubclass(Pool, guard), keep),
      // The promise API's per-checkout wrapper gives its lease back as that lease (adapters/mysql2-promise.ts).
      new InstrumentationNodeModuleFile('mysql2/lib/promise/pool_connection.js', [...SUPPORTED_VERSIONS.mysql2], (PromisePoolConnection: AnyClass) => {
        markPromisePoolConnections(exportsOf(PromisePoolConnection));
        return PromisePoolConnection;
      }, keep),
      // Its namespaces' query()/execute() run one statement on a lease of their own (adapters/mysql2-cluster.ts).
      new InstrumentationNodeModuleFile('mysql2/lib/pool_cluster.js', [...SUPPORTED_VERSIONS.mysql2], (PoolCluster: AnyClass) => {
        markClusterStatements(exportsOf(PoolCluster));
        return PoolCluster;
      }, keep),
    ]),
    new InstrumentationNodeModuleDefinition('generic-pool', [...SUPPORTED_VERSIONS['generic-pool']], (module: object) => {
      noteHooked('generic-pool');
      replaceExport(module, 'Pool', (C: AnyClass) => guardedSubclass(C, guard));
      replaceExport(module, 'createPool', (f: AnyFactory) => guardedFactory(f, guard));
      return module;
    }, keep),
    new InstrumentationNodeModuleDefinition('tarn', [...SUPPORTED_VERSIONS.tarn], (module: object) => {
      noteHooked('tarn');
      replaceExport(module, 'Pool', (C: AnyClass) => guardedSubclass(C, guard));
      return module;
    }, keep),
    // knex's query runner takes a connection for one statement, and its client names the server (adapters/knex.ts).
    new InstrumentationNodeModuleDefinition('knex', [...SUPPORTED_VERSIONS.knex], (module: object) => {
      noteHooked('knex');
      return module;
    }, keep, [
      new InstrumentationNodeModuleFile('knex/lib/execution/runner.js', [...SUPPORTED_VERSIONS.knex], (Runner: AnyClass) => {
        markRunnerCheckouts(exportsOf(Runner).prototype);
        return Runner;
      }, keep),
      new InstrumentationNodeModuleFile('knex/lib/client.js', [...SUPPORTED_VERSIONS.knex], (Client: AnyClass) => {
        nameKnexPools(exportsOf(Client).prototype);
        return Client;
      }, keep),
    ]),
  ];
}
