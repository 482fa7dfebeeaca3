// Placeholder demo until the demo issue lands: guards a pool on the local
// PostgreSQL, commits two classic mistakes and prints what poolguard saw.
import pg from 'pg';
import { guardPool } from '@poolguard/instrumentation';

const seen = [];
const pool = guardPool(
  new pg.Pool({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', max: 2 }),
  { name: 'demo', onViolation: (v) => seen.push(v) },
);

const client = await pool.connect();
await client.query('BEGIN');
client.release(); // dirty_release: the transaction is still open
await pool.query('SELECT 1').catch(() => {});
await client.query('SELECT 1').catch(() => {}); // use_after_release
await pool.end();

console.log('poolguard saw:');
for (const v of seen) console.log(`  ${v.kind}: ${v.message}`);
