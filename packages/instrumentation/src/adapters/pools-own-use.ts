/*
 * A pool's own use of a connection no one holds: a factory's validate(),
 * which tests an idle connection before lending it, and its destroy(), which
 * may run a statement (DISCARD ALL, ROLLBACK) before closing one the pool
 * evicts, reaps or clears. Until such a call settles, the connection's uses
 * are the pool's, as in the hand-out window of a lease (`lending`), not a use
 * after release.
 */
import type { ConnectionState } from '../internal-types';
import { connectionStateOf } from '../lease';
import type { AnyFunction } from './kit';

/** `method`, called on `self` with a resource first: its uses of a resource nobody holds are the pool's own. */
export function poolsOwnUse(self: unknown, method: AnyFunction): AnyFunction {
  return function ownUse(this: unknown, resource: unknown): unknown {
    const conn = resource !== null && typeof resource === 'object' ? connectionStateOf(resource) : undefined;
    if (conn === undefined || conn.leased || conn.lending) return method.apply(self, arguments as unknown as unknown[]);
    conn.lending = true;
    const done = () => endOwnUse(conn);
    try {
      const result = method.apply(self, arguments as unknown as unknown[]) as unknown;
      if (result !== null && typeof (result as PromiseLike<unknown>)?.then === 'function') {
        return Promise.resolve(result).finally(done);
      }
      done();
      return result;
    } catch (err) {
      done();
      throw err;
    }
  };
}

function endOwnUse(conn: ConnectionState): void {
  if (!conn.leased) conn.lending = false;
}
