/*
 * leak: a lease held longer than leakThresholdMs. A sweep runs every
 * threshold/8 over the live leases of each pool (leak-sweep.ts), so a leak is
 * reported within threshold/4 after it crosses the threshold, once per lease;
 * its release later is logged as `unleaked` info.
 */
import type { KindInfo } from './kind-info';

export const info: KindInfo = {
  summary: 'A lease has been held longer than leakThresholdMs.',
  fix: 'Release every checkout in a finally block; raise leakThresholdMs for long-lived clients.',
};
