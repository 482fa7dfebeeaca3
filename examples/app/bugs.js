'use strict';
/*
 * The buggy half of the demo app: each handler makes one classic mistake with
 * a pool, the kind that passes review and works in a quick test. Each BUG
 * comment names the violation poolguard reports; the demo runner calls these
 * routes and prints what was caught.
 */

/**
 * BUG (use_after_release): the client is used again after it went back to the
 * pool. The demo runs it on the jobs pool, which nothing else uses at that
 * moment; on a busy pool the stale query would land in another request's lease.
 */
async function auditAfterRelease(pool) {
  const client = await pool.connect();
  let rows;
  try {
    ({ rows } = await client.query('SELECT count(*)::int AS n FROM poolguard_demo_orders'));
  } finally {
    client.release();
  }
  // Another request may hold this connection by now: this statement runs in its session.
  await client.query('SELECT 1 AS audited');
  return { orders: rows[0].n };
}

/** BUG (concurrent_query): two queries in flight on one client; pg queues them, interleaving with anything else on it. */
async function dashboard(pool) {
  const client = await pool.connect();
  try {
    const [count, latest] = await Promise.all([
      client.query('SELECT count(*)::int AS n FROM poolguard_demo_orders'),
      client.query('SELECT max(id) AS id FROM poolguard_demo_orders'),
    ]);
    return { orders: count.rows[0].n, latest: latest.rows[0].id };
  } finally {
    client.release();
  }
}

// BUG (cross_task_use): one checked-out client cached "to save a checkout".
// The request that checked it out owns it; the next request on this worker
// uses it while the owner still holds it, inside whatever the owner is doing.
let cached;

async function cachedClientCount(pool) {
  if (cached === undefined) {
    const client = await pool.connect();
    cached = client;
    setTimeout(() => {
      cached = undefined;
      client.release();
    }, 800);
  }
  const { rows } = await cached.query('SELECT count(*)::int AS n FROM poolguard_demo_orders');
  return { orders: rows[0].n };
}

/** BUG (leak): the response goes out, but the "export" holds its client for 3 s in the background. */
async function slowExport(pool) {
  const client = await pool.connect();
  await client.query('SELECT count(*)::int AS n FROM poolguard_demo_orders');
  setTimeout(() => client.release(), 3000);
  return { export: 'started' };
}

/** BUG (dirty_release): an early return skips COMMIT/ROLLBACK, and finally releases the client inside the transaction. */
async function claimJob(jobs) {
  const client = await jobs.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query("UPDATE poolguard_demo_jobs SET state = 'claimed' WHERE id = 1 RETURNING state");
    if (rows.length > 0) return { claimed: 1 }; // forgot COMMIT
    await client.query('COMMIT');
    return { claimed: 0 };
  } finally {
    client.release();
  }
}

/**
 * BUG (transaction_on_pool): BEGIN … COMMIT through pool.query. Each statement
 * may run on a different connection; this pool has max 1, so here they happen
 * to share one, and it inherits the transaction claimJob left open.
 */
async function finishJob(jobs) {
  await jobs.query('BEGIN');
  await jobs.query("UPDATE poolguard_demo_jobs SET state = 'done' WHERE id = 1");
  await jobs.query('COMMIT');
  return { finished: 1 };
}

module.exports = { auditAfterRelease, dashboard, cachedClientCount, slowExport, claimJob, finishJob };
