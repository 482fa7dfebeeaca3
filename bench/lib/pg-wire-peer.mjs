// An in-memory PostgreSQL server for pg's own Client: a Duplex that stands in
// for the socket (pg's `stream` option), speaks the wire protocol's startup
// and simple-query flow, and answers every statement with `SELECT 1`'s rows
// (BEGIN, COMMIT and ROLLBACK with their own tags and transaction status).
// Replies arrive on a later turn of the event loop (setImmediate), as a
// socket's reads do. Unlike fake-pg-client.mjs it runs all of pg's client
// code (parser, Connection events, Query), so poolguard's wrappers on a real
// client are measured, with no server and no system calls in the way.
import { Duplex } from 'node:stream';

function message(type, body) {
  const out = Buffer.alloc(5 + body.length);
  out.write(type, 0, 'latin1');
  out.writeInt32BE(4 + body.length, 1);
  body.copy(out, 5);
  return out;
}

const int32 = (n) => { const b = Buffer.alloc(4); b.writeInt32BE(n); return b; };
const int16 = (n) => { const b = Buffer.alloc(2); b.writeInt16BE(n); return b; };
const cstring = (s) => Buffer.from(`${s}\0`, 'utf8');
const readyFor = (status) => message('Z', Buffer.from(status, 'latin1'));

const STARTUP_REPLY = Buffer.concat([
  message('R', int32(0)),
  message('S', Buffer.concat([cstring('server_version'), cstring('15.0')])),
  message('K', Buffer.concat([int32(1), int32(2)])),
  readyFor('I'),
]);

const ROW_DESCRIPTION = message('T', Buffer.concat([int16(1), cstring('?column?'), int32(0), int16(0), int32(23), int16(4), int32(-1), int16(0)]));
const DATA_ROW = message('D', Buffer.concat([int16(1), int32(1), Buffer.from('1')]));
const selectReply = (status) => Buffer.concat([ROW_DESCRIPTION, DATA_ROW, message('C', cstring('SELECT 1')), readyFor(status)]);
const SELECT_REPLY = { I: selectReply('I'), T: selectReply('T'), E: selectReply('E') };
const TAG_REPLY = (tag, status) => Buffer.concat([message('C', cstring(tag)), readyFor(status)]);

export class PgWirePeer extends Duplex {
  constructor() {
    super();
    this.started = false;
    this.status = 'I';
    this.pending = [];
    this.flushing = false;
  }

  // The net.Socket surface pg's Connection uses.
  connect() {
    setImmediate(() => this.emit('connect'));
    return this;
  }
  setNoDelay() { return this; }
  setKeepAlive() { return this; }
  ref() { return this; }
  unref() { return this; }

  _read() {}

  _write(chunk, _encoding, callback) {
    let at = 0;
    if (!this.started) {
      this.started = true;
      at = chunk.readInt32BE(0);
      this.reply(STARTUP_REPLY);
    }
    while (at < chunk.length) {
      const type = String.fromCharCode(chunk[at]);
      const length = chunk.readInt32BE(at + 1);
      if (type === 'Q') this.reply(this.answer(chunk.toString('utf8', at + 5, at + length).replace(/\0$/, '')));
      else if (type === 'X') this.push(null);
      at += 1 + length;
    }
    callback();
  }

  answer(sql) {
    const verb = sql.trimStart().slice(0, 8).toUpperCase();
    if (verb.startsWith('BEGIN')) return TAG_REPLY('BEGIN', (this.status = 'T'));
    if (verb.startsWith('COMMIT')) return TAG_REPLY('COMMIT', (this.status = 'I'));
    if (verb.startsWith('ROLLBACK')) return TAG_REPLY('ROLLBACK', (this.status = 'I'));
    return SELECT_REPLY[this.status];
  }

  reply(bytes) {
    this.pending.push(bytes);
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => {
      this.flushing = false;
      const batch = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
      this.pending = [];
      this.push(batch);
    });
  }
}
