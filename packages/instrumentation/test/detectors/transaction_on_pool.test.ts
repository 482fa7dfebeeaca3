/*
 * transaction_on_pool on a real pg pool: BEGIN / START TRANSACTION sent
 * through pool.query, where each statement may land on another connection.
 * A whole transaction sent as one text is silent. No SQL text reaches telemetry.
 */
import assert from 'node:assert/strict';
import { guardPool, runInTask } from '../../src';
import { inSpan, resetTelemetry, setupTelemetry } from '../helpers/otel';
import { newPool } from '../helpers/pg';
import { endPool, expectSilent, expectViolations, poolViolations, spanViolationEvents, violationCount } from '../helpers/violations';

/** Statements that start a transaction; each carries a marker that must never be exported. */
const STARTS: { label: string; query: string | { text: string } }[] = [
  { label: 'BEGIN', query: 'BEGIN' },
  { label: 'lower case, isolation level', query: 'begin isolation level serializable' },
  { label: 'leading spaces, START TRANSACTION', query: '  start transaction read only' },
  { label: 'a config object', query: { text: 'BEGIN READ WRITE' } },
  { label: 'a leading block comment', query: '/* tx-marker-7731 */ BEGIN' },
  { label: 'a leading nested block comment (PostgreSQL\'s nest)', query: '/* tx-marker-2206 /* inner */ still the comment */ BEGIN' },
  { label: 'a leading line comment', query: '-- tx-marker-5512\nSTART   TRANSACTION' },
  { label: 'newlines and tabs', query: '\n\t BeGiN;' },
];

function textOf(query: string | { text: string }): string {
  return typeof query === 'string' ? query : query.text;
}

describe('transaction_on_pool', () => {
  before(() => setupTelemetry());
  beforeEach(() => resetTelemetry());

  for (const { label, query } of STARTS) {
    it(`reports pool.query with ${label}`, async () => {
      const name = `top-${label}`;
      const pool = guardPool(newPool({ max: 1 }), { name });
      try {
        await inSpan(`top-span-${label}`, async () => {
          await pool.query(query);
        });
        // The internal lease then goes back inside the transaction it opened; that is
        // the same mistake, reported once as transaction_on_pool, not again as dirty_release.
        const [record] = expectViolations(name, 'transaction_on_pool', 1, { leaseId: null });
        assert.equal(poolViolations(name, 'dirty_release').length, 0);
        const events = spanViolationEvents(`top-span-${label}`, 'transaction_on_pool');
        assert.equal(events.length, 1);
        assert.equal(await violationCount(name, 'transaction_on_pool'), 1);
        // No SQL text anywhere: not in the body, not in log or span event attributes.
        const exported = JSON.stringify([record!.body, record!.attributes, events[0]!.attributes]);
        const sql = textOf(query).trim();
        if (sql !== 'BEGIN') assert.ok(!exported.includes(sql), `the statement leaked: ${exported}`);
        assert.ok(!exported.includes('tx-marker'));
        assert.ok(!exported.toLowerCase().includes('serializable'));
        assert.ok(!exported.toLowerCase().includes('read only'));
      } finally {
        await endPool(pool);
      }
    });
  }

  it('a plain statement through pool.query is silent', async () => {
    const name = 'top-select';
    const pool = guardPool(newPool(), { name });
    try {
      await pool.query('SELECT 1');
      await pool.query({ text: 'SELECT $1::int', values: [1] });
      await pool.query('/* comment */ SELECT 1');
      await pool.query('select \'BEGIN\'');
      await pool.query('SET statement_timeout = 1000');
      await pool.query('SHOW server_version');
      expectSilent(name);
    } finally {
      await endPool(pool);
    }
  });

  it('a whole transaction sent as one text is silent: it runs on one connection', async () => {
    const name = 'top-whole';
    const pool = guardPool(newPool({ max: 1 }), { name });
    try {
      await pool.query('BEGIN; SELECT 1; COMMIT');
      await pool.query('begin isolation level serializable; select \'a;b\'; rollback;');
      await pool.query('START TRANSACTION; /* ; */ SELECT 1; -- ;\n END');
      await pool.query('BEGIN; DO $$BEGIN PERFORM 1; END$$; COMMIT');
      await pool.query('BEGIN; SELECT 1; ABORT');
      await pool.query("SELECT E'it\\'s; BEGIN'"); // one statement: the quote is escaped inside an E'…' string
      expectSilent(name);
    } finally {
      await endPool(pool);
    }
  });

  it('a text that leaves its transaction open is reported, however it ends', async () => {
    const name = 'top-left-open';
    const pool = guardPool(newPool({ max: 1 }), { name });
    const texts = [
      'BEGIN; SELECT 1',
      "BEGIN; SELECT ';COMMIT'",
      'BEGIN; SELECT 1 /* ; COMMIT */',
      'BEGIN; DO $$BEGIN PERFORM 1; END$$',
      'BEGIN; SAVEPOINT s; ROLLBACK TO s',
      'BEGIN; COMMIT AND CHAIN',
      'BEGIN; COMMIT; BEGIN',
      'BEGIN; SAVEPOINT s; ROLLBACK WORK TO SAVEPOINT s',
      'BEGIN; SELECT 1; /* outer /* nested */ COMMIT */',
      'SELECT 1; BEGIN; SELECT 2',
      'SET search_path TO public; BEGIN; SELECT 1',
      "SELECT E'\\''; BEGIN", // the E'…' string ends after its escaped quote
    ];
    try {
      for (const text of texts) {
        await pool.query(text);
        await pool.query('ROLLBACK'); // a warning when no transaction is open; closes the one left open
      }
      expectViolations(name, 'transaction_on_pool', texts.length, { leaseId: null });
    } finally {
      await endPool(pool);
    }
  });

  it('BEGIN on a checked-out client is silent', async () => {
    const name = 'top-client';
    const pool = guardPool(newPool(), { name });
    try {
      await runInTask(async () => {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await client.query('START TRANSACTION'); // a warning from the server, not a misuse
          await client.query('COMMIT');
        } finally {
          client.release();
        }
      });
      expectSilent(name);
    } finally {
      await endPool(pool);
    }
  });
});
