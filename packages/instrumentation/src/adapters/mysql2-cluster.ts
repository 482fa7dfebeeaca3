/*
 * mysql2's PoolCluster: a namespace's query() and execute()
 * (`cluster.of(pattern).query`, and the promise cluster's, which calls them)
 * take a connection from one of the cluster's pools for one statement and
 * release it themselves, as pool.query does. That lease is the pool's own: not
 * held by the app (no leak, no nested_checkout), and a transaction opened
 * through it is transaction_on_pool, not a dirty release by the app. The
 * namespace class is not exported; it is reached through the first `of()`.
 *
 * A checkout poolguard refuses (throw mode) reaches the cluster as the error
 * of one of its pools. mysql2 would count it against that node, retry the
 * statement on a checkout no longer marked as the pool's own, and after five
 * such errors remove a healthy node: so the refusal is delivered with the
 * cluster's retry off and the node's count untouched (refusalCallback).
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

type Cluster = { _canRetry?: unknown };

/** The cluster whose `_getConnection` is asking one of its pools for a connection right now. */
let checkingOutFor: Cluster | undefined;
/** The cluster a refusal is being delivered to: its node's error count stays as it is. */
let refusingTo: Cluster | undefined;

/**
 * Patches `PoolCluster.prototype.of` so that the namespaces it returns mark
 * their statements' checkouts, and the cluster's checkout and error count so
 * that a refusal is not taken for a failing node.
 */
export function markClusterStatements(PoolCluster: unknown): void {
  const proto = (PoolCluster as { prototype?: object } | null | undefined)?.prototype;
  patchOnce('mysql2.cluster', proto, 'of', (of) => function ofNamespace(this: unknown) {
    const namespace = of.apply(this, arguments as unknown as unknown[]);
    markNamespace(namespace);
    return namespace;
  });
  patchOnce('mysql2.cluster', proto, '_getConnection', (getConnection) => function clusterCheckout(this: Cluster) {
    const outer = checkingOutFor;
    checkingOutFor = this;
    try {
      return getConnection.apply(this, arguments as unknown as unknown[]);
    } finally {
      checkingOutFor = outer;
    }
  });
  patchOnce('mysql2.cluster', proto, '_increaseErrorCount', (increase) => function increaseErrorCount(this: Cluster) {
    return refusingTo === this ? undefined : increase.apply(this, arguments as unknown as unknown[]);
  });
}

/**
 * The callback to deliver a refusal through, for a checkout a PoolCluster
 * asked one of its pools for: called with the cluster's retry off and its
 * node's error count untouched, so the namespace passes the refusal on to the
 * app's callback or promise. Any other checkout's callback is returned as it is.
 */
export function refusalCallback(callback: unknown): unknown {
  const cluster = checkingOutFor;
  if (cluster === undefined || typeof callback !== 'function') return callback;
  return function deliverRefusal(this: unknown) {
    const [outer, canRetry] = [refusingTo, cluster._canRetry];
    refusingTo = cluster;
    cluster._canRetry = false;
    try {
      return (callback as (...args: unknown[]) => unknown).apply(this, arguments as unknown as unknown[]);
    } finally {
      refusingTo = outer;
      cluster._canRetry = canRetry;
    }
  };
}
