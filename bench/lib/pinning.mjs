// Pins the measured client to one core and the local PostgreSQL to the others
// for the length of a benchmark, then restores PostgreSQL's affinity.
//
// On a 2-core machine the server otherwise runs on the client's core in turns,
// and the client's CPU per cycle then moves with the scheduler (±15 % between
// runs of the same code). A real deployment has the database elsewhere; the
// pinned figure is the closer one. Pinning needs `taskset` (util-linux) and
// the right to set PostgreSQL's affinity (root or the postgres user); without
// either the benchmark runs unpinned and says so.
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

function run(command, args) {
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}

function postgresPids() {
  try {
    return run('pgrep', ['-x', 'postgres']).split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/**
 * Pins PostgreSQL to every core but the first and returns
 * { pinned, clientPrefix, note, restore, joinServer }: `clientPrefix` is the
 * command prefix that runs a benchmark process on the first core.
 */
export function pinForBenchmark() {
  const cores = availableParallelism();
  const unpinned = (note) => ({ pinned: false, clientPrefix: [], note, restore() {}, joinServer() {} });
  if (process.env.POOLGUARD_BENCH_PIN === '0') return unpinned('unpinned (POOLGUARD_BENCH_PIN=0)');
  if (cores < 2) return unpinned('unpinned (one core)');
  try {
    run('taskset', ['-p', String(process.pid)]);
  } catch {
    return unpinned('unpinned (no taskset)');
  }
  const pids = postgresPids();
  if (pids.length === 0) return unpinned('unpinned (no local postgres process found)');
  const all = `0-${cores - 1}`;
  const server = cores > 2 ? `1-${cores - 1}` : '1';
  const restore = () => {
    for (const pid of postgresPids()) {
      try {
        run('taskset', ['-a', '-p', '-c', all, pid]);
      } catch {
        // The process ended meanwhile.
      }
    }
  };
  try {
    for (const pid of pids) run('taskset', ['-a', '-p', '-c', server, pid]);
  } catch {
    restore();
    return unpinned('unpinned (no permission to set PostgreSQL\'s CPU affinity)');
  }
  process.once('exit', restore);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      restore();
      process.exit(130);
    });
  }
  /** Moves this process (a load generator) onto the server's cores. */
  const joinServer = () => {
    try {
      run('taskset', ['-a', '-p', '-c', server, String(process.pid)]);
    } catch {
      // Left where it was: the figures are noisier, not wrong.
    }
  };
  return { pinned: true, clientPrefix: ['taskset', '-c', '0'], note: `client on core 0, PostgreSQL on core${cores > 2 ? 's' : ''} ${server}`, restore, joinServer };
}
