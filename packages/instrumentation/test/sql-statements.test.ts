/*
 * What poolguard reads of SQL text (sql-statements.ts): where statements
 * split and whether a transaction is left open, per dialect. PostgreSQL
 * escapes a quote with a backslash only in E'…' strings; MySQL and MariaDB
 * in every '…' and "…" string (their default, NO_BACKSLASH_ESCAPES off).
 */
import assert from 'node:assert/strict';
import { statements, transactionOpenAfter } from '../src/sql-statements';

describe('sql-statements', () => {
  it('PostgreSQL: a backslash escapes a quote only inside an E\'…\' string', () => {
    assert.deepEqual([...statements("SELECT E'it\\'s; BEGIN'")], ["SELECT E'it\\'s; BEGIN'"]);
    assert.deepEqual([...statements("SELECT e'\\\\'; BEGIN")], ["SELECT e'\\\\'", ' BEGIN']);
    assert.equal(transactionOpenAfter("SELECT E'\\''; BEGIN"), true);
    // A standard string keeps its backslash: the literal ends at the next quote.
    assert.equal(transactionOpenAfter("SELECT 'C:\\'; BEGIN"), true);
    // `E` ending a longer word is no prefix: `CASE'…'` is not an E-string (and `ne'` neither).
    assert.deepEqual([...statements("SELECT name'\\'; BEGIN")], ["SELECT name'\\'", ' BEGIN']);
  });

  it('MySQL and MariaDB: a backslash escapes a quote in \'…\' and "…", not in `…`', () => {
    assert.equal(transactionOpenAfter("SELECT 'it\\'s; BEGIN'", false, 'mysql'), false);
    assert.equal(transactionOpenAfter('SELECT "say \\"hi\\"; BEGIN"', false, 'mysql'), false);
    assert.equal(transactionOpenAfter("SELECT '\\\\'; BEGIN", false, 'mysql'), true);
    assert.equal(transactionOpenAfter('SELECT `a\\`; BEGIN', false, 'mysql'), true);
    // Read as PostgreSQL, a backslash in a standard string is a character: the literal ends, BEGIN runs.
    assert.equal(transactionOpenAfter("SELECT 'x\\'; BEGIN"), true);
  });

  it('PREPARE TRANSACTION hands the transaction to two-phase commit: the session is left idle', () => {
    assert.equal(transactionOpenAfter("BEGIN; UPDATE t SET a = 1; PREPARE TRANSACTION 'tx-1'"), false);
    assert.equal(transactionOpenAfter("BEGIN; PREPARE TRANSACTION 'tx-1'; BEGIN"), true);
  });

  it('doubled quotes, dollar quotes and nested comments split as before', () => {
    assert.deepEqual([...statements("SELECT 'a''b;c'; SELECT 2")], ["SELECT 'a''b;c'", ' SELECT 2']);
    assert.equal(transactionOpenAfter("BEGIN; SELECT E'a''b'; COMMIT"), false);
    assert.equal(transactionOpenAfter('BEGIN; DO $f$BEGIN PERFORM 1; END$f$'), true);
    assert.equal(transactionOpenAfter('BEGIN; /* a /* b */ ; */ COMMIT'), false);
  });
});
