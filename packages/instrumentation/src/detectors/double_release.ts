/*
 * double_release: a lease released twice. The pool's own error (pg throws
 * "Release called on client which has already been released") still reaches
 * the app; mysql2 and generic-pool stay silent, so poolguard is the only signal.
 */
import type { KindInfo } from './kind-info';

export const info: KindInfo = {
  summary: 'A lease was released twice.',
  fix: 'Release each checkout exactly once, in a finally block.',
};
