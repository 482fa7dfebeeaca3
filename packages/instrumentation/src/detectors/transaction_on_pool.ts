/*
 * transaction_on_pool: BEGIN / START TRANSACTION sent through pool.query.
 * Each pool.query may run on a different connection, so the BEGIN opens a
 * transaction on a connection that goes straight back to the pool, and the
 * statements after it run outside it. A text of one statement is judged by
 * its first keyword; a text of several is read statement by statement, and
 * one that ends the transaction it starts (a whole `BEGIN; …; COMMIT` sent at
 * once runs on one connection) is silent. No SQL text ever reaches telemetry.
 */
import { isMultiStatement, TRANSACTION_START, transactionOpenAfter, withoutLeadingComments, type Dialect } from '../sql-statements';
import type { KindInfo } from './kind-info';

export const info: KindInfo = {
  summary: 'A transaction statement was sent through pool.query, where each statement may land on another connection.',
  fix: 'Check out one client with pool.connect() and run BEGIN … COMMIT on it.',
};

/** Lower-cases an ASCII letter's char code. */
const lower = (code: number) => code | 0x20;

/** True when `sql`, sent through pool.query, leaves a transaction open on the connection it ran on. */
export function leavesTransactionOpen(sql: string, dialect: Dialect = 'postgres'): boolean {
  if (startsTransaction(sql)) return transactionOpenAfter(sql, false, dialect);
  // Rare: several statements, the first no transaction's (`SET …; BEGIN; …`).
  return isMultiStatement(sql) && transactionOpenAfter(sql, false, dialect);
}

function startsTransaction(sql: string): boolean {
  // Hot (every pool.query): decide on the first two letters where possible, with no allocation.
  // Only "be…" and "st…", or a statement that starts with whitespace or a comment, go to the regexes.
  const first = sql.charCodeAt(0);
  if (first > 0x2f) {
    const second = lower(sql.charCodeAt(1));
    const begins = lower(first) === 0x62 /* b */ && second === 0x65; /* e */
    const starts = lower(first) === 0x73 /* s */ && second === 0x74; /* t */
    if (!begins && !starts) return false;
    return TRANSACTION_START.test(sql);
  }
  return TRANSACTION_START.test(withoutLeadingComments(sql));
}
