// The HTTP app for bench/http.mjs: every request checks out a client, runs a
// short transaction and releases it. argv[2] is "raw" or "guarded". Prints
// the port on stdout once listening.
import http from 'node:http';
import { createRequire } from 'node:module';
import { pgConnection } from './lib/pg-workload.mjs';

const require = createRequire(import.meta.url);
const pg = require('pg');
const { guardPool } = require('@poolguard/instrumentation');

let pool = new pg.Pool({ ...pgConnection(), max: 8 });
if (process.argv[2] === 'guarded') pool = guardPool(pool, { name: 'http-bench' });

const server = http.createServer(async (_req, res) => {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query('SELECT 1 AS one');
    await client.query('COMMIT');
    res.end(JSON.stringify(rows[0]));
  } catch (err) {
    res.statusCode = 500;
    res.end(String(err));
  } finally {
    client.release();
  }
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
