/*
 * The semantic-convention pool metrics (db.client.connection.*). Occupancy is
 * observed at collection time from each pool's own counters, so it costs the
 * hot path nothing; wait and use times are recorded per lease. Instruments are
 * created per Meter, so a MeterProvider registered late gets fresh ones.
 *
 * The observed series carry the pool name and its server (a rule sums `max`
 * per server). The recorded ones (wait, use and create time, timeouts) carry
 * the pool name only, as the conventions ask: the SDK hashes a data point's
 * attributes at every record, and each attribute more costs every lease
 * (measured: 0.7 µs a record with three, 0.3 µs with one).
 */
import { performance } from 'node:perf_hooks';
import { diag, ValueType, type Attributes, type BatchObservableResult, type Counter, type Histogram, type Meter, type Observable } from '@opentelemetry/api';
import type { PoolState } from './internal-types';
import type { PoolStats } from './types';
import { lastOtelApiGlobals, otelApiGlobals } from './otel-globals';
import { leasedConnections } from './pool-registry';
import * as semconv from './semconv';

/** One series an observable instrument reported: the instrument and the attribute set. */
type Series = readonly [Observable, Attributes];

interface PoolMetricInstruments {
  /**
   * Each pool, held weakly (a pool dropped without end() is collected), with
   * the series it reported at the last collection.
   */
  readonly pools: Map<WeakRef<MeteredPool>, Series[]>;
  /**
   * Series of pools that ended, were collected or renamed, reported as 0 at
   * every collection: the SDK keeps exporting an asynchronous series at its
   * last value after it stops being observed, which would count a gone pool's
   * `max` in the per-server sum forever. The newest MAX_RETIRED are kept.
   */
  readonly retired: Series[];
  /** The size of `pools` at which it is pruned next between collections (pruneIfGrown). */
  pruneAt: number;
  readonly waitTime: Histogram;
  readonly useTime: Histogram;
  readonly createTime: Histogram;
  readonly timeouts: Counter;
}

export interface MeteredPool {
  readonly pool: PoolState;
  /** False when another instrumentation already reports count and pending requests. */
  readonly occupancy: () => boolean;
  serverLimit: number | undefined;
  /** The attribute sets are replaced, never changed in place: the SDK keeps the objects of the series it has seen. */
  attributes: Attributes;
  /** The pool name alone, for the instruments recorded per lease, connection or timeout. */
  eventAttributes: Attributes;
  idleAttributes: Attributes;
  usedAttributes: Attributes;
  instruments: PoolMetricInstruments | undefined;
  /** False while the meter is a no-op one: the hot path then skips clocks and histograms. */
  recording: boolean;
  /** The global MeterProvider registered when the pool last attached, to notice a later one at a checkout. */
  providerSeen: unknown;
}

/** The registered global MeterProvider, read straight from the API's globals: cheap enough for every checkout. */
function globalMeterProvider(): unknown {
  return otelApiGlobals()?.metrics;
}

const byMeter = new WeakMap<Meter, PoolMetricInstruments>();

const SECONDS_BUCKETS = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60];

function instrumentsFor(meter: Meter): PoolMetricInstruments {
  const existing = byMeter.get(meter);
  if (existing !== undefined) return existing;
  const connections = { unit: '{connection}', valueType: ValueType.INT };
  const count = meter.createObservableUpDownCounter(semconv.METRIC_DB_CLIENT_CONNECTION_COUNT, {
    ...connections, description: 'The number of connections that are currently in state described by the state attribute.',
  });
  const max = meter.createObservableUpDownCounter(semconv.METRIC_DB_CLIENT_CONNECTION_MAX, {
    ...connections, description: 'The maximum number of open connections allowed.',
  });
  const idleMax = meter.createObservableUpDownCounter(semconv.METRIC_DB_CLIENT_CONNECTION_IDLE_MAX, {
    ...connections, description: 'The maximum number of idle open connections allowed.',
  });
  const idleMin = meter.createObservableUpDownCounter(semconv.METRIC_DB_CLIENT_CONNECTION_IDLE_MIN, {
    ...connections, description: 'The minimum number of idle open connections allowed.',
  });
  const pending = meter.createObservableUpDownCounter(semconv.METRIC_DB_CLIENT_CONNECTION_PENDING_REQUESTS, {
    unit: '{request}', valueType: ValueType.INT, description: 'The number of current pending requests for an open connection.',
  });
  const serverLimit = meter.createObservableGauge(semconv.METRIC_POOLGUARD_SERVER_CONNECTION_LIMIT, {
    ...connections, description: 'The database server\'s max_connections, read once per pool.',
  });
  const seconds = (description: string) => ({ unit: 's', description, advice: { explicitBucketBoundaries: SECONDS_BUCKETS } });
  const instruments: PoolMetricInstruments = {
    pools: new Map(),
    retired: [],
    pruneAt: MIN_PRUNE_SIZE,
    waitTime: meter.createHistogram(semconv.METRIC_DB_CLIENT_CONNECTION_WAIT_TIME, seconds('The time it took to obtain an open connection from the pool.')),
    useTime: meter.createHistogram(semconv.METRIC_DB_CLIENT_CONNECTION_USE_TIME, seconds('The time between borrowing a connection and returning it to the pool.')),
    createTime: meter.createHistogram(semconv.METRIC_DB_CLIENT_CONNECTION_CREATE_TIME, seconds('The time it took to create a new connection.')),
    timeouts: meter.createCounter(semconv.METRIC_DB_CLIENT_CONNECTION_TIMEOUTS, {
      unit: '{timeout}', description: 'The number of connection timeouts that have occurred trying to obtain a connection from the pool.',
    }),
  };
  const observables: Observable[] = [count, max, idleMax, idleMin, pending, serverLimit];
  meter.addBatchObservableCallback((result: BatchObservableResult) => {
    // The retired first: a live pool that took a retired series' name over reports after, and wins.
    for (const [instrument, attributes] of instruments.retired) result.observe(instrument, 0, attributes);
    for (const [ref, reported] of instruments.pools) {
      const metered = ref.deref();
      if (metered === undefined) {
        retire(instruments, ref);
        continue;
      }
      const ended = metered.pool.ended;
      const stats = ended ? endedPoolStats(metered.pool) : metered.pool.stats();
      // An ended pool leaves once no lease holds a connection of it open.
      if (ended && stats.used === 0) {
        for (const [instrument, attributes] of reported) result.observe(instrument, 0, attributes);
        retire(instruments, ref);
        continue;
      }
      const series: Series[] = [];
      const observe = (instrument: Observable, value: number | undefined, attributes: Attributes) => {
        if (value === undefined) return;
        result.observe(instrument, value, attributes);
        series.push([instrument, attributes]);
      };
      if (metered.occupancy()) {
        observe(count, stats.idle, metered.idleAttributes);
        observe(count, stats.used, metered.usedAttributes);
        observe(pending, stats.pending, metered.attributes);
      }
      // Ended, it allows no more connections: its limits (0) no longer count in a per-server sum.
      observe(max, stats.max, metered.attributes);
      observe(idleMax, stats.idleMax, metered.attributes);
      observe(idleMin, stats.min, metered.attributes);
      observe(serverLimit, ended && metered.serverLimit !== undefined ? 0 : metered.serverLimit, metered.attributes);
      reported.splice(0, reported.length, ...series);
    }
  }, observables);
  byMeter.set(meter, instruments);
  return instruments;
}

/**
 * What an ended pool still has open: the connections of the leases held
 * through its end() (a pg pool closes each as it is released). Its idle ones
 * are closed, and no checkout waits. Read from the leases, not the library's
 * lists, which some keep as they were (mysql2's free list after end()).
 */
function endedPoolStats(pool: PoolState): PoolStats {
  const used = leasedConnections(pool);
  // The series the library reported read 0; none is added.
  const { pending, max, idleMax, min } = pool.stats();
  const zero = (value: number | undefined) => (value === undefined ? undefined : 0);
  return { idle: 0, used, pending: zero(pending), max: zero(max), idleMax: zero(idleMax), min: zero(min) };
}

/** Pool name plus the server, so a rule can sum `max` per server across processes and hosts. */
function poolAttributes(pool: PoolState): Attributes {
  const attributes: Attributes = { [semconv.ATTR_DB_CLIENT_CONNECTION_POOL_NAME]: pool.name };
  if (pool.endpoint?.address !== undefined) attributes[semconv.ATTR_SERVER_ADDRESS] = pool.endpoint.address;
  if (pool.endpoint?.port !== undefined) attributes[semconv.ATTR_SERVER_PORT] = pool.endpoint.port;
  return attributes;
}

/** The attribute sets of `pool`'s series, for its current name and server. */
function attributeSets(pool: PoolState): Pick<MeteredPool, 'attributes' | 'eventAttributes' | 'idleAttributes' | 'usedAttributes'> {
  const attributes = poolAttributes(pool);
  return {
    attributes,
    eventAttributes: { [semconv.ATTR_DB_CLIENT_CONNECTION_POOL_NAME]: pool.name },
    idleAttributes: { ...attributes, [semconv.ATTR_DB_CLIENT_CONNECTION_STATE]: semconv.DB_CLIENT_CONNECTION_STATE_IDLE },
    usedAttributes: { ...attributes, [semconv.ATTR_DB_CLIENT_CONNECTION_STATE]: semconv.DB_CLIENT_CONNECTION_STATE_USED },
  };
}

export function createMeteredPool(pool: PoolState, occupancy: () => boolean): MeteredPool {
  return {
    pool,
    occupancy,
    serverLimit: undefined,
    ...attributeSets(pool),
    instruments: undefined,
    recording: false,
    providerSeen: undefined,
  };
}

/** (Re)attaches the pool to the pool's current meter; call again when the provider may have changed. */
export function attachMeter(metered: MeteredPool): void {
  metered.providerSeen = globalMeterProvider();
  const meter = metered.pool.telemetry.meter();
  // Instruments first: a meter that fails to make them leaves the pool as it was.
  const instruments = instrumentsFor(meter);
  metered.recording = !/^Noop/.test(meter.constructor?.name ?? '');
  if (instruments === metered.instruments) return;
  if (metered.instruments !== undefined) retire(metered.instruments, weakRefOf(metered));
  // A no-op meter never collects, and the set is pruned at collections: a pool kept there would stay for good.
  if (!metered.recording) {
    metered.instruments = undefined;
    return;
  }
  pruneIfGrown(instruments);
  instruments.pools.set(weakRefOf(metered), []);
  metered.instruments = instruments;
}

/**
 * Between collections (a MeterProvider whose reader is never, or rarely,
 * collected), pools collected or ended with nothing open leave the set each
 * time it has doubled, so it stays as large as the pools alive.
 */
function pruneIfGrown(instruments: PoolMetricInstruments): void {
  if (instruments.pools.size < instruments.pruneAt) return;
  for (const ref of [...instruments.pools.keys()]) {
    const metered = ref.deref();
    if (metered === undefined || (metered.pool.ended && endedPoolStats(metered.pool).used === 0)) retire(instruments, ref);
  }
  instruments.pruneAt = Math.max(MIN_PRUNE_SIZE, instruments.pools.size * 2);
}

/** The set's size at which it is first pruned between collections. */
const MIN_PRUNE_SIZE = 256;

/** How many retired series an instruments set keeps reporting as 0. */
const MAX_RETIRED = 4096;

/** The pool's series so far report 0 from now on; the pool leaves the set. */
function retire(instruments: PoolMetricInstruments, ref: WeakRef<MeteredPool>): void {
  const reported = instruments.pools.get(ref);
  instruments.pools.delete(ref);
  retireSeries(instruments, reported ?? []);
}

function retireSeries(instruments: PoolMetricInstruments, series: readonly Series[]): void {
  instruments.retired.push(...series);
  if (instruments.retired.length > MAX_RETIRED) instruments.retired.splice(0, instruments.retired.length - MAX_RETIRED);
}

const weakRefs = new WeakMap<MeteredPool, WeakRef<MeteredPool>>();

/** One WeakRef per metered pool, so that it can be found again in an instruments set. */
function weakRefOf(metered: MeteredPool): WeakRef<MeteredPool> {
  let ref = weakRefs.get(metered);
  if (ref === undefined) weakRefs.set(metered, (ref = new WeakRef(metered)));
  return ref;
}

/**
 * At each checkout: when a global MeterProvider was registered (or replaced)
 * since the pool last attached, the pool attaches to it now, so an SDK
 * started after the pool was guarded (the preload's order) gets this
 * checkout's wait and use times, not only those after the next sweep tick.
 */
export function followGlobalMeterProvider(metered: MeteredPool): void {
  // The checkout looked the API's globals up just before (checkoutRequested).
  if (lastOtelApiGlobals()?.metrics !== metered.providerSeen) reattachMeter(metered);
}

/**
 * attachMeter from a checkout or a sweep tick, where a throw would reach the
 * app or crash it from a timer: a MeterProvider that fails goes to diag.
 */
export function reattachMeter(metered: MeteredPool): void {
  try {
    attachMeter(metered);
  } catch (err) {
    diag.error(`poolguard: the pool metrics of "${metered.pool.name}" could not follow the MeterProvider`, err);
  }
}

/**
 * The pool ended: it leaves the metered set at once when no lease holds a
 * connection of it open; else its series count those until they are
 * released (see the batch callback).
 */
export function meteredPoolEnded(metered: MeteredPool): void {
  if (leasedConnections(metered.pool) === 0) detachMeter(metered);
}

export function detachMeter(metered: MeteredPool): void {
  if (metered.instruments !== undefined) retire(metered.instruments, weakRefOf(metered));
  metered.instruments = undefined;
  metered.recording = false;
}

/** The pool's name or server changed (learnt from its first connection, or guardPool()'s `name`): its series carry the new ones from now on. */
export function renameMeteredPool(metered: MeteredPool): void {
  Object.assign(metered, attributeSets(metered.pool));
  const reported = metered.instruments?.pools.get(weakRefOf(metered));
  if (reported === undefined) return;
  retireSeries(metered.instruments!, reported);
  reported.length = 0;
}

/** A checkout gave up waiting (the pool's own timeout error). */
export function recordTimeout(metered: MeteredPool | undefined): void {
  if (metered?.recording === true) metered.instruments!.timeouts.add(1, metered.eventAttributes);
}

/**
 * The start of something the pool metrics time (a checkout's wait, a lease's
 * use, a connection's creation): performance.now() while they record, else 0,
 * so nothing reads the clock when no MeterProvider listens.
 */
export function metricsClock(metered: MeteredPool | undefined): number {
  return metered?.recording === true ? performance.now() : 0;
}

/** A new connection is open; its creation began at `began` (metricsClock), 0 when not timed. */
export function recordCreateTime(metered: MeteredPool | undefined, began: number): void {
  if (began > 0 && metered?.recording === true) {
    metered.instruments!.createTime.record((performance.now() - began) / 1000, metered.eventAttributes);
  }
}
