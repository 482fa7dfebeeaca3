/*
 * concurrent_query: a query issued while another is in flight on the same
 * connection. Drivers queue it, so it "works", but its statements interleave
 * with the other caller's (a transaction's BEGIN, a SET) in queue order.
 * pg warns only once per process and only from the third query; poolguard
 * reads the driver's own queue at every query. Pipeline-mode clients are
 * exempt: queueing is their point.
 */
import type { KindInfo } from './kind-info';

export const info: KindInfo = {
  summary: 'A query was issued while another query was in flight on the same connection.',
  fix: 'Await each query before the next on one client, or use pool.query for independent statements.',
};

export function isConcurrentQuery(inFlight: number, pipelined: boolean): boolean {
  return inFlight > 0 && !pipelined;
}
