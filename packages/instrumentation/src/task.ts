/*
 * Task identity: which logical unit of concurrent work (a request, a job) is
 * running now. In order of preference (DESIGN "The model"):
 *   1. the active OTel span context, when a valid one is active, compared by
 *      trace id: the OTel context manager already pays for async context;
 *   2. a poolguard task token, when one is active (runInTask, taskMiddleware,
 *      or the root created per incoming HTTP request);
 *   3. none.
 * A token created inside a span remembers that span's trace id, so a token and
 * a span context of the same trace are the same task, and so are two tokens
 * of one trace. A lease's owner keeps the token active where it was taken
 * (tokenOfOwner), so that a span started inside a token scope (a new root
 * trace) still counts as that token's task against the token (sameTaskAsOwner).
 *
 * Tokens live in poolguard's own AsyncLocalStorage, which is only enabled when
 * task tracking is on: on Node 20, one more enabled ALS makes every await in
 * the app dearer, so it is never switched on where the app has not already
 * paid for async context (DESIGN "taskTracking").
 */
import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { subscribe } from 'node:diagnostics_channel';
import { context, createContextKey, INVALID_TRACEID, ROOT_CONTEXT, type Span, type SpanContext } from '@opentelemetry/api';
import { leaseIdsSoFar } from './lease-ids';
import { lastOtelApiGlobals, otelApiGlobals, type OtelApiGlobals } from './otel-globals';
import { exactContext } from './socket-dispatch';

export class TaskToken {
  private static next = 1;
  readonly id = TaskToken.next++;
  /** The trace active where the token was created (runInTask inside a span), if any. HTTP roots start before any span. */
  readonly traceId: string | undefined;
  readonly spanId: string | undefined;
  /** The token of one incoming HTTP request (an HTTP root, taskMiddleware()), not a runInTask() scope. */
  readonly request: boolean;
  /** For a runInTask() scope inside an HTTP request: that request's token (its own events, 'finish' and 'close', run in it). */
  readonly requestRoot: TaskToken | undefined;
  /**
   * Once an HTTP request's response has closed: the first lease id given
   * after that (leaseIdsSoFar()); 0 while it is open (ids start at 1). A
   * lease with a greater id taken in its token (a timer the request started,
   * each of its ticks) is work it left behind, perhaps several at once that
   * the token cannot tell apart; one taken before is the request's own. (A
   * runInTask() scope never ends: waiting on its function's promise would
   * mark the promise handled, or run a lazy thenable such as a knex builder.)
   */
  endedBeforeLease = 0;
  constructor(spanContext: SpanContext | undefined, request = false, requestRoot?: TaskToken) {
    this.traceId = spanContext?.traceId;
    this.spanId = spanContext?.spanId;
    this.request = request;
    this.requestRoot = requestRoot;
  }
}

/** A task: a token, or a span context standing for its trace. */
export type Task = TaskToken | SpanContext;

let tokens: AsyncLocalStorage<TaskToken> | undefined;
/** True once any token was entered: until then a lookup skips the token storage. */
let tokensEntered = false;
let httpRootsOn = false;

/** Whether Node was started with `flag` (on its command line or in NODE_OPTIONS). */
function nodeFlag(flag: string): boolean {
  return process.execArgv.includes(flag) || (process.env.NODE_OPTIONS ?? '').split(/\s+/).includes(flag);
}

/**
 * AsyncLocalStorage runs on AsyncContextFrame, which costs nothing extra:
 * by default from Node 24 (unless `--no-async-context-frame` turns it back to
 * async hooks, which slow every await), and on Node 22 with
 * `--experimental-async-context-frame`.
 */
export function asyncContextFrame(major = Number(process.versions.node.split('.')[0]), flagged = nodeFlag): boolean {
  if (major >= 24) return !flagged('--no-async-context-frame');
  return major >= 22 && flagged('--experimental-async-context-frame');
}

const FREE_ASYNC_CONTEXT = asyncContextFrame();

/** True when an application registered an OTel context manager (the API's global slot holds one). */
export function otelContextManagerRegistered(): boolean {
  return otelApiGlobals()?.context !== undefined;
}

/** Resolves `taskTracking: 'auto'` now; the SDK may be registered after poolguard loads. */
export function taskTrackingEnabled(setting: boolean | 'auto'): boolean {
  if (setting !== 'auto') return setting;
  return FREE_ASYNC_CONTEXT || otelContextManagerRegistered();
}

/** Run once, when poolguard's own async context first turns on (see onTokensStart). */
const tokensStartListeners: (() => void)[] = [];

/** Calls `listener` when the token storage is created: from then on async context propagates. */
export function onTokensStart(listener: () => void): void {
  tokensStartListeners.push(listener);
}

function tokenStorage(): AsyncLocalStorage<TaskToken> {
  if (tokens === undefined) {
    tokens = new AsyncLocalStorage<TaskToken>();
    for (const listener of tokensStartListeners.splice(0)) listener();
  }
  return tokens;
}

/** The key under which the API keeps the active span in a context (the API makes it with Symbol.for). */
const SPAN_KEY = createContextKey('OpenTelemetry Context Key SPAN');

/**
 * The active span's context, when it is a real one. Hot: it runs at every
 * checkout, use and release under an OTel context manager, so it reads the
 * registered manager straight from the API's globals (the API's own lookup
 * re-checks versions each time), as last looked up unless given (see
 * lastOtelApiGlobals), reads the span by its key, and tests the trace id
 * against the invalid one instead of the API's regular expressions.
 */
function activeSpanContext(globals: OtelApiGlobals | undefined = lastOtelApiGlobals()): SpanContext | undefined {
  const manager = globals?.context;
  if (manager === undefined) return undefined;
  const span = manager.active().getValue(SPAN_KEY) as Span | null | undefined;
  if (span == null) return undefined;
  const spanContext = span.spanContext();
  return spanContext.traceId === INVALID_TRACEID ? undefined : spanContext;
}

/** True when some async context propagates (poolguard tokens or an OTel context manager), so binding callbacks matters. */
export function asyncContextActive(): boolean {
  return tokens !== undefined || lastOtelApiGlobals()?.context !== undefined;
}

/**
 * True when no task can be known now or later for a pool's `taskTracking`
 * setting: no async context propagates (no OTel context manager, no token
 * entered by runInTask/taskMiddleware) and the setting turns none on.
 * cross_task_use and nested_checkout then stay silent.
 */
export function taskChecksOff(setting: boolean | 'auto'): boolean {
  return !asyncContextActive() && !taskTrackingEnabled(setting);
}

/** Looks the OTel API's globals up again (at each checkout request): lastOtelApiGlobals() reads what it found. */
export function noticeOtelApi(): void {
  otelApiGlobals();
}

/** The current task, or undefined; task tokens count unless `withTokens` is false. Allocates nothing. */
export function currentTask(withTokens = true): Task | undefined {
  return activeSpanContext() ?? (withTokens && tokensEntered ? tokens!.getStore() : undefined);
}

/**
 * The task token active where `owner` was taken, kept with it (a lease's
 * owner): `owner` itself when it is a token, the active token when it is a
 * span context, undefined without tokens. Reads the token storage only where
 * a span context and tokens are both in play.
 */
export function tokenOfOwner(owner: Task | undefined, withTokens: boolean): TaskToken | undefined {
  if (owner === undefined || !withTokens || !tokensEntered) return undefined;
  return owner instanceof TaskToken ? owner : tokens!.getStore();
}

/**
 * True when the current task is `owner`'s, `ownerToken` being the token
 * active where the owner was taken (tokenOfOwner). Two span contexts, or two
 * tokens, compare as sameTask() says (the trace decides), except that two
 * HTTP requests are two tasks even when they carry one upstream trace (a
 * gateway's parallel calls): each runs in its own HTTP root. A span context and
 * a token compare by token: a span started inside an HTTP root or a
 * runInTask scope (a new root trace when no span was active) belongs to its
 * request or job, so a lease taken in the span and used after it ended, or
 * taken before it and used inside it, stays one task's. Two span contexts of
 * different traces are one task when both ran in one HTTP request's root (a
 * handler's spans with no request span above them). Reads the token storage
 * only when the traces differ, or when they agree and the owner was taken in
 * an HTTP root.
 */
export function sameTaskAsOwner(current: Task, owner: Task, ownerToken: TaskToken | undefined): boolean {
  // One span context can stand for two requests: one active where the server started (a traced bootstrap, no HTTP span per request).
  if (sameTask(owner, current)) return !otherRequestOfTrace(current, owner, ownerToken);
  const ownerIsToken = owner instanceof TaskToken;
  if (ownerIsToken === current instanceof TaskToken) {
    // A lease a runInTask() scope took, used or released by the HTTP request the scope runs in: by the
    // request's own events ('finish', 'close'), which run in its root. The scope is the request's doing;
    // the other way round (a scope acting on the request's lease), and between two scopes, it is not.
    if (ownerIsToken) return (owner as TaskToken).requestRoot === current;
    // Two spans of two traces in one HTTP request: with no request span above them, each span the
    // handler starts begins a trace of its own. The request's root says they are one task.
    return ownerToken?.request === true && tokens?.getStore() === ownerToken;
  }
  const token = ownerIsToken ? owner : ownerToken;
  return token !== undefined && tokens?.getStore() === token;
}

/**
 * True when `current` and `owner`, span contexts of one trace, run in two
 * HTTP requests' roots. Reads the token storage only when the owner was taken
 * in an HTTP root (poolguard's tokens are on).
 */
function otherRequestOfTrace(current: Task, owner: Task, ownerToken: TaskToken | undefined): boolean {
  if (ownerToken?.request !== true || current instanceof TaskToken || owner instanceof TaskToken) return false;
  const token = tokens!.getStore();
  return token !== undefined && token !== ownerToken && token.request;
}

/**
 * sameTaskAsOwner, and no two requests' or jobs' own tokens tell them apart:
 * concurrent requests that carry one upstream trace (a gateway's parallel
 * calls) are one task by trace, but each runs in its own HTTP root. Reads the
 * token storage only when the traces agree and the owner's token is known:
 * for checks off the hot path (nested_checkout, on a saturated pool).
 */
export function sameRootTaskAsOwner(current: Task, owner: Task, ownerToken: TaskToken | undefined): boolean {
  if (current instanceof TaskToken && isScopeOf(current, ownerToken ?? owner)) return true;
  if (!sameTaskAsOwner(current, owner, ownerToken)) return false;
  if (ownerToken === undefined || current instanceof TaskToken || owner instanceof TaskToken || !tokensEntered) return true;
  const token = tokens!.getStore();
  return token === undefined || token === ownerToken || isScopeOf(token, ownerToken);
}

/** A runInTask() scope inside `request`'s root (a helper the request awaits) is that request's. */
function isScopeOf(token: TaskToken, request: Task): boolean {
  return token.requestRoot !== undefined && token.requestRoot === request;
}

/** True when `a` and `b` are known to be the same task; false when either is unknown. */
export function sameTask(a: Task, b: Task): boolean {
  if (a === b) return true;
  // Two tokens with no trace are two tasks; otherwise the trace decides.
  return a.traceId !== undefined && a.traceId === b.traceId;
}

export function traceIdOf(task: Task | undefined): string | undefined {
  return task?.traceId;
}

export function spanIdOf(task: Task | undefined): string | undefined {
  return task?.spanId;
}

/**
 * Runs `fn` outside every task: no OTel context and no token active. Timers
 * poolguard starts (the leak sweep) are started here, so that what they
 * report later is not emitted in the trace of whichever request happened to
 * create the pool.
 */
export function outsideTasks<T>(fn: () => T): T {
  const inRoot = () => context.with(ROOT_CONTEXT, fn);
  return tokens === undefined ? inRoot() : tokens.exit(inRoot);
}

/** The key under which @opentelemetry/core marks a context whose work is not traced (createContextKey is Symbol.for). */
const SUPPRESS_TRACING_KEY = createContextKey('OpenTelemetry SDK Context Key SUPPRESS_TRACING');

/**
 * Runs poolguard's own database work (checkServerLimit's one-off read)
 * outside every task and trace, with tracing suppressed, as @opentelemetry/core's
 * suppressTracing() does: instrumentation-pg and the like record no span of it
 * in the app's traces.
 */
export function untraced<T>(fn: () => T): T {
  const run = () => context.with(ROOT_CONTEXT.setValue(SUPPRESS_TRACING_KEY, true), fn);
  return tokens === undefined ? run() : tokens.exit(run);
}

/** Runs `fn` in a fresh poolguard task scope. */
export function runInTask<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError(`poolguard: runInTask() expects a function, got ${fn === null ? 'null' : typeof fn}`);
  const storage = tokenStorage();
  const enclosing = tokensEntered ? storage.getStore() : undefined;
  tokensEntered = true;
  const requestRoot = enclosing?.request === true ? enclosing : enclosing?.requestRoot;
  return storage.run(new TaskToken(activeSpanContext(otelApiGlobals()), false, requestRoot), fn);
}

type Emitter = { emit(event: string | symbol, ...args: unknown[]): boolean };

/** The HTTP root token a request runs in, on the request object. */
const REQUEST_TASK = Symbol('poolguard.requestTask');

type TaskCarrier = { [REQUEST_TASK]?: TaskToken };

function isEmitter(value: unknown): value is Emitter {
  return value !== null && typeof value === 'object' && typeof (value as Partial<Emitter>).emit === 'function';
}

/**
 * Connect/Express-style middleware that runs the rest of the request in its
 * own task scope. A request that already is a task (poolguard's HTTP root)
 * stays that one task. Otherwise the request's and the response's events run
 * in the new scope too, so a body parser's 'data'/'end' continue the same task.
 */
export function taskMiddleware(): (req: unknown, res: unknown, next: (err?: unknown) => void) => void {
  return (req, res, next) => {
    // Already a task: poolguard's HTTP root, or this middleware mounted again (app and router).
    if (isEmitter(req) && (req as TaskCarrier)[REQUEST_TASK] !== undefined) return next();
    tokensEntered = true;
    const storage = tokenStorage();
    const token = new TaskToken(activeSpanContext(otelApiGlobals()), true);
    if (isEmitter(req)) {
      Object.defineProperty(req, REQUEST_TASK, { value: token, configurable: true });
      emitInTask(storage, req, token);
    }
    if (isEmitter(res)) emitInTask(storage, res, token, true);
    storage.run(token, () => next());
  };
}

/** 'auto' pools only: roots are entered once taskTrackingEnabled('auto') holds, checked per request. */
let httpRootsForced = false;

/**
 * Task roots per HTTP request for a pool's `taskTracking` setting: `true`
 * enters them from now on; `'auto'` subscribes now and enters them from the
 * first request after an OTel context manager is registered (an SDK started
 * after the pool was guarded, as with the preload), checked per request;
 * `false` asks for none.
 */
export function wantHttpRoots(setting: boolean | 'auto'): void {
  if (setting === false) return;
  if (setting === true) httpRootsForced = true;
  enableHttpRoots();
}

/**
 * Makes every incoming HTTP request a task root. The channel fires once per
 * request before the 'request' event, in the parser's execution; entering a
 * fresh token there scopes the handler and everything it starts, and the next
 * request on a keep-alive socket enters its own.
 *
 * The request's and the response's events are emitted in the request's token
 * too: one closure per message, nothing per checkout. The socket's reads and
 * writes drive them, in whichever context the socket has: on Node >= 24
 * (AsyncContextFrame), where enterWith lasts only until the current callback
 * returns, in none; on any Node, for pipelined requests on one keep-alive
 * socket, in the request before's (Node flushes a response, and emits its
 * 'finish', after the one before it).
 */
function enableHttpRoots(): void {
  if (httpRootsOn) return;
  httpRootsOn = true;
  subscribe('http.server.request.start', (message) => {
    // Until async context is on, no token: an ALS of poolguard's own would slow every await (Node < 24).
    // Once runInTask()/taskMiddleware() switched poolguard's own on, each request leaves the token it
    // would otherwise inherit (a server started inside a runInTask job) for a root of its own.
    if (!httpRootsForced && tokens === undefined && !taskTrackingEnabled('auto')) return;
    const storage = tokenStorage();
    const token = new TaskToken(undefined, true);
    tokensEntered = true;
    storage.enterWith(token);
    const { request, response } = message as { request?: Emitter; response?: Emitter };
    if (request !== undefined) Object.defineProperty(request, REQUEST_TASK, { value: token, configurable: true });
    if (request !== undefined) emitInTask(storage, request, token);
    if (response !== undefined) emitInTask(storage, response, token, true);
  });
}

/** Emits `emitter`'s events in `token`; a response's 'close' (after its listeners ran) ends the request's task. */
function emitInTask(storage: AsyncLocalStorage<TaskToken>, emitter: Emitter, token: TaskToken, response = false): void {
  const emit = emitter.emit;
  emitter.emit = function (this: Emitter, ...args: unknown[]): boolean {
    const listened = storage.run(token, () => emit.apply(this, args as [string, ...unknown[]]));
    if (response && args[0] === 'close' && token.endedBeforeLease === 0) token.endedBeforeLease = leaseIdsSoFar();
    return listened;
  };
}

/**
 * The lease `leaseId` was taken after its owner token ended (TaskToken.endedBeforeLease):
 * its holder is work the task left behind. A lease the request took before its
 * response closed (it answered early and works on) is still its own.
 */
export function takenAfterOwnerEnded(leaseId: number, owner: Task | undefined, ownerToken: TaskToken | undefined): boolean {
  const token = ownerToken ?? (owner instanceof TaskToken ? owner : undefined);
  return token !== undefined && token.endedBeforeLease > 0 && leaseId >= token.endedBeforeLease;
}

/**
 * Binds a callback to the async context of its caller, so that a pool that
 * calls it from another task's release still runs it as the caller's task.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function bindToCaller<F extends (...args: any[]) => unknown>(fn: F): F {
  return exactContext(AsyncResource.bind(fn) as F);
}
