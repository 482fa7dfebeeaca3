/*
 * What poolguard reads of SQL text: the transaction statements among a
 * text's statements (BEGIN, START TRANSACTION; COMMIT, ROLLBACK, END, ABORT,
 * PREPARE TRANSACTION), split at semicolons outside literals, quoted
 * identifiers, dollar quotes and comments (PostgreSQL's block comments nest).
 * A backslash escapes a quote where the dialect says so: in PostgreSQL's
 * E'…' strings, and in MySQL's and MariaDB's '…' and "…" strings. Nothing of
 * it ever reaches telemetry.
 */

/** Whose string literals: PostgreSQL's, or MySQL's and MariaDB's (backslash escapes on, their default). */
export type Dialect = 'postgres' | 'mysql';

// MariaDB's `BEGIN NOT ATOMIC … END` is a compound statement, not a transaction.
export const TRANSACTION_START = /^(?:BEGIN(?!\s+NOT\s+ATOMIC\b)|START\s+TRANSACTION)\b/i;
// COMMIT/ROLLBACK/END/ABORT close a transaction (so does PREPARE TRANSACTION, which hands it to
// two-phase commit and leaves the session idle), unless `… AND CHAIN` opens the next one at
// once, or `ROLLBACK [WORK|TRANSACTION] TO` only unwinds to a savepoint.
const TRANSACTION_CLOSE = /^(?:COMMIT|ROLLBACK|END|ABORT|PREPARE\s+TRANSACTION)\b(?!(?:\s+(?:WORK|TRANSACTION))?\s+TO\b)(?![^;]*\bAND\s+CHAIN\b)/i;

/** True when `sql` holds more than one statement (a `;` before its last non-blank character). */
export function isMultiStatement(sql: string): boolean {
  const at = sql.indexOf(';');
  return at >= 0 && at < sql.trimEnd().length - 1;
}

/** The transaction state after one statement, from `open` before it. */
export function openAfterStatement(statement: string, open: boolean): boolean {
  const text = withoutLeadingComments(statement);
  if (TRANSACTION_START.test(text)) return true;
  return TRANSACTION_CLOSE.test(text) ? false : open;
}

/** The transaction state after `sql`'s statements, from `open` before them. */
export function transactionOpenAfter(sql: string, open = false, dialect: Dialect = 'postgres'): boolean {
  for (const statement of statements(sql, dialect)) open = openAfterStatement(statement, open);
  return open;
}

/** True when `sql` ends a transaction it runs in (COMMIT, ROLLBACK, END, ABORT, PREPARE TRANSACTION), and opens no other. */
export function endsTransaction(sql: string, dialect: Dialect = 'postgres'): boolean {
  return !transactionOpenAfter(sql, true, dialect);
}

const isIdentifierChar = (char: string | undefined): boolean => char !== undefined && /[A-Za-z0-9_$]/.test(char);

/** True when a backslash escapes inside the literal that opens with `quote` at `at`. */
function backslashEscapes(sql: string, at: number, quote: string, dialect: Dialect): boolean {
  if (dialect === 'mysql') return quote !== '`';
  // PostgreSQL: only an E'…' string (`E` not the end of a longer word).
  return quote === "'" && (sql[at - 1] === 'E' || sql[at - 1] === 'e') && !isIdentifierChar(sql[at - 2]);
}

/** The index after the literal that opens with `quote` at `at` (the text's end if it never closes). */
function literalEnd(sql: string, at: number, quote: string, escapes: boolean): number {
  if (!escapes) {
    const end = sql.indexOf(quote, at + 1);
    return end < 0 ? sql.length : end + 1; // a doubled quote is two literals back to back: same split
  }
  for (let i = at + 1; i < sql.length; i++) {
    if (sql[i] === '\\') i++;
    else if (sql[i] === quote) return i + 1;
  }
  return sql.length;
}

const DOLLAR_TAG = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/;

/** The end of the block comment that opens at `from` (`/*`), nested ones included. */
function blockCommentEnd(sql: string, from: number): number {
  let depth = 0;
  for (let i = from; i < sql.length - 1; i++) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth++;
      i++;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--;
      i++;
      if (depth === 0) return i + 1;
    }
  }
  return sql.length;
}

/** `statement` from its first keyword: leading whitespace and comments (nested block comments too) left out. */
export function withoutLeadingComments(statement: string): string {
  let i = 0;
  for (;;) {
    while (i < statement.length && statement.charCodeAt(i) <= 0x20) i++;
    if (statement.startsWith('--', i)) {
      const end = statement.indexOf('\n', i);
      if (end < 0) return '';
      i = end + 1;
    } else if (statement.startsWith('/*', i)) {
      i = blockCommentEnd(statement, i);
    } else {
      return statement.slice(i);
    }
  }
}

/** The statements of `sql`, split at semicolons that are not inside a literal, identifier or comment. */
export function* statements(sql: string, dialect: Dialect = 'postgres'): Generator<string> {
  let start = 0;
  let i = 0;
  while (i < sql.length) {
    const char = sql[i]!;
    if (char === ';') {
      yield sql.slice(start, i);
      start = ++i;
    } else if (char === "'" || char === '"' || char === '`') {
      i = literalEnd(sql, i, char, backslashEscapes(sql, i, char, dialect));
    } else if (char === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
    } else if (char === '/' && sql[i + 1] === '*') {
      i = blockCommentEnd(sql, i);
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
