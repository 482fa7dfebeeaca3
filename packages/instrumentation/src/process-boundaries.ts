/*
 * The process and thread boundary patches, installed once per process (and
 * per worker thread, whose builtins are its own) by the first enabled
 * PoolGuardInstrumentation or the first guardPool() call, and removed when
 * the last instrumentation that needs them is disabled. They run the
 * pool_before_fork, pool_across_boundary and handle_sent_to_process checks at
 * fork, send and postMessage time only: nothing here touches the query path,
 * and nothing here is something @opentelemetry/instrumentation-pg wraps.
 *
 * Wrapping is shimmer-style: a wrapper carries the original under a Symbol,
 * so installing twice wraps once, and uninstalling restores the original
 * where the wrapper is still in place. A wrapper someone else wrapped over
 * cannot be removed; it then only passes calls through (no owner, no check).
 *
 * `send` is a per-instance property that Node sets up on `process` and on
 * each ChildProcess with an IPC channel, so those are wrapped per instance:
 * process.send at install, and each child's as ChildProcess#spawn starts it.
 * worker_threads.Worker is replaced in place by a subclass, so the check runs
 * before the DataCloneError of a `workerData` that cannot be cloned. After
 * patching, module.syncBuiltinESMExports() lets ESM named imports see it.
 */
// The module objects themselves (not namespace copies): patches must land where every importer looks.
import childProcess = require('node:child_process');
import clusterModule = require('node:cluster');
import nodeModule = require('node:module');
import { Socket } from 'node:net';
import workerThreads = require('node:worker_threads');
import { diag } from '@opentelemetry/api';
import { checkHandle } from './detectors/handle_sent_to_process';
import { checkJsonPayload, checkPayload } from './detectors/pool_across_boundary';
import { checkFork } from './detectors/pool_before_fork';
import { againstCwd, isWorkerTarget } from './fork-target';
import { PoolGuardError } from './errors';
import type { ReportTarget } from './signals';

// At run time require('node:cluster') is the cluster object; its types describe an ES default export.
const cluster = clusterModule as unknown as clusterModule.Cluster;

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;
type Wrapped = AnyFunction & { [ORIGINAL]?: AnyFunction };

const ORIGINAL = Symbol.for('poolguard.boundary.original');

/** Who needs the patches, and how to report a value poolguard does not guard on their behalf. */
const owners = new Map<object, () => Omit<ReportTarget, 'name'>>();

/** >0 while a wrapper runs the original: a nested wrapper (Worker#postMessage → MessagePort#postMessage) checks nothing twice. */
let passing = 0;

const undo: (() => void)[] = [];

function active(): boolean {
  return owners.size > 0 && passing === 0;
}

/** The target for a value poolguard does not guard: the first owner's settings and telemetry, under the library's name. */
function unguardedTarget(library: string): ReportTarget | undefined {
  for (const source of owners.values()) return { name: library, ...source() };
  return undefined;
}

type Check = (via: string, value: unknown, unguarded: (library: string) => ReportTarget | undefined) => PoolGuardError | undefined;

/**
 * Runs `check(via, value)`; poolguard's own faults go to diag, a
 * PoolGuardError (throw mode) to the caller. The check and its arguments are
 * passed apart, so a send allocates no closure.
 */
function runCheck(check: Check, via: string, value: unknown): void {
  let error: PoolGuardError | undefined;
  try {
    error = check(via, value, unguardedTarget);
  } catch (err) {
    if (err instanceof PoolGuardError) throw err;
    diag.error('poolguard: a process boundary check failed; the call went on unchecked', err);
  }
  if (error !== undefined) throw error;
}

function checkMessage(via: string, message: unknown): void {
  // The fast path for plain messages: primitives cost one typeof.
  if (message === null || (typeof message !== 'object' && typeof message !== 'function')) return;
  runCheck(checkPayload, via, message);
}

/** An IPC send: the message goes as JSON text unless the channel uses 'advanced' serialization (the structured clone). */
function checkSend(via: string, message: unknown, handle: unknown, jsonText: boolean): void {
  if (message !== null && (typeof message === 'object' || typeof message === 'function')) runCheck(jsonText ? checkJsonPayload : checkPayload, via, message);
  // Pooled connections are net.Sockets (TLS ones too); cluster's round-robin passes raw TCP handles, not sockets.
  if (handle instanceof Socket) runCheck(checkHandle, via, handle);
}

/**
 * Replaces `target[key]` by `make(original)` unless poolguard's wrapper is
 * already there. `undoable: false` keeps no undo step: for a per-instance
 * wrapper (each child's `send`), whose undo step would hold every child the
 * process ever forked; such a wrapper only passes calls through once the
 * patches are off.
 */
function wrap(target: object, key: string, make: (original: AnyFunction) => AnyFunction, undoable = true): void {
  const holder = target as Record<string, Wrapped | undefined>;
  const original = holder[key];
  if (typeof original !== 'function' || original[ORIGINAL] !== undefined) return;
  const wrapper: Wrapped = make(original);
  Object.defineProperty(wrapper, ORIGINAL, { value: original });
  Object.defineProperty(wrapper, 'name', { value: original.name });
  Object.defineProperty(wrapper, 'length', { value: original.length });
  const descriptor = Object.getOwnPropertyDescriptor(target, key);
  Object.defineProperty(target, key, {
    value: wrapper,
    writable: descriptor?.writable ?? true,
    enumerable: descriptor?.enumerable ?? false,
    configurable: true,
  });
  if (!undoable) return;
  undo.push(() => {
    if (holder[key] !== wrapper) return;
    if (descriptor === undefined) delete holder[key];
    else Object.defineProperty(target, key, descriptor);
  });
}

/**
 * Wraps an IPC `send` (process.send, child.send): check the message and the
 * handle, then send. `jsonText`: the channel's serialization is 'json' (Node's default).
 */
function wrapSend(target: object, via: string, undoable: boolean, jsonText: boolean): void {
  wrap(target, 'send', (original) => function send(this: unknown, message: unknown, handle?: unknown) {
    if (active()) checkSend(via, message, handle, jsonText);
    passing++;
    try {
      return original.apply(this, arguments as unknown as unknown[]);
    } finally {
      passing--;
    }
  }, undoable);
}

/** A child's `send` is set up per instance by Node: wrap it on each child poolguard sees start (kept after the patches come off). */
function guardChild(child: unknown, spawnOptions: unknown): void {
  if (child !== null && typeof child === 'object' && typeof (child as { send?: unknown }).send === 'function') {
    const serialization = spawnOptions !== null && typeof spawnOptions === 'object' ? (spawnOptions as { serialization?: unknown }).serialization : undefined;
    wrapSend(child, 'child.send()', false, serialization !== 'advanced');
  }
}

/** The message Node's own Worker constructor posts to the new thread (lib/internal/worker.js). */
interface LoadScriptMessage {
  type: 'loadScript';
  filename: unknown;
  doEval: unknown;
  workerData: unknown;
  argv: unknown;
}

/**
 * Node posts an object literal. Only a plain object's `type` is read: the
 * structured clone reads a plain object's own properties anyway, while a
 * class instance's `type` could be a getter that nothing else would run.
 */
function isLoadScript(message: unknown): message is LoadScriptMessage {
  if (message === null || typeof message !== 'object') return false;
  try {
    // A revoked Proxy or a throwing trap throws even here; the structured clone reports it to the app.
    if (Object.getPrototypeOf(message) !== Object.prototype) return false;
    return (message as { type?: unknown }).type === 'loadScript' && 'filename' in message && 'doEval' in message && 'workerData' in message;
  } catch {
    // The app's own getter threw: the structured clone will throw it to the app; poolguard does not.
    return false;
  }
}

/**
 * A Worker class the app took out of worker_threads before poolguard loaded
 * never runs poolguard's subclass. Its constructor still posts the script and
 * workerData through MessagePort#postMessage: the fork and payload checks run
 * there, as the subclass would run them.
 */
function checkWorkerStart(message: LoadScriptMessage): void {
  if (message.doEval !== true) runCheck(checkFork, 'new Worker()', message.filename);
  checkMessage('new Worker() workerData', message.workerData);
  checkMessage('new Worker() argv', message.argv);
}

function wrapPostMessage(prototype: object | undefined, via: string): void {
  if (prototype === undefined) return;
  wrap(prototype, 'postMessage', (original) => function postMessage(this: unknown, message: unknown) {
    // Reported before the DataCloneError, which the app still gets unchanged.
    if (active()) {
      if (isLoadScript(message)) checkWorkerStart(message);
      else checkMessage(via, message);
    }
    passing++;
    try {
      return original.apply(this, arguments as unknown as unknown[]);
    } finally {
      passing--;
    }
  });
}

function patchClusterFork(): void {
  if (typeof cluster.fork !== 'function') return;
  wrap(cluster, 'fork', (original) => function fork(this: unknown, env?: unknown) {
    if (active()) {
      // Before setupPrimary() runs, settings.exec is unset and Node forks process.argv[1].
      const { exec, cwd } = cluster.settings as { exec?: string; cwd?: string };
      runCheck(checkFork, 'cluster.fork()', againstCwd(exec ?? process.argv[1], cwd));
      checkMessage('cluster.fork() env', env);
    }
    // Checked: the child_process.fork and spawn inside check nothing twice.
    passing++;
    try {
      return original.apply(this, arguments as unknown as unknown[]);
    } finally {
      passing--;
    }
  });
}

/**
 * The script a spawn runs when it is a Node fork: an IPC channel, and the
 * arguments child_process.fork builds ([node, ...process.execArgv, script, ...]).
 * A spawn with its own execArgv is not judged: which argument is the script
 * cannot be told apart from the options before it.
 */
function forkedScript(options: unknown): string | undefined {
  if (options === null || typeof options !== 'object') return undefined;
  const { args, stdio, cwd } = options as { args?: unknown; stdio?: unknown; cwd?: unknown };
  if (!Array.isArray(args) || !Array.isArray(stdio) || !stdio.includes('ipc')) return undefined;
  const execArgv = process.execArgv;
  for (let i = 0; i < execArgv.length; i++) if (args[i + 1] !== execArgv[i]) return undefined;
  const script: unknown = args[execArgv.length + 1];
  return typeof script === 'string' ? (againstCwd(script, cwd) as string) : undefined;
}

function patchChildProcess(): void {
  wrap(childProcess, 'fork', (original) => function fork(this: unknown, modulePath: unknown, args?: unknown, options?: unknown) {
    if (active()) {
      // fork(path, options), or fork(path, args, options) where args may be null or undefined, as Node
      // reads them: the child resolves a relative path against its cwd.
      const forkOptions = (args == null || Array.isArray(args) ? options : args) as { cwd?: unknown } | null | undefined;
      runCheck(checkFork, 'child_process.fork()', againstCwd(modulePath, forkOptions?.cwd));
      if (Array.isArray(args)) checkMessage('child_process.fork() arguments', args);
      // As cluster.fork(env): Node turns each value into a string, a pool into "[object Object]".
      if (forkOptions !== null && typeof forkOptions === 'object') checkMessage('child_process.fork() env', (forkOptions as { env?: unknown }).env);
    }
    // Checked: the spawn inside checks nothing twice.
    passing++;
    try {
      return original.apply(this, arguments as unknown as unknown[]);
    } finally {
      passing--;
    }
  });
  // Every fork and spawn (cluster's too, and through a `fork` the app took out of the module
  // before poolguard loaded) starts the child here; Node sets up its IPC `send` inside.
  wrap(childProcess.ChildProcess.prototype, 'spawn', (original) => function spawn(this: unknown, options?: unknown) {
    if (active()) {
      // Reached with checks on only from a fork poolguard did not wrap (taken before it loaded).
      const script = forkedScript(options);
      if (script !== undefined) runCheck(checkFork, 'child_process.fork()', script);
    }
    const result = original.apply(this, arguments as unknown as unknown[]);
    guardChild(this, options);
    return result;
  });
}

function patchWorker(): void {
  const Original = workerThreads.Worker as typeof workerThreads.Worker & { [ORIGINAL]?: unknown };
  if (typeof Original !== 'function' || Original[ORIGINAL] !== undefined) return;
  // Checks run before super(): the app's DataCloneError for workerData comes after the report.
  class Worker extends Original {
    constructor(filename: string | URL, options?: workerThreads.WorkerOptions) {
      if (active()) {
        // `eval: true` code is not a file, so it is not a copy of this one.
        // Nor is a path Node refuses (`'self.js'`, a `'file:'` string): it starts no thread.
        if (options?.eval !== true && isWorkerTarget(filename)) runCheck(checkFork, 'new Worker()', filename);
        if (options !== undefined && options !== null) {
          checkMessage('new Worker() workerData', options.workerData);
          checkMessage('new Worker() argv', options.argv);
        }
      }
      // Worker's constructor posts workerData through MessagePort#postMessage: checked once, above.
      passing++;
      try {
        super(filename, options);
      } finally {
        passing--;
      }
    }

    /**
     * `worker instanceof Worker` answers as for Node's own class: a Worker
     * built from the class a library took before poolguard loaded is one. A
     * subclass of this one keeps the usual answer.
     */
    static override [Symbol.hasInstance](value: unknown): boolean {
      return this === Worker ? value instanceof Original : Function.prototype[Symbol.hasInstance].call(this, value);
    }
  }
  Object.defineProperty(Worker, 'name', { value: 'Worker' });
  Object.defineProperty(Worker, ORIGINAL, { value: Original });
  const exports = workerThreads as unknown as Record<string, unknown>;
  exports.Worker = Worker;
  undo.push(() => {
    if (exports.Worker === Worker) exports.Worker = Original;
  });
}

function install(): void {
  try {
    patchClusterFork();
    // cluster.Worker is the class of cluster.workers[id], on the primary and in each worker.
    wrap((cluster as unknown as { Worker: { prototype: object } }).Worker.prototype, 'send', (original) => function send(this: unknown, message: unknown, handle?: unknown) {
      // In a worker, worker.send() is process.send(), whose serialization is taken to be 'json' (below).
      if (active()) checkSend('worker.send()', message, handle, !cluster.isPrimary || (cluster.settings as { serialization?: unknown }).serialization !== 'advanced');
      passing++;
      try {
        return original.apply(this, arguments as unknown as unknown[]);
      } finally {
        passing--;
      }
    });
    patchChildProcess();
    // Node tells a child its channel's serialization only internally: taken to be the default, 'json'.
    if (typeof process.send === 'function') wrapSend(process, 'process.send()', true, true);
    // Worker#postMessage on the original class, before the subclass takes its place.
    wrapPostMessage(workerThreads.Worker.prototype, 'worker.postMessage()');
    patchWorker();
    wrapPostMessage(workerThreads.MessagePort?.prototype, 'postMessage()');
    wrapPostMessage(workerThreads.BroadcastChannel?.prototype, 'BroadcastChannel#postMessage()');
    nodeModule.syncBuiltinESMExports();
  } catch (err) {
    diag.error('poolguard: could not patch the process boundaries; pool_before_fork, pool_across_boundary and handle_sent_to_process are off', err);
  }
}

function uninstall(): void {
  try {
    while (undo.length > 0) undo.pop()!();
    nodeModule.syncBuiltinESMExports();
  } catch (err) {
    diag.error('poolguard: could not remove the process boundary patches', err);
  }
}

/** `owner` needs the boundary checks; the first owner installs the patches. */
export function attachBoundaries(owner: object, source: () => Omit<ReportTarget, 'name'>): void {
  if (owners.has(owner)) return;
  owners.set(owner, source);
  if (undo.length === 0) install();
}

/** `owner` no longer needs them; the last one out removes the patches. */
export function detachBoundaries(owner: object): void {
  if (!owners.delete(owner) || owners.size > 0) return;
  uninstall();
}
