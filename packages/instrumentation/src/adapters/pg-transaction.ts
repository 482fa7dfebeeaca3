/*
 * A pg client's transaction state, for dirty_release and the task layer.
 * Newer pg has getTransactionStatus(); older ones keep the ReadyForQuery
 * status in _txStatus. A client whose connection failed or is ending holds
 * no session a next borrower could inherit: its last status means nothing.
 *
 * While statements are in flight (no ReadyForQuery yet for the last one),
 * that status is the one from before them. pg fails a statement at its
 * ErrorResponse, which the server flushes at once, so the app's release in
 * its catch or finally usually comes first. The state they will leave is
 * then read from their text where it tells (stateAfterInFlight); else from
 * their ReadyForQuery when it comes (whenSettled).
 */
import { isMultiStatement, transactionOpenAfter } from '../sql-statements';
import { sqlOf } from './kit';
import type { TransactionReader } from '../internal-types';
import type { TransactionState } from '../types';

export interface PgTransactionClient {
  getTransactionStatus?(): string | null;
  _txStatus?: string | null;
  _queryable?: boolean;
  _ending?: boolean;
  _ended?: boolean;
  readyForQuery?: boolean;
  pipeline?: boolean;
  connection?: unknown;
  _activeQuery?: unknown;
  _queryQueue?: unknown[];
}

export function pgStatus(status: string | null | undefined): TransactionState {
  switch (status) {
    case 'I': return 'idle';
    case 'T': return 'open';
    case 'E': return 'aborted';
    default: return 'unknown';
  }
}

/**
 * The statements the server has not answered with ReadyForQuery yet, in
 * order: pg's active query and its queue (outside pipeline mode). pg drops the active query at its
 * ErrorResponse; it was then the last one submitted, if nothing waits after
 * it (else which one failed is not known: undefined).
 */
function inFlight(client: PgTransactionClient, lastSubmitted: unknown): unknown[] | undefined {
  // Pipeline mode keeps more statements on the wire, in a queue of its own: their ReadyForQuery will say.
  if (client.pipeline === true) return undefined;
  const queue = client._queryQueue ?? [];
  if (client._activeQuery != null) return [client._activeQuery, ...queue];
  return queue.length === 0 ? [lastSubmitted] : undefined;
}

/**
 * The state the statements in flight will leave, from `before`. A statement
 * that fails inside a transaction aborts it and one that succeeds keeps it:
 * either way one is open. Only COMMIT, ROLLBACK and their kin end one and
 * only BEGIN opens one, failing or not. Unknown when a statement has no text
 * (a Submittable of its own, without `text`) or is one text of several statements that
 * begins or ends a transaction: an error skips the rest of such a text.
 */
function stateAfterInFlight(statements: unknown[] | undefined, before: TransactionState): TransactionState {
  if (before === 'unknown' || statements === undefined) return 'unknown';
  let open = before !== 'idle';
  for (const statement of statements) {
    const text = sqlOf(statement);
    if (text === undefined) return 'unknown';
    const after = transactionOpenAfter(text, open);
    if (after !== open && isMultiStatement(text)) return 'unknown';
    open = after;
  }
  if (!open) return 'idle';
  return before === 'aborted' ? 'aborted' : 'open';
}

/** The client's transaction reader; `lastSubmitted` is the text of the last statement passed to its query(). */
export function pgTransaction(client: PgTransactionClient, lastSubmitted: () => string | undefined): TransactionReader {
  const dead = (): boolean => client._queryable === false || client._ending === true || client._ended === true;
  const status = typeof client.getTransactionStatus === 'function' ? () => client.getTransactionStatus!() : () => client._txStatus;
  const reader: TransactionReader = () => {
    if (dead()) return 'unknown';
    const before = pgStatus(status());
    return client.readyForQuery === false ? stateAfterInFlight(inFlight(client, lastSubmitted()), before) : before;
  };
  reader.whenSettled = (then) => {
    const connection = client.connection as { once?: (event: string, listener: (message?: { status?: string }) => void) => void } | undefined;
    if (dead() || client.readyForQuery !== false || typeof connection?.once !== 'function') return false;
    // Heard after the client's own listener; the message carries the status whatever the client does next.
    connection.once('readyForQuery', (message) => then(pgStatus(message?.status)));
    return true;
  };
  return reader;
}
