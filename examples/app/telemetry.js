'use strict';
/*
 * OpenTelemetry for the demo app, loaded first in the primary and in every
 * worker, before pg: NodeSDK with the HTTP instrumentation (one trace per
 * request) and poolguard. With OTEL_EXPORTER_OTLP_ENDPOINT set, traces, logs
 * (the poolguard.violation events) and metrics go there over OTLP/HTTP;
 * without it, spans are still made (poolguard reads the trace id as the task)
 * but nothing is exported.
 *
 * Violations also go to onViolation, which reduces each to plain data for the
 * demo's summary (see report.js): a Violation is plain data already, but only
 * the fields the summary needs cross the IPC channel.
 */
const { NodeSDK, logs, metrics } = require('@opentelemetry/sdk-node');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const { PoolGuardInstrumentation } = require('@poolguard/instrumentation');
const { recordViolation } = require('./report');

const exporting = Boolean(process.env.OTEL_EXPORTER_OTLP_ENDPOINT);

/** Makes spans without exporting them. */
const keepSpansLocal = {
  onStart() {},
  onEnd() {},
  forceFlush: async () => {},
  shutdown: async () => {},
};

function exporters() {
  if (!exporting) return { spanProcessors: [keepSpansLocal], logRecordProcessors: [], metricReaders: [] };
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');
  const { OTLPLogExporter } = require('@opentelemetry/exporter-logs-otlp-http');
  const { OTLPMetricExporter } = require('@opentelemetry/exporter-metrics-otlp-http');
  return {
    traceExporter: new OTLPTraceExporter(),
    logRecordProcessors: [new logs.BatchLogRecordProcessor({ exporter: new OTLPLogExporter(), scheduledDelayMillis: 500 })],
    metricReaders: [new metrics.PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter(), exportIntervalMillis: 2000 })],
  };
}

const sdk = new NodeSDK({
  serviceName: 'poolguard-demo',
  autoDetectResources: false,
  ...exporters(),
  instrumentations: [
    new HttpInstrumentation(),
    new PoolGuardInstrumentation({
      // Short enough for a 30-second demo; the default is 30 s.
      leakThresholdMs: Number(process.env.DEMO_LEAK_THRESHOLD_MS ?? 1500),
      // Checkout and pool creation sites for the summary and the console report.
      captureStacks: true,
      reporter: process.env.DEMO_PRETTY === '0' ? 'none' : 'pretty',
      onViolation: recordViolation,
    }),
  ],
});
sdk.start();

module.exports = { sdk, exporting };
