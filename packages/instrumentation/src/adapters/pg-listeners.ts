/*
 * A pg client emits 'notification' and 'notice' from its socket, in the async
 * context of whichever task opened the connection. The app's listeners for
 * them run in the context where they were added instead (bound, like a
 * query's callback), so a release or a query in one, or in a promise chained
 * there, is the adding task's: the holder's own listener acts for the holder,
 * and a listener an earlier holder left behind is that stale holder's. Only
 * these two events are bound (pg-pool adds its own 'error' listener at every
 * release; binding it would cost every checkout), and only while async
 * context propagates. removeListener(fn) finds the bound listener of fn.
 */
import { asyncContextActive, bindToCaller } from '../task';
import type { AnyFunction, WrapMethod } from './kit';

const BOUND_EVENTS: ReadonlySet<string | symbol> = new Set(['notification', 'notice']);

/** Binds the app's 'notification' and 'notice' listeners of one client to where they were added. */
export function bindClientListeners(wrap: WrapMethod): void {
  const bound = new WeakMap<AnyFunction, AnyFunction>();
  const adding = (next: (self: object) => AnyFunction) => function addListener(this: object, event: string | symbol, listener: unknown) {
    if (!BOUND_EVENTS.has(event) || typeof listener !== 'function' || !asyncContextActive()) return next(this).apply(this, arguments as unknown as unknown[]);
    let inContext = bound.get(listener as AnyFunction);
    if (inContext === undefined) bound.set(listener as AnyFunction, (inContext = bindToCaller(listener as AnyFunction)));
    return next(this).call(this, event, inContext);
  };
  const removing = (next: (self: object) => AnyFunction) => function removeListener(this: object, event: string | symbol, listener: unknown) {
    const inContext = BOUND_EVENTS.has(event) && typeof listener === 'function' ? bound.get(listener as AnyFunction) : undefined;
    return next(this).call(this, event, inContext ?? listener);
  };
  for (const name of ['on', 'addListener', 'once', 'prependListener', 'prependOnceListener']) wrap(name, adding);
  for (const name of ['off', 'removeListener']) wrap(name, removing);
}
