/*
 * The registry of violation kinds: one detector file per kind, named after
 * it, each exporting its `info`. Adding a kind touches its file and one line here.
 */
import type { Kind } from '../types';
import { info as concurrentQuery } from './concurrent_query';
import { info as crossTaskUse } from './cross_task_use';
import { info as dirtyRelease } from './dirty_release';
import { info as doubleRelease } from './double_release';
import { info as foreignRelease } from './foreign_release';
import { info as handleSentToProcess } from './handle_sent_to_process';
import type { KindInfo } from './kind-info';
import { info as leak } from './leak';
import { info as nestedCheckout } from './nested_checkout';
import { info as poolAcrossBoundary } from './pool_across_boundary';
import { info as poolBeforeFork } from './pool_before_fork';
import { info as transactionOnPool } from './transaction_on_pool';
import { info as useAfterEnd } from './use_after_end';
import { info as useAfterRelease } from './use_after_release';

export type { KindInfo };

export const KIND_INFO: Readonly<Record<Kind, KindInfo>> = {
  cross_task_use: crossTaskUse,
  use_after_release: useAfterRelease,
  double_release: doubleRelease,
  foreign_release: foreignRelease,
  concurrent_query: concurrentQuery,
  leak,
  dirty_release: dirtyRelease,
  use_after_end: useAfterEnd,
  transaction_on_pool: transactionOnPool,
  nested_checkout: nestedCheckout,
  pool_before_fork: poolBeforeFork,
  pool_across_boundary: poolAcrossBoundary,
  handle_sent_to_process: handleSentToProcess,
};

export const DOCS_BASE_URL = 'https://github.com/poolguard/poolguard/blob/main/docs/violations/';

export function docUrl(kind: Kind): string {
  return `${DOCS_BASE_URL}${kind}.md`;
}
