/*
 * A pg client emits 'notification' and 'notice' from its socket, in the async
 * context of whichever task opened the connection. The app's listeners for
 * them run in the context where they were added instead (bound, like a
 * query's callback), so a release or a query in one, or in a promise chained
 * there, is the adding task's: the holder's own listener acts for the holder,
 * and a listener an earlier holder left behind is that stale holder's. Only
 * these two events are bound, and only while async context propagates:
 * pg-pool adds and removes its own 'error' listener at every checkout, which
 * passes straight through. removeListener(fn) finds the bound listener of fn.
 * The wrappers are shared by all clients (no closure per client).
 */
import { asyncContextActive, bindToCaller } from '../task';
import type { AnyFunction, WrapMethod } from './kit';

/** Per client, the bound listener of each listener the app added for a bound event; made at the first one. */
const boundListeners = new WeakMap<object, WeakMap<AnyFunction, AnyFunction>>();

const isBoundEvent = (event: unknown): boolean => event === 'notification' || event === 'notice';

type Listening = Record<string, (event: unknown, listener: unknown) => unknown>;

/** The emitter method `name` of `self`'s class, as it would have run unwrapped. */
const original = (self: object, name: string) => (Object.getPrototypeOf(self) as Listening)[name]!;

function adding(name: string): AnyFunction {
  return function addListener(this: object, event: unknown, listener: unknown) {
    if (!isBoundEvent(event) || typeof listener !== 'function' || !asyncContextActive()) return original(this, name).call(this, event, listener);
    let own = boundListeners.get(this);
    if (own === undefined) boundListeners.set(this, (own = new WeakMap()));
    let inContext = own.get(listener as AnyFunction);
    if (inContext === undefined) own.set(listener as AnyFunction, (inContext = bindToCaller(listener as AnyFunction)));
    return original(this, name).call(this, event, inContext);
  } as AnyFunction;
}

function removing(name: string): AnyFunction {
  return function removeListener(this: object, event: unknown, listener: unknown) {
    const inContext = isBoundEvent(event) && typeof listener === 'function' ? boundListeners.get(this)?.get(listener as AnyFunction) : undefined;
    return original(this, name).call(this, event, inContext ?? listener);
  } as AnyFunction;
}

const WRAPPERS: readonly [string, AnyFunction][] = [
  ...['on', 'addListener', 'once', 'prependListener', 'prependOnceListener'].map((name): [string, AnyFunction] => [name, adding(name)]),
  ...['off', 'removeListener'].map((name): [string, AnyFunction] => [name, removing(name)]),
];

/** Binds the app's 'notification' and 'notice' listeners of one client to where they were added. */
export function bindClientListeners(wrap: WrapMethod): void {
  for (const [name, wrapper] of WRAPPERS) wrap(name, () => wrapper);
}
