/*
 * transaction_on_pool: BEGIN / START TRANSACTION sent through pool.query.
 * Each pool.query may run on a different connection, so the BEGIN opens a
 * transaction on a connection that goes straight back to the pool, and the
 * statements after it run outside it. Only the statement's first keyword is
 * looked at; no SQL text ever reaches telemetry.
 */
import type { KindInfo } from './kind-info';

export const info: KindInfo = {
  summary: 'A transaction statement was sent through pool.query, where each statement may land on another connection.',
  fix: 'Check out one client with pool.connect() and run BEGIN … COMMIT on it.',
};

const LEADING_COMMENTS = /^(?:\s+|--[^\n]*\n?|\/\*[\s\S]*?\*\/)*/;
const TRANSACTION_START = /^(?:BEGIN|START\s+TRANSACTION)\b/i;

export function startsTransaction(sql: string): boolean {
  // Cheap first: most statements start with a letter other than b/s.
  const first = sql.charCodeAt(0) | 0x20;
  if (first !== 0x62 /* b */ && first !== 0x73 /* s */ && sql.charCodeAt(0) > 0x2f) return false;
  return TRANSACTION_START.test(sql.replace(LEADING_COMMENTS, ''));
}
