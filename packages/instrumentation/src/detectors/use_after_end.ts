/*
 * use_after_end: the pool is used after end(). The driver rejects the call,
 * but by then the work the caller meant to do is lost; the report names the
 * pool and the site.
 */
import type { KindInfo } from './kind-info';

export const info: KindInfo = {
  summary: 'The pool was used after end().',
  fix: 'Stop issuing work before ending the pool, or create a new pool.',
};
