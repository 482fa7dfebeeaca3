/*
 * handle_sent_to_process, for real: a parent sends a leased pg connection's
 * socket to a child with child.send('session', socket). The child speaks the
 * PostgreSQL protocol on it and gets the parent's own backend pid (it took
 * the session over), and the parent's next query on that client fails.
 * Sockets that are not a pool's connections stay silent.
 */
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { guardPool } from '../src/guard';
import { pgConfig } from './helpers/pg';
import { resetTelemetry, setupTelemetry } from './helpers/otel';
import { FIXTURES, kindsOf, runFixture } from './helpers/processes';
import { expectSilent } from './helpers/violations';

describe('handle_sent_to_process', function () {
  this.timeout(30_000);

  it('child.send(msg, client.connection.stream) reports; the child takes the session over and the parent loses it', async () => {
    const [dump] = await runFixture('handle-parent.js');
    assert.deepEqual(kindsOf(dump), ['handle_sent_to_process']);
    assert.equal(dump!.messages[0]!.pool, '127.0.0.1:5432/test');
    assert.match(dump!.messages[0]!.message, /passed as the handle of child\.send\(\)/);
    assert.equal(typeof dump!.parentPid, 'number');
    assert.equal(dump!.childPid, dump!.parentPid, 'the child ran a query in the parent\'s own database session');
    assert.equal(typeof dump!.parentError, 'string', 'the parent\'s next query on that connection failed');
  });

  it('the socket of a standalone pg.Client or mysql2 connection (no pool) is reported under its library', async () => {
    const [dump] = await runFixture('handle-standalone.js');
    assert.deepEqual(kindsOf(dump), ['handle_sent_to_process', 'handle_sent_to_process']);
    assert.deepEqual(dump!.messages.map((m) => m.pool), ['pg', 'mysql2']);
    assert.match(dump!.messages[0]!.message, /socket of a pg connection was passed as the handle of child\.send\(\)/);
  });

  describe('in this process', () => {
    setupTelemetry();
    beforeEach(() => resetTelemetry());

    it('a socket that belongs to no pool stays silent', async () => {
      const pool = guardPool(new pg.Pool(pgConfig({ max: 1 })), { name: 'handle-other-socket' });
      await pool.query('SELECT 1'); // the pool has an open connection, just not this socket
      const server = net.createServer((socket) => socket.end());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const socket = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      const child = fork(path.join(FIXTURES, 'other-script.js'), [], { stdio: 'ignore' });
      try {
        await new Promise((resolve) => child.once('message', resolve));
        await new Promise<void>((resolve) => child.send('socket', socket, () => resolve()));
        expectSilent('handle-other-socket');
      } finally {
        child.kill();
        socket.destroy();
        server.close();
        await pool.end();
      }
    });
  });
});
