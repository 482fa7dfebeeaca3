/*
 * Attribute and metric names. The db.client.connection.* names are still
 * "incubating" in the OpenTelemetry semantic conventions, so they are copied
 * here rather than imported, as the conventions ask of instrumentations.
 */

export const ATTR_DB_CLIENT_CONNECTION_POOL_NAME = 'db.client.connection.pool.name';
export const ATTR_DB_CLIENT_CONNECTION_STATE = 'db.client.connection.state';
export const ATTR_DB_SYSTEM_NAME = 'db.system.name';
export const ATTR_SERVER_ADDRESS = 'server.address';
export const ATTR_SERVER_PORT = 'server.port';
export const ATTR_CODE_STACKTRACE = 'code.stacktrace';
export const ATTR_PROCESS_PID = 'process.pid';
export const ATTR_THREAD_ID = 'thread.id';

export const METRIC_DB_CLIENT_CONNECTION_COUNT = 'db.client.connection.count';
export const METRIC_DB_CLIENT_CONNECTION_MAX = 'db.client.connection.max';
export const METRIC_DB_CLIENT_CONNECTION_IDLE_MAX = 'db.client.connection.idle.max';
export const METRIC_DB_CLIENT_CONNECTION_IDLE_MIN = 'db.client.connection.idle.min';
export const METRIC_DB_CLIENT_CONNECTION_PENDING_REQUESTS = 'db.client.connection.pending_requests';
export const METRIC_DB_CLIENT_CONNECTION_TIMEOUTS = 'db.client.connection.timeouts';
export const METRIC_DB_CLIENT_CONNECTION_WAIT_TIME = 'db.client.connection.wait_time';
export const METRIC_DB_CLIENT_CONNECTION_USE_TIME = 'db.client.connection.use_time';
export const METRIC_DB_CLIENT_CONNECTION_CREATE_TIME = 'db.client.connection.create_time';

export const DB_CLIENT_CONNECTION_STATE_IDLE = 'idle';
export const DB_CLIENT_CONNECTION_STATE_USED = 'used';

/* poolguard's own names */
export const EVENT_POOLGUARD_VIOLATION = 'poolguard.violation';
export const METRIC_POOLGUARD_VIOLATIONS = 'poolguard.violations';
export const METRIC_POOLGUARD_SERVER_CONNECTION_LIMIT = 'poolguard.server.connection_limit';
export const ATTR_POOLGUARD_VIOLATION_KIND = 'poolguard.violation.kind';
export const ATTR_POOLGUARD_LEASE_ID = 'poolguard.lease.id';
export const ATTR_POOLGUARD_OWNER_TRACE_ID = 'poolguard.owner.trace_id';
export const ATTR_POOLGUARD_OWNER_SPAN_ID = 'poolguard.owner.span_id';
