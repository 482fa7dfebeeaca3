/**
 * The guards Node's modules give a file, as signals: which side of a fork
 * each one proves when it is truthy and when it is falsy, and which fork
 * kinds it tells apart.
 *
 * A guard tells apart the parent and the children of some kinds of fork only:
 * `cluster.isPrimary` is true in a `child_process.fork()` child and in a
 * worker thread too, `isMainThread` is true in a cluster worker, and a worker
 * thread has `process.send` if its process has. So each signal lists the
 * kinds it holds for (`process.send` for `child_process` and `cluster`, whose
 * workers have an IPC channel too).
 *
 * The worker-pool libraries that start this file (fork-sites) have flags of
 * their own: Piscina's and Tinypool's `isWorkerThread`, true only in a thread
 * the pool started, and workerpool's `isMainThread`, which is worker_threads'
 * `isMainThread && !process.connected`, so false in a worker thread and in a
 * process with an IPC channel (a forked child, a cluster worker). Each falls
 * short as `isMainThread` and `process.send` do: `Piscina.isWorkerThread` is
 * false in a plain `new Worker()` of the file too, and `workerpool.isMainThread`
 * in a parent that was itself started with an IPC channel.
 *
 * The `cluster` and `worker_threads` flags, and these, are found where the file reads
 * them through `import`/`require`, aliases and destructuring (module-references);
 * `process` members are read by path (process-members), where the conditions
 * are reasoned about (guard-conditions).
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { ReferenceTracker } from '@typescript-eslint/utils/ast-utils';
import type { ForkKind } from './fork-sites';
import { coreModuleTraceMap, iterateModuleReferences, type ParsedSource, type TraceMap } from './module-references';

export type Position = 'shared' | 'parent' | 'child';
export type Side = Exclude<Position, 'shared'>;

/** The side a condition proves when it is truthy, and when it is falsy. */
export interface Guard {
  whenTrue?: Side;
  whenFalse?: Side;
  /**
   * The value is an object only the child has, null or undefined in the
   * parent (`cluster.worker`, `parentPort`, `workerData`): a field of it
   * equal to a value (`cluster.worker?.id === 1`) proves the child.
   */
  childObject?: true;
  /** The value is a number that is 0 exactly where it is falsy (`threadId`): `x === 0` reads as `!x`. */
  zeroWhenFalse?: true;
}

/** A guard as the code reads it, with the fork kinds whose parent and child it tells apart. */
export interface Signal extends Guard {
  kinds: readonly ForkKind[];
}

const PARENT_WHEN_TRUE: Guard = { whenTrue: 'parent', whenFalse: 'child' };
const CHILD_WHEN_TRUE: Guard = { whenTrue: 'child', whenFalse: 'parent' };

const CLUSTER_PRIMARY: Signal = { ...PARENT_WHEN_TRUE, kinds: ['cluster'] };
const CLUSTER_WORKER: Signal = { ...CHILD_WHEN_TRUE, kinds: ['cluster'] };
/** `cluster.worker`: the worker's own Worker object, undefined in the primary. */
const CLUSTER_WORKER_OBJECT: Signal = { ...CLUSTER_WORKER, childObject: true };
const MAIN_THREAD: Signal = { ...PARENT_WHEN_TRUE, kinds: ['worker_threads'] };
/** The thread's id: 0 on the main thread, counting up from 1 in the workers. */
const THREAD_ID: Signal = { ...CHILD_WHEN_TRUE, zeroWhenFalse: true, kinds: ['worker_threads'] };
/** The port to the parent thread: null on the main thread. */
const PARENT_PORT: Signal = { ...CHILD_WHEN_TRUE, childObject: true, kinds: ['worker_threads'] };
/**
 * `workerData` is null on the main thread, and whatever the parent passed
 * (perhaps undefined) in a worker: truthy proves a worker, falsy nothing.
 */
const WORKER_DATA: Signal = { whenTrue: 'child', childObject: true, kinds: ['worker_threads'] };
/** The IPC channel: a forked child and a cluster worker have one; a worker thread shares its process's. */
export const PROCESS_SEND: Signal = { ...CHILD_WHEN_TRUE, kinds: ['child_process', 'cluster'] };
/** Set by cluster for its workers; a process without it may still be a forked child. */
export const NODE_UNIQUE_ID: Signal = CLUSTER_WORKER;
/** Only `child_process.fork()` arguments are collected as child arguments. */
export const CHILD_ARGUMENT: Signal = { ...CHILD_WHEN_TRUE, kinds: ['child_process'] };
/** Environment entries come from every kind of self-fork (`cluster.fork(env)`, `{ env }` options). */
export const CHILD_ENVIRONMENT: Signal = { ...CHILD_WHEN_TRUE, kinds: ['child_process', 'cluster', 'worker_threads'] };

const CLUSTER_FLAGS: Record<string, object> = {
  isPrimary: { [ReferenceTracker.READ]: CLUSTER_PRIMARY },
  isMaster: { [ReferenceTracker.READ]: CLUSTER_PRIMARY },
  isWorker: { [ReferenceTracker.READ]: CLUSTER_WORKER },
  worker: { [ReferenceTracker.READ]: CLUSTER_WORKER_OBJECT },
};
const WORKER_THREADS_FLAGS: Record<string, object> = {
  isMainThread: { [ReferenceTracker.READ]: MAIN_THREAD },
  threadId: { [ReferenceTracker.READ]: THREAD_ID },
  parentPort: { [ReferenceTracker.READ]: PARENT_PORT },
  workerData: { [ReferenceTracker.READ]: WORKER_DATA },
};

/** `Piscina.isWorkerThread`, `Tinypool.isWorkerThread`: set by the pool's worker before it loads the file. */
const POOL_WORKER_THREAD: Signal = { ...CHILD_WHEN_TRUE, kinds: ['worker_threads'] };
/** `workerpool.isMainThread`: false in a worker thread, a forked child and a cluster worker alike. */
const WORKERPOOL_MAIN_THREAD: Signal = { ...PARENT_WHEN_TRUE, kinds: ['worker_threads', 'child_process', 'cluster'] };

/** Piscina's class is the CommonJS module itself, `default` and `Piscina`, and the module exports `isWorkerThread` too. */
const PISCINA_FLAGS = {
  isWorkerThread: { [ReferenceTracker.READ]: POOL_WORKER_THREAD },
  Piscina: { isWorkerThread: { [ReferenceTracker.READ]: POOL_WORKER_THREAD } },
};
const TINYPOOL_CLASS = { isWorkerThread: { [ReferenceTracker.READ]: POOL_WORKER_THREAD } };
const WORKERPOOL_FLAGS = { isMainThread: { [ReferenceTracker.READ]: WORKERPOOL_MAIN_THREAD } };

const TRACE_MAP: TraceMap = {
  ...coreModuleTraceMap({ cluster: CLUSTER_FLAGS, worker_threads: WORKER_THREADS_FLAGS }),
  piscina: { ...PISCINA_FLAGS, default: PISCINA_FLAGS },
  tinypool: { Tinypool: TINYPOOL_CLASS, default: TINYPOOL_CLASS },
  workerpool: { ...WORKERPOOL_FLAGS, default: WORKERPOOL_FLAGS },
};

/**
 * Where the file reads a `cluster`, `worker_threads` or worker-pool flag: the member
 * expression, import specifier or destructuring property, with its signal.
 */
export function findModuleSignals(sourceCode: ParsedSource): Map<TSESTree.Node, Signal> {
  const signals = new Map<TSESTree.Node, Signal>();
  for (const { node, info } of iterateModuleReferences<Signal>(sourceCode, TRACE_MAP)) {
    signals.set(node, info);
  }
  return signals;
}

/** The flag a package exports as `name`, when it is one of those above (`export { isMainThread } from 'worker_threads'`). */
export function coreFlagSignal(specifier: string, name: string): Signal | undefined {
  const members = Object.hasOwn(TRACE_MAP, specifier) ? (TRACE_MAP[specifier] as Record<string, Record<symbol, unknown>>) : undefined;
  const member = members && Object.hasOwn(members, name) ? members[name] : undefined;
  return member?.[ReferenceTracker.READ] as Signal | undefined;
}

/** The signal, when it tells apart the parent and the children of a fork of `kind`. */
export function forKind(signal: Signal | undefined, kind: ForkKind): Guard | undefined {
  return signal?.kinds.includes(kind) ? signal : undefined;
}

export function negate(guard: Guard | undefined): Guard | undefined {
  return guard && { whenTrue: guard.whenFalse, whenFalse: guard.whenTrue };
}
