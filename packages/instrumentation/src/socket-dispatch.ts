/*
 * Drivers run a statement's callbacks and emit a connection's events from the
 * socket's data handler, in the async context of whichever task opened the
 * connection, so the current task says nothing about who acts there: a
 * cursor's read callback, a 'notification' or 'error' listener belongs to the
 * lease holder, not to the connection's opener. While a connection dispatches
 * what its socket brought (`dispatchFor`), a use or release of that same
 * connection acts for its current lease holder (`actingForHolder`).
 * poolguard's own bound callbacks run in their caller's exact context and
 * leave that mode (`exactContext`), so a stale holder's bound callback is
 * still told apart.
 */
import type { ConnectionState } from './internal-types';

let dispatching: ConnectionState | undefined;

/** True while `conn`'s own socket dispatch runs: a use of it there acts for its lease holder. */
export function actingForHolder(conn: ConnectionState): boolean {
  return dispatching === conn;
}

type AnyFunction = (...args: unknown[]) => unknown;

/** On the driver's socket-side object: the connection state it dispatches for. */
const DISPATCHES_FOR = Symbol('poolguard.dispatchesFor');

type Dispatching = { [DISPATCHES_FOR]?: ConnectionState } & Record<string, AnyFunction>;

/** One wrapper per method name, shared by every connection (no closure per connection). */
const dispatchers = new Map<string, AnyFunction>();

function dispatcher(name: string): AnyFunction {
  let dispatch = dispatchers.get(name);
  if (dispatch === undefined) {
    dispatch = function dispatch(this: Dispatching, first: unknown, second?: unknown) {
      const outer = dispatching;
      dispatching = this[DISPATCHES_FOR];
      try {
        const method = (Object.getPrototypeOf(this) as Dispatching)[name]!;
        return arguments.length <= 2 ? method.call(this, first, second) : method.apply(this, arguments as unknown as unknown[]);
      } finally {
        dispatching = outer;
      }
    } as AnyFunction;
    dispatchers.set(name, dispatch);
  }
  return dispatch;
}

/**
 * Marks `target`, the driver's socket-side object (pg's Connection, a mysql2
 * connection), as dispatching for `conn`; returns the wrapper (for
 * wrapMethod) of its entry point `name` (emit, handlePacket), which its
 * callers call with one or two arguments.
 */
export function dispatchFor(conn: ConnectionState, target: object, name: string): () => AnyFunction {
  Object.defineProperty(target, DISPATCHES_FOR, { value: conn, configurable: true, enumerable: false, writable: true });
  return () => dispatcher(name);
}

/** `fn`, run outside any connection's dispatch: its context is its caller's, exactly. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function exactContext<F extends (...args: any[]) => unknown>(fn: F): F {
  return function exact(this: unknown) {
    const outer = dispatching;
    dispatching = undefined;
    try {
      return fn.apply(this, arguments as unknown as unknown[]);
    } finally {
      dispatching = outer;
    }
  } as F;
}
