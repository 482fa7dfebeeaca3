/**
 * Channel calls and constructions found through their module, under whatever
 * local name the file gives them: `import { Worker as ThreadWorker } from
 * 'node:worker_threads'`, `const { fork: forkChild } = require('child_process')`,
 * `const W = wt.Worker`, `const Pool = require('piscina')`.
 *
 * no-pool-across-boundary matches most channels by the name at the call
 * (`fork(...)`, `x.postMessage(...)`), which a rename hides. Here the
 * shared module reference tracking (module-references, ReferenceTracker)
 * says which export a call or `new` really reaches, and the rule reads it
 * as that export's own name. Computed once per file.
 */
import type { TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES } from '@typescript-eslint/types';
import { ReferenceTracker } from '@typescript-eslint/utils/ast-utils';
import { coreModuleTraceMap, iterateModuleReferences, type ParsedSource, type TraceMap } from './module-references';

/** The export a channel call or construction reaches, as the rule names it. */
export type ChannelExport =
  | 'Worker'
  | 'fork'
  | 'spawn'
  | 'spawnSync'
  | 'execFile'
  | 'execFileSync'
  | 'setupPrimary'
  | 'setupMaster'
  | 'Piscina'
  | 'Tinypool'
  | 'workerpool.pool';

const call = (name: ChannelExport) => ({ [ReferenceTracker.CALL]: name });
const construct = (name: ChannelExport) => ({ [ReferenceTracker.CONSTRUCT]: name });

const CORE_CHANNELS: TraceMap = coreModuleTraceMap({
  worker_threads: { Worker: construct('Worker') },
  child_process: {
    fork: call('fork'),
    spawn: call('spawn'),
    spawnSync: call('spawnSync'),
    execFile: call('execFile'),
    execFileSync: call('execFileSync'),
  },
  cluster: { fork: call('fork'), setupPrimary: call('setupPrimary'), setupMaster: call('setupMaster') },
});

/** Piscina exports its class as the module, `default` and `Piscina`; Tinypool as `default` and `Tinypool`. */
const PISCINA = { ...construct('Piscina'), Piscina: construct('Piscina') };
const TINYPOOL = { Tinypool: construct('Tinypool') };

const TRACE_MAP: TraceMap = {
  ...CORE_CHANNELS,
  piscina: { ...PISCINA, default: PISCINA },
  tinypool: { ...TINYPOOL, default: construct('Tinypool') },
  workerpool: { pool: call('workerpool.pool'), default: { pool: call('workerpool.pool') } },
};

const cache = new WeakMap<ParsedSource, ReadonlyMap<TSESTree.Node, ChannelExport>>();

/** Each call or `new` in the file that reaches a channel export, with that export's name. */
export function channelReferences(source: ParsedSource): ReadonlyMap<TSESTree.Node, ChannelExport> {
  let found = cache.get(source);
  if (!found) {
    const byNode = new Map<TSESTree.Node, ChannelExport>();
    for (const { node, info } of iterateModuleReferences<ChannelExport>(source, TRACE_MAP)) {
      if (node.type === AST_NODE_TYPES.CallExpression || node.type === AST_NODE_TYPES.NewExpression) {
        if (!byNode.has(node)) byNode.set(node, info);
      }
    }
    found = byNode;
    cache.set(source, found);
  }
  return found;
}
