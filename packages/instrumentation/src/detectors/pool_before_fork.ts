/*
 * pool_before_fork: the process forks a copy of itself while pools exist.
 * Every copy re-runs the code that created them: the primary keeps idle
 * connections it never uses, and N workers × max exhaust the server.
 */
import type { KindInfo } from './kind-info';

export const info: KindInfo = {
  summary: 'The process forked a copy of itself while pools exist, so every copy re-creates them.',
  fix: 'Create pools only in the worker branch (cluster.isPrimary / isMainThread guards), or fork another script.',
};
