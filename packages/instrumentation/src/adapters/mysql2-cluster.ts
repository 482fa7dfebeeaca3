/*
 * mysql2's PoolCluster: a namespace's query() and execute()
 * (`cluster.of(pattern).query`, and the promise cluster's, which calls them)
 * take a connection from one of the cluster's pools for one statement and
 * release it themselves, as pool.query does. That lease is the pool's own: not
 * held by the app (no leak, no nested_checkout), and a transaction opened
 * through it is transaction_on_pool, not a dirty release by the app. The
 * namespace class is not exported; it is reached through the first `of()`.
 */
import { asPoolStatement } from './kit';
import { patchOnce } from './patch-once';

function markNamespace(namespace: unknown): void {
  if (namespace === null || typeof namespace !== 'object') return;
  const proto = Object.getPrototypeOf(namespace) as object | null;
  for (const name of ['query', 'execute']) {
    patchOnce('mysql2.namespace', proto, name, (run) => function namespaceStatement(this: unknown, sql: unknown) {
      const args = arguments as unknown as unknown[];
      return asPoolStatement(sql, () => run.apply(this, args));
    });
  }
}

/** Patches `PoolCluster.prototype.of` so that the namespaces it returns mark their statements' checkouts. */
export function markClusterStatements(PoolCluster: unknown): void {
  const proto = (PoolCluster as { prototype?: object } | null | undefined)?.prototype;
  patchOnce('mysql2.cluster', proto, 'of', (of) => function ofNamespace(this: unknown) {
    const namespace = of.apply(this, arguments as unknown as unknown[]);
    markNamespace(namespace);
    return namespace;
  });
}
