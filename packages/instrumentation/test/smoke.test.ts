import assert from 'node:assert/strict';
import { guardPool } from '../src';
import { resetTelemetry, setupTelemetry, violationKinds } from './helpers/otel';
import { newPool } from './helpers/pg';

describe('smoke', () => {
  before(() => setupTelemetry());
  beforeEach(() => resetTelemetry());

  it('reports use_after_release and double_release on a real pool', async () => {
    const pool = guardPool(newPool(), { name: 'smoke' });
    try {
      const client = await pool.connect();
      const res = await client.query('SELECT 1 AS one');
      assert.equal(res.rows[0].one, 1);
      client.release();
      await client.query('SELECT 1');
      assert.throws(() => client.release(), /already been released/);
      assert.deepEqual(violationKinds(), ['use_after_release', 'double_release']);
    } finally {
      await pool.end();
    }
  });
});
