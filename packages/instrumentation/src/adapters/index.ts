/*
 * The built-in adapters, tried in order by guardPool(). A library poolguard
 * does not know goes through guardPool(pool, { adapter }) (declarative.ts).
 */
import type { Adapter } from './adapter';
import { genericPoolAdapter } from './generic-pool';
import { mysql2Adapter } from './mysql2';
import { pgAdapter } from './pg';
import { tarnAdapter } from './tarn';

export const BUILT_IN_ADAPTERS: readonly Adapter[] = [pgAdapter, mysql2Adapter, genericPoolAdapter, tarnAdapter] as readonly Adapter[];

export type { Adapter, InstalledPool } from './adapter';
