'use strict';
/*
 * The clean half of the demo app: the way to use a pool. One statement goes
 * through pool.query; a transaction checks one client out, runs BEGIN …
 * COMMIT on it, and releases it in finally. The demo asserts that nothing
 * here is ever reported.
 *
 * Statements carry no bind parameters: the embedded database multiplexes
 * connections over one PGlite session, where extended-protocol messages of
 * two connections could interleave.
 */

async function migrate(pool) {
  const statements = [
    'CREATE TABLE IF NOT EXISTS poolguard_demo_orders (id serial PRIMARY KEY, item text NOT NULL, qty int NOT NULL)',
    'CREATE TABLE IF NOT EXISTS poolguard_demo_stock (item text PRIMARY KEY, qty int NOT NULL)',
    'CREATE TABLE IF NOT EXISTS poolguard_demo_jobs (id int PRIMARY KEY, state text NOT NULL)',
    "INSERT INTO poolguard_demo_stock VALUES ('widget', 1000000) ON CONFLICT DO NOTHING",
    "INSERT INTO poolguard_demo_jobs VALUES (1, 'new') ON CONFLICT DO NOTHING",
  ];
  for (const sql of statements) {
    // Two demos on one server may race to create a table; the loser's error is harmless.
    await pool.query(sql).catch((err) => {
      if (err.code !== '23505' && err.code !== '42P07') throw err;
    });
  }
}

async function health(pool) {
  const { rows } = await pool.query('SELECT 1 AS ok');
  return rows[0];
}

async function list(pool) {
  const { rows } = await pool.query('SELECT id, item, qty FROM poolguard_demo_orders ORDER BY id DESC LIMIT 5');
  return { orders: rows };
}

async function place(pool) {
  const qty = 1 + Math.floor(Math.random() * 3);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`UPDATE poolguard_demo_stock SET qty = qty - ${qty} WHERE item = 'widget'`);
    const { rows } = await client.query(`INSERT INTO poolguard_demo_orders (item, qty) VALUES ('widget', ${qty}) RETURNING id`);
    await client.query('COMMIT');
    return { id: rows[0].id };
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

module.exports = { migrate, health, list, place };
