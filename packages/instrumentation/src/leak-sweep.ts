/*
 * The sweep behind the `leak` detector. Each pool gets one unref'd timer that
 * runs every leakThresholdMs/8. A checkout reads no clock for it: the sweep
 * notes when it first sees each lease, which is at most one tick after the
 * lease began (or takes the checkout time the pool metrics read, when a
 * MeterProvider records), and reports the lease once it has been held for the
 * threshold.
 * So a lease is never reported early, and is reported at most two ticks
 * (threshold/4) after it crossed the threshold, well within the
 * threshold/2 + 100 ms that the contract allows; once per lease. After the
 * pool's end() it runs on while the app still holds leases: a lease held
 * through a graceful shutdown, which end() waits for, is the leak that hangs it.
 */
import { performance } from 'node:perf_hooks';
import type { PoolState } from './internal-types';
import { report } from './signals';
import { outsideTasks } from './task';

const MIN_SWEEP_MS = 10;
const IDLE_TICK_MS = 10_000;

/** Said of a leaked lease during which a release was held back as a stale holder's. */
const HELD_BACK_HINT = " A release of this connection was held back during this lease as a stale holder's (foreign_release). If that was this lease's own release, its callback ran in the async context of the task that held the connection before (a callback queue, a mutex or an emitter that calls one request back from another's code): bind the callback to its caller (AsyncResource.bind) or turn leaseHandles on.";

export function sweepLeaks(pool: PoolState, now = performance.now()): void {
  const threshold = pool.settings.leakThresholdMs;
  for (const conn of pool.connections()) {
    if (!conn.leased || !conn.explicit || conn.statementScoped || conn.leakReported) continue;
    if (conn.sweptLeaseId !== conn.leaseId) {
      conn.sweptLeaseId = conn.leaseId;
      // The lease's start when the pool metrics read the clock at checkout (a MeterProvider records), else now.
      conn.sweptAt = conn.leasedAt > 0 ? conn.leasedAt : now;
      if (now - conn.sweptAt < threshold) continue;
    }
    const heldMs = now - conn.sweptAt;
    if (heldMs < threshold) continue;
    conn.leakReported = true;
    report(pool, 'leak', {
      connection: conn,
      current: conn.owner,
      // The sweep's own stack says nothing: the checkout's, when it was captured, or none.
      site: conn.checkoutSite ?? null,
      detail: `Lease ${conn.leaseId} has been held for more than ${Math.round(heldMs)} ms (leakThresholdMs ${threshold}).${conn.heldBackDuringLease === conn.leaseId ? HELD_BACK_HINT : ''}`,
    });
  }
}

/** True while the app holds a lease of `pool` (an explicit checkout, not released yet). */
function holdsLeases(pool: PoolState): boolean {
  for (const conn of pool.connections()) if (conn.leased && conn.explicit) return true;
  return false;
}

/**
 * Starts the pool's sweep; returns a function that stops it. `onTick` runs
 * at every tick until the pool ends (the pool re-reads its MeterProvider, so
 * pools created before the SDK started get their metrics too). The timer
 * holds the pool weakly: a pool dropped without end() is collected, and its
 * timer stops then.
 */
export function startLeakSweep(pool: PoolState, onTick?: (pool: PoolState) => void): () => void {
  const sweeping = pool.settings.levels.leak !== 'off';
  if (!sweeping && onTick === undefined) return () => undefined;
  // With the leak detector off the timer still runs, slower, for `onTick` (a late MeterProvider).
  const every = sweeping ? Math.max(MIN_SWEEP_MS, Math.floor(pool.settings.leakThresholdMs / 8)) : IDLE_TICK_MS;
  const ref = new WeakRef(pool);
  // Started outside any task: a pool created lazily inside a request would otherwise emit every
  // later leak in that request's trace, and add the events to its span if still open.
  const timer = outsideTasks(() => setInterval(() => {
    const live = ref.deref();
    if (live === undefined || (live.ended && !(sweeping && holdsLeases(live)))) {
      clearInterval(timer);
      return;
    }
    if (!live.ended) onTick?.(live);
    if (sweeping) sweepLeaks(live);
  }, every));
  timer.unref();
  return () => clearInterval(timer);
}
