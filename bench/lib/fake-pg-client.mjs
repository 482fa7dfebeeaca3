// An in-memory stand-in for pg.Client with no I/O: it answers every query on
// the next microtask, keeps pg's queue fields, and reports ReadyForQuery
// status 'I'. It isolates the cost of the pool and of poolguard.
import { EventEmitter } from 'node:events';

const RESULT = { rows: [{ '?column?': 1 }], rowCount: 1, command: 'SELECT' };

export class FakePgClient extends EventEmitter {
  constructor() {
    super();
    this._queryable = true;
    this._ending = false;
    this._activeQuery = null;
    this._queryQueue = [];
    this._txStatus = 'I';
    this.pipeline = false;
  }

  connect(callback) {
    queueMicrotask(() => callback(undefined));
  }

  query(text, values, callback) {
    if (typeof values === 'function') callback = values;
    if (typeof callback === 'function') {
      queueMicrotask(() => callback(undefined, RESULT));
      return undefined;
    }
    return Promise.resolve(RESULT);
  }

  end(callback) {
    this._ending = true;
    if (callback) queueMicrotask(callback);
    return callback ? undefined : Promise.resolve();
  }

  ref() {}
  unref() {}
}
