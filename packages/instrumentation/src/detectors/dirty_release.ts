/*
 * dirty_release: a connection released inside an open or aborted transaction.
 * The pool lends it as is, so the next borrower's statements run inside the
 * leftover transaction (or fail with "current transaction is aborted").
 * A destroy (pg's release(err)) discards the connection and is never dirty.
 */
import type { TransactionState } from '../types';
import type { KindInfo } from './kind-info';

export const info: KindInfo = {
  summary: 'A connection was released inside an open or aborted transaction, so the next borrower inherits it.',
  fix: 'COMMIT or ROLLBACK before release, or release(err) to discard the connection.',
};

export function isDirtyRelease(destroy: boolean, transaction: TransactionState): boolean {
  return !destroy && (transaction === 'open' || transaction === 'aborted');
}
