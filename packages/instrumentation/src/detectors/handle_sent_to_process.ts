/*
 * handle_sent_to_process: a pooled connection's socket passed as the handle
 * of send(). Two processes then share one database session and corrupt it.
 */
import type { KindInfo } from './kind-info';

export const info: KindInfo = {
  summary: 'A pooled connection\'s socket was sent as a handle to another process, so two processes share one database session.',
  fix: 'Never send a database socket; let the other process open its own connection.',
};
