/*
 * transaction_on_pool: BEGIN / START TRANSACTION sent through pool.query.
 * Each pool.query may run on a different connection, so the BEGIN opens a
 * transaction on a connection that goes straight back to the pool, and the
 * statements after it run outside it. The first keyword decides; only a text
 * that starts a transaction is read further, and one that also ends it (a
 * whole `BEGIN; …; COMMIT` sent at once runs on one connection) is silent. No
 * SQL text ever reaches telemetry.
 */
import type { KindInfo } from './kind-info';

export const info: KindInfo = {
  summary: 'A transaction statement was sent through pool.query, where each statement may land on another connection.',
  fix: 'Check out one client with pool.connect() and run BEGIN … COMMIT on it.',
};

const LEADING_COMMENTS = /^(?:\s+|--[^\n]*\n?|\/\*[\s\S]*?\*\/)*/;
// MariaDB's `BEGIN NOT ATOMIC … END` is a compound statement, not a transaction.
const TRANSACTION_START = /^(?:BEGIN(?!\s+NOT\s+ATOMIC\b)|START\s+TRANSACTION)\b/i;

/** Lower-cases an ASCII letter's char code. */
const lower = (code: number) => code | 0x20;

/** True when `sql`, sent through pool.query, leaves a transaction open on the connection it ran on. */
export function leavesTransactionOpen(sql: string): boolean {
  return startsTransaction(sql) && transactionOpenAfter(sql);
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
  return TRANSACTION_START.test(sql.replace(LEADING_COMMENTS, ''));
}

// After a statement's first keyword: COMMIT/ROLLBACK/END/ABORT close a transaction, unless
// `… AND CHAIN` opens the next one at once or `ROLLBACK TO` only unwinds to a savepoint.
const TRANSACTION_CLOSE = /^(?:COMMIT|ROLLBACK|END|ABORT)\b(?!\s+TO\b)(?![^;]*\bAND\s+CHAIN\b)/i;

/**
 * Follows the transaction statements of a multi-statement text, outside quotes,
 * dollar quotes and comments: true when the last one leaves a transaction open.
 */
function transactionOpenAfter(sql: string): boolean {
  let open = false;
  for (const statement of statements(sql)) {
    const text = statement.replace(LEADING_COMMENTS, '');
    if (TRANSACTION_START.test(text)) open = true;
    else if (TRANSACTION_CLOSE.test(text)) open = false;
  }
  return open;
}

const DOLLAR_TAG = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/;

/** The statements of `sql`, split at semicolons that are not inside a literal, identifier or comment. */
function* statements(sql: string): Generator<string> {
  let start = 0;
  let i = 0;
  while (i < sql.length) {
    const char = sql[i]!;
    if (char === ';') {
      yield sql.slice(start, i);
      start = ++i;
    } else if (char === "'" || char === '"' || char === '`') {
      const end = sql.indexOf(char, i + 1);
      i = end < 0 ? sql.length : end + 1; // a doubled quote is two literals back to back: same split
    } else if (char === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
    } else if (char === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (char === '$' && DOLLAR_TAG.test(sql.slice(i, i + 64))) {
      const tag = DOLLAR_TAG.exec(sql.slice(i, i + 64))![0];
      const end = sql.indexOf(tag, i + tag.length);
      i = end < 0 ? sql.length : end + tag.length;
    } else {
      i++;
    }
  }
  yield sql.slice(start);
}
