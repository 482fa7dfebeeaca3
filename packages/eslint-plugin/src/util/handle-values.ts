/**
 * A pooled connection's socket read off its owner: pg's
 * `client.connection.stream`, mysql2's and ioredis's `connection.stream`,
 * and `.socket` / `._socket` likewise. Passed as the handle of `send(msg,
 * handle)`, it moves the database session into another process (Node closes
 * it here, or both processes write to it), which is what the runtime reports
 * as `handle_sent_to_process`.
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { staticMemberName, unwrap } from './pool-values';

/** The member names a driver keeps its socket under. */
const SOCKET_MEMBERS = new Set(['stream', 'socket', '_socket']);
/** The member a driver keeps its protocol connection under, whose socket that is (pg's `client.connection`). */
const CONNECTION_MEMBER = 'connection';

/**
 * For `owner.stream`, the `owner` whose socket it may be, and for
 * `owner.connection.stream` also `owner` (to be judged a pool, client or
 * connection by the caller); none for anything else.
 */
export function socketOwners(node: TSESTree.Node): TSESTree.Node[] {
  const socket = unwrap(node);
  if (socket.type !== AST_NODE_TYPES.MemberExpression) return [];
  const name = staticMemberName(socket);
  if (name === undefined || !SOCKET_MEMBERS.has(name)) return [];
  const holder = unwrap(socket.object);
  if (holder.type === AST_NODE_TYPES.MemberExpression && staticMemberName(holder) === CONNECTION_MEMBER) {
    return [holder.object, holder];
  }
  return [holder];
}
