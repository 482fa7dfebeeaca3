/*
 * knex's query runner checks a connection out for one statement and releases
 * it itself (Runner#ensureConnection), like pool.query's internal lease. Such
 * a lease is not one the app holds: a task whose own queries fill the pool
 * while it starts another waits for knex, not for itself (no nested_checkout),
 * and a long query is no leak. A transaction's or the app's own
 * acquireConnection() still holds its lease. The runner's checkout is marked
 * while ensureConnection runs synchronously, up to and including its acquire.
 */
const MARKED = Symbol.for('poolguard.knexRunner');

let runnerCheckouts = 0;

/** True while knex's query runner is checking a connection out. */
export function inKnexRunnerCheckout(): boolean {
  return runnerCheckouts > 0;
}

type RunnerPrototype = { ensureConnection?: unknown; [MARKED]?: true };

/** Marks the checkouts of knex's Runner class (its prototype); once per class. */
export function markRunnerCheckouts(proto: RunnerPrototype | null | undefined): void {
  const original = proto?.ensureConnection;
  if (proto == null || typeof original !== 'function' || proto[MARKED] === true) return;
  const ensure = original as (...args: unknown[]) => unknown;
  Object.defineProperty(proto, 'ensureConnection', {
    value: function ensureConnection(this: unknown) {
      runnerCheckouts++;
      try {
        return ensure.apply(this, arguments as unknown as unknown[]);
      } finally {
        runnerCheckouts--;
      }
    },
    writable: true,
    configurable: true,
    enumerable: false,
  });
  Object.defineProperty(proto, MARKED, { value: true });
}

/** The Runner class of a knex instance's client, found by making one runner (its constructor only stores fields). */
export function markKnexInstance(client: { runner?: (builder: unknown) => unknown }): void {
  if (typeof client.runner !== 'function') return;
  markRunnerCheckouts(Object.getPrototypeOf(client.runner.call(client, {})) as RunnerPrototype | null);
}
