/*
 * Use guards for a mysql2 connection (callback API; the promise API runs on
 * one): statements and the other commands an app sends, counted in flight,
 * checked for use after release and cross-task use, their callbacks run as
 * the caller's task; and the connection's transaction state at release.
 */
import { PoolGuardError } from '../errors';
import type { PoolState } from '../internal-types';
import { attachConnection, checkStatementScoped, connectionStateOf, noteOwnTransaction, whenContextActive } from '../lease';
import type { TransactionState } from '../types';
import { dispatchFor } from '../socket-dispatch';
import { bindCallback, bindEmitter, checkAppUse, refuseCall, refusesStatement, internalFault, sqlOf, type AnyFunction, type WrapMethod } from './kit';
import { isMultiStatement, openAfterStatement, transactionOpenAfter, withoutLeadingComments } from '../sql-statements';
import type { Mysql2ConnectionLike } from './resources';

const SERVER_STATUS_IN_TRANS = 0x0001;
/** MySQL's and MariaDB's error for a deadlock victim, whose transaction InnoDB rolls back whole. */
const ER_LOCK_DEADLOCK = 1213;
/** A statement that did not parse: it ran nothing, not even an implicit commit. */
const ER_PARSE_ERROR = 1064;
/** DDL commits the open transaction before it runs (a temporary table's does not). */
const IMPLICIT_COMMIT = /^(?:CREATE|ALTER|DROP|RENAME|TRUNCATE)\b(?!\s+TEMPORARY\b)/i;

/** True when a statement that failed with `err` still ended the transaction: a deadlock, or DDL that got past the parser. */
function endedTransactionDespite(err: unknown, sql: unknown): boolean {
  const errno = (err as { errno?: unknown }).errno;
  if (errno === ER_LOCK_DEADLOCK) return true;
  const text = sqlOf(sql);
  return errno !== ER_PARSE_ERROR && text !== undefined && !isMultiStatement(text) && IMPLICIT_COMMIT.test(withoutLeadingComments(text));
}

/**
 * Follows transaction statements on one connection (MySQL keeps no status on
 * the client): a single statement by its first letters, a text of several
 * statement by statement.
 */
export function nextTransactionState(sql: string | undefined, open: boolean): boolean {
  if (sql === undefined) return open;
  if (isMultiStatement(sql)) return transactionOpenAfter(sql, open, 'mysql');
  const first = sql.trimStart().charCodeAt(0) | 0x20;
  // b(egin), s(tart), c(ommit), r(ollback): only these can change it.
  if (first !== 0x62 && first !== 0x73 && first !== 0x63 && first !== 0x72) return open;
  return openAfterStatement(sql, open);
}

type QueryFactory = (sql: unknown, values: unknown, callback: undefined, config: unknown) => { emit(event: string, ...args: unknown[]): boolean };

/**
 * Throw mode refuses a statement as mysql2 fails one: through its callback;
 * a query without one (the event or `.stream()` form) gets a Query command of
 * its own, never sent, which emits 'error' and then 'end' on the next tick,
 * as a failed query does; anything else is thrown.
 */
function refusedStatement(err: PoolGuardError, name: string, connection: object, args: IArguments): unknown {
  const last: unknown = args[args.length - 1];
  const sql: unknown = args[0];
  const command = sql !== null && typeof sql === 'object' && 'onResult' in sql;
  const createQuery = (connection.constructor as { createQuery?: QueryFactory }).createQuery;
  if (typeof last === 'function' || name !== 'query' || command || typeof createQuery !== 'function') return refuseCall(err, last, false);
  const query = createQuery(sql, args.length > 1 ? args[1] : undefined, undefined, (connection as { config?: unknown }).config);
  process.nextTick(() => {
    query.emit('error', err);
    query.emit('end');
  });
  return query;
}

/**
 * Wraps a mysql2 connection's query and execute, and the other commands it
 * sends (addCommand); returns its transaction
 * state: from the server's status flag in OK packets where the protocol
 * reports it, else from the transaction statements seen. In-flight statements are counted here: mysql2 keeps a finished
 * command in `_command` while it runs the command's callback, so its queue
 * cannot tell a query issued from that callback from a concurrent one. A
 * statement is done when its callback runs or its command ends.
 */
export function guardMysql2Use(state: PoolState, connection: Mysql2ConnectionLike, wrap: WrapMethod): () => TransactionState {
  // mysql2 runs callbacks and emits events from its packet handler, in the socket's context (socket-dispatch.ts).
  const socketConn = connectionStateOf(connection) ?? attachConnection(state, connection);
  if (typeof (connection as { handlePacket?: unknown }).handlePacket === 'function') {
    whenContextActive(socketConn, () => wrap('handlePacket', dispatchFor(socketConn, connection, 'handlePacket')));
  }
  let open = false;
  let inFlight = 0;
  /** Inside query() or execute(): the commands they add were checked there. */
  let inStatement = 0;
  // A connection that failed or is closing (pool.end()) holds no session a next borrower could inherit.
  const socketState = connection as { _closing?: boolean; _fatalError?: unknown };
  const closed = () => socketState._closing === true || socketState._fatalError != null;
  const transaction = (): TransactionState => (open && !closed() ? 'open' : 'idle');
  for (const name of ['query', 'execute']) {
    wrap(name, (next) => function use(this: object, sql: unknown) {
      const conn = connectionStateOf(connection);
      // mysql2 runs a statement's callback from its socket's data handler, in the context of
      // whichever task opened the connection: bound to the caller's, a statement issued from it
      // runs as the caller, like pg's.
      let bindable = false;
      if (conn !== undefined) {
        try {
          bindable = checkAppUse(state, conn, inFlight, false, transaction);
          // Before the one-statement check, which marks a transaction it finds as reported.
          noteOwnTransaction(conn, sqlOf(sql), 'mysql');
          if (conn.statementScoped) checkStatementScoped(conn, sqlOf(sql), 'mysql');
        } catch (err) {
          // Throw mode: as mysql2 delivers its own errors (refusedStatement).
          if (!(err instanceof PoolGuardError)) internalFault(err);
          else if (refusesStatement(err, sqlOf(sql), 'mysql')) return refusedStatement(err, name, connection, arguments);
        }
      }
      const text = sqlOf(sql);
      const openBefore = open;
      open = nextTransactionState(text, open);
      const args = arguments as unknown as unknown[];
      let finished = false;
      const finish = () => {
        if (!finished) {
          finished = true;
          inFlight--;
        }
      };
      /** The statement's callback, bound to the caller: it ends the statement and reads the server's status. */
      const settling = (callback: AnyFunction) => function (this: unknown, err: unknown, result: unknown) {
        finish();
        // An OK packet carries the server's status: SERVER_STATUS_IN_TRANS is exact where statements
        // are not (DDL commits implicitly, a failed BEGIN opens nothing).
        const status = serverStatusOf(result);
        if (err == null && status !== undefined) open = (status & SERVER_STATUS_IN_TRANS) !== 0;
        // A deadlock victim's whole transaction was rolled back by the server, and a DDL statement
        // committed it before it ran (and failed): no OK packet says so. Any other failed statement
        // opened nothing (a rejected BEGIN); a text of several statements ran those before the one
        // that failed, so what it says stands.
        else if (err != null) {
          if (endedTransactionDespite(err, sql)) open = false;
          else if (text !== undefined && !isMultiStatement(text)) open &&= openBefore;
        }
        return callback.apply(this, arguments as unknown as unknown[]);
      };
      let withCallback = false;
      for (let i = args.length - 1; i >= 0; i--) {
        if (typeof args[i] === 'function') {
          withCallback = true;
          args[i] = settling(bindCallback(args[i] as AnyFunction, bindable));
          break;
        }
      }
      // A Query command that carries its callback (mysql2's pool.query passes one): read its result the same way.
      const commandCallback = !withCallback && sql !== null && typeof sql === 'object' ? (sql as { onResult?: unknown }).onResult : undefined;
      if (typeof commandCallback === 'function') {
        withCallback = true;
        (sql as { onResult: unknown }).onResult = settling(bindCallback(commandCallback as AnyFunction, bindable));
      }
      inFlight++;
      inStatement++;
      let command: unknown;
      try {
        command = next(this).apply(this, args);
      } catch (err) {
        finish();
        throw err;
      } finally {
        inStatement--;
      }
      if (command !== null && typeof (command as { once?: unknown }).once === 'function') {
        (command as { once(event: string, listener: () => void): void }).once('end', finish);
        // Event style (`conn.query(sql).on('result', …).on('end', …)`): its events come from the socket too.
        if (!withCallback) bindEmitter(command, bindable);
      }
      return command;
    });
  }
  wrap('addCommand', (next) => function addCommand(this: object, command: unknown) {
    if (inStatement > 0 || command === null || typeof command !== 'object') return next(this).call(this, command);
    const name = (command as { constructor?: { name?: unknown } }).constructor?.name;
    // COM_CHANGE_USER and COM_RESET_CONNECTION reset the session: the server rolls an open transaction back.
    if (name === 'ChangeUser' || name === 'ResetConnection') open = false;
    if (typeof name !== 'string' || !SESSION_COMMANDS.has(name)) return next(this).call(this, command);
    // ChangeUser and ResetConnection clear mysql2's statement cache as they start: the CloseStatement each
    // cached statement then sends is the driver's own, not another use of the connection.
    const running = (connection as { _command?: { constructor?: { name?: unknown } } })._command?.constructor?.name;
    if (name === 'CloseStatement' && (running === 'ChangeUser' || running === 'ResetConnection')) return next(this).call(this, command);
    const conn = connectionStateOf(connection);
    let bindable = false;
    if (conn !== undefined) {
      try {
        // Not a statement: never concurrent_query (mysql2 queues it), but use after release and cross-task use count.
        bindable = checkAppUse(state, conn, 0, false, transaction);
      } catch (err) {
        if (err instanceof PoolGuardError) {
          refuseCall(err, (command as { onResult?: unknown }).onResult, false);
          return command;
        }
        internalFault(err);
      }
    }
    // Its callback comes from the socket's data handler too: run it as the caller's task, like a statement's.
    const session = command as { onResult?: unknown };
    if (typeof session.onResult === 'function') session.onResult = bindCallback(session.onResult as AnyFunction, bindable);
    else bindEmitter(command, bindable);
    return next(this).call(this, command);
  });
  return transaction;
}

/**
 * The commands an app sends on a connection besides statements (query and
 * execute, checked above): a ping, a prepared statement's preparation, execution
 * and closing, a session reset or change of user. The connection's own
 * handshake and quit are not the app's use.
 */
const SESSION_COMMANDS: ReadonlySet<string> = new Set(['Ping', 'Prepare', 'Execute', 'CloseStatement', 'ResetConnection', 'ChangeUser']);

/**
 * The server status of a statement's result: its OK packet (a
 * ResultSetHeader), or, for several statements in one query, the last one's
 * when that is an OK packet. A result set (rows) carries none.
 */
function serverStatusOf(result: unknown): number | undefined {
  const last: unknown = Array.isArray(result) ? result[result.length - 1] : result;
  if (last === null || typeof last !== 'object') return undefined;
  const { serverStatus, affectedRows } = last as { serverStatus?: unknown; affectedRows?: unknown };
  return typeof serverStatus === 'number' && typeof affectedRows === 'number' ? serverStatus : undefined;
}
