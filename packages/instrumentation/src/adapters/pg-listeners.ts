/*
 * A pg client emits 'notification' and 'notice' from its socket, in the async
 * context of whichever task opened the connection. The app's listeners for
 * them run in the context where they were added instead (bound, like a
 * query's callback), so a release or a query in one, or in a promise chained
 * there, is the adding task's: the holder's own listener acts for the holder,
 * and a listener an earlier holder left behind is that stale holder's. So
 * are a borrower's 'error' and 'end' listeners added during its lease (see
 * isBoundEvent), and only while async context propagates: pg-pool adds and
 * removes its own 'error' listener at every checkout, which passes straight
 * through.
 *
 * Each add binds afresh (the same function added again by a later holder is
 * that holder's). A bound listener carries the app's function as `listener`,
 * as Node's own once-wrappers do, so removeListener(fn), listeners() and
 * listenerCount(event, fn) see the app's function. `once` is left to the
 * emitter: it calls `on` with its once-wrapper, which is bound there, and
 * removes that wrapper itself when it fires.
 * The wrappers are shared by all clients (no closure per client).
 */
import { connectionStateOf } from '../lease';
import { asyncContextActive, bindToCaller } from '../task';
import type { AnyFunction, WrapMethod } from './kit';

/**
 * Whether a listener for `event`, added to `client` now, runs where it was
 * added: always for 'notification' and 'notice'; for 'error' and 'end' when
 * a borrower adds it during its lease (a listener that releases the client
 * when the backend dies: pg emits 'end' on the next tick and its 'error' from
 * the socket, in the task that opened the connection, whose release would
 * read as a stale holder's). pg-pool's own 'error' listener, which it adds
 * and removes at every checkout while no lease is held, passes straight
 * through.
 */
function isBoundEvent(client: object, event: unknown): boolean {
  if (event === 'notification' || event === 'notice') return true;
  if (event !== 'error' && event !== 'end') return false;
  const conn = connectionStateOf(client);
  return conn !== undefined && conn.leased && conn.explicit;
}

/** Events whose listeners may have been bound when added (isBoundEvent): their removal looks for the bound entry. */
const isBindableEvent = (event: unknown): boolean => event === 'notification' || event === 'notice' || event === 'error' || event === 'end';

/** On a bound listener: the function that was added (the app's, or an emitter's once-wrapper), for removal by it. */
const BOUND_FROM = Symbol('poolguard.boundFrom');

type BoundListener = AnyFunction & { [BOUND_FROM]?: AnyFunction; listener?: AnyFunction };

type Listening = Record<string, (event: unknown, listener: unknown) => unknown> & { rawListeners?: (event: unknown) => unknown[] };

type Original = (self: object) => (event: unknown, listener: unknown) => unknown;

/**
 * Reads of the emitter method of `self`'s class, as it would have run
 * unwrapped, one per name: pg-pool calls `removeListener` and `on` at every
 * checkout, and one read by a variable name would be a megamorphic lookup.
 */
const ORIGINALS: Readonly<Record<string, Original>> = {
  on: (self) => (Object.getPrototypeOf(self) as Listening).on!,
  addListener: (self) => (Object.getPrototypeOf(self) as Listening).addListener!,
  prependListener: (self) => (Object.getPrototypeOf(self) as Listening).prependListener!,
  off: (self) => (Object.getPrototypeOf(self) as Listening).off!,
  removeListener: (self) => (Object.getPrototypeOf(self) as Listening).removeListener!,
};

function bound(listener: AnyFunction): BoundListener {
  const inContext = bindToCaller(listener) as BoundListener;
  inContext[BOUND_FROM] = listener;
  // A once-wrapper keeps the app's function as `listener`; Node's removeListener and listeners() read it.
  inContext.listener = (listener as BoundListener).listener ?? listener;
  return inContext;
}

function adding(name: string): AnyFunction {
  const original = ORIGINALS[name]!;
  return function addListener(this: object, event: unknown, listener: unknown) {
    if (typeof listener !== 'function' || !isBoundEvent(this, event) || !asyncContextActive()) return original(this).call(this, event, listener);
    return original(this).call(this, event, bound(listener as AnyFunction));
  } as AnyFunction;
}

/**
 * The entry removeListener(event, listener) removes, as Node picks it: the
 * latest one that is `listener`, wraps it (a once-wrapper's `listener`, which
 * a bound listener carries too) or was bound from it (a once-wrapper removing
 * itself as it fires).
 */
function entryFor(self: Listening, event: unknown, listener: unknown): unknown {
  const all = typeof self.rawListeners === 'function' ? self.rawListeners(event) : [];
  for (let i = all.length - 1; i >= 0; i--) {
    const entry = all[i] as BoundListener;
    if (entry === listener || entry.listener === listener || entry[BOUND_FROM] === listener) return entry;
  }
  return undefined;
}

function removing(name: string): AnyFunction {
  const original = ORIGINALS[name]!;
  return function removeListener(this: Listening, event: unknown, listener: unknown) {
    const inContext = isBindableEvent(event) && typeof listener === 'function' ? entryFor(this, event, listener) : undefined;
    return original(this).call(this, event, inContext ?? listener);
  } as AnyFunction;
}

const WRAPPERS: readonly [string, AnyFunction][] = [
  ...['on', 'addListener', 'prependListener'].map((name): [string, AnyFunction] => [name, adding(name)]),
  ...['off', 'removeListener'].map((name): [string, AnyFunction] => [name, removing(name)]),
];

/** Binds the app's 'notification' and 'notice' listeners of one client to where they were added. */
export function bindClientListeners(wrap: WrapMethod): void {
  for (const [name, wrapper] of WRAPPERS) wrap(name, () => wrapper);
}
