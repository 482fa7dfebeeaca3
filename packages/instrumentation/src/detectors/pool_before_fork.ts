/*
 * pool_before_fork: the process forks a copy of itself while pools exist.
 * Every copy re-runs the code that created them: the primary keeps idle
 * connections it never uses, and N workers × max exhaust the server.
 */
import { PoolGuardError } from '../errors';
import type { PoolState } from '../internal-types';
import { selfForkTarget } from '../fork-target';
import { livePools } from '../pool-registry';
import { isAppFrame, withoutOwnFrames } from '../own-frames';
import { report } from '../signals';
import type { KindInfo } from './kind-info';

export const info: KindInfo = {
  summary: 'The process forked a copy of itself while pools exist, so every copy re-creates them.',
  fix: 'Create pools only in the worker branch (cluster.isPrimary / isMainThread guards), or fork another script.',
};

/*
 * The check, run at each fork call (cluster.fork, child_process.fork, new
 * Worker) before the copy starts. Each pool is reported once per process, on
 * itself, however often the process forks.
 */

const reported = new WeakSet<PoolState>();
/** Throw mode: the error of each pool's report, thrown again at each later self-fork. */
const refusals = new WeakMap<PoolState, PoolGuardError>();

function openConnections(pool: PoolState): number {
  const stats = pool.stats();
  return (stats.idle ?? 0) + (stats.used ?? 0);
}

/**
 * Where `pool` was created (with captureStacks), from the app's first frame:
 * poolguard's frames left out, and the pool library's own constructor frames
 * before the app's call (pg's BoundPool, mysql2's createPool, knex's client).
 */
function creationSite(pool: PoolState): string | undefined {
  const stack = pool.settings.captureStacks ? pool.creationSite?.stack : undefined;
  if (stack === undefined) return undefined;
  const frames = withoutOwnFrames(stack).split('\n').slice(1);
  const app = frames.findIndex(isAppFrame);
  return frames.slice(app === -1 ? 0 : app).join('\n');
}

/** One pool, as its own report describes it: its name, open connections and, with captureStacks, where it was created. */
function describePool(pool: PoolState): string {
  const open = openConnections(pool);
  const site = creationSite(pool);
  return `"${pool.name}" (${open} open connection${open === 1 ? '' : 's'}${site === undefined ? '' : `, created at:\n${site}\n`})`;
}

/**
 * `via` forks `target`; when that is a copy of this process and pools exist,
 * reports pool_before_fork on each pool not reported yet. Returns the error
 * to throw in throw mode.
 */
export function checkFork(via: string, target: unknown): PoolGuardError | undefined {
  const pools = livePools();
  if (pools.length === 0) return undefined;
  const fresh = pools.filter((pool) => !reported.has(pool));
  // Throw mode refuses every self-fork while such a pool lives, not only the one that was reported.
  const refusing = pools.filter((pool) => refusals.has(pool) && pool.settings.levels.pool_before_fork === 'throw');
  if (fresh.length === 0 && refusing.length === 0) return undefined;
  const file = selfForkTarget(target, () => new Set(pools.flatMap((pool) => pool.creationFiles)));
  if (file === undefined) return undefined;
  // Each pool's report describes that pool; the others are counted, each reported on itself.
  const alongside = pools.length === 1 ? '' : `, one of ${pools.length} pools`;
  let error: PoolGuardError | undefined;
  for (const pool of fresh) {
    reported.add(pool);
    const detail = `${via} started a copy of ${file} while this pool exists${alongside}: ${describePool(pool)}.`;
    const refusal = report(pool, 'pool_before_fork', { detail });
    if (refusal !== undefined) refusals.set(pool, refusal);
    error ??= refusal;
  }
  const again = refusing[0] === undefined ? undefined : refusals.get(refusing[0]);
  return error ?? (again === undefined ? undefined : new PoolGuardError(again.violation));
}
