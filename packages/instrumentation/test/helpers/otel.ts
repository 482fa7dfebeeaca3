/*
 * A real OpenTelemetry SDK for tests: in-memory span, log and metric
 * exporters registered as the global providers, with the async-hooks context
 * manager. Registered once per test process; `reset()` clears between tests.
 */
import { metrics, trace, type Span } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type MetricData } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

export interface TestTelemetry {
  readonly spans: InMemorySpanExporter;
  readonly logs: InMemoryLogRecordExporter;
  readonly metricExporter: InMemoryMetricExporter;
  readonly metricReader: PeriodicExportingMetricReader;
  readonly tracerProvider: NodeTracerProvider;
  readonly loggerProvider: LoggerProvider;
  readonly meterProvider: MeterProvider;
}

let telemetry: TestTelemetry | undefined;

export function setupTelemetry(): TestTelemetry {
  if (telemetry !== undefined) return telemetry;
  // An explicit resource: the default one detects attributes asynchronously, which delays log export.
  const resource = resourceFromAttributes({ 'service.name': 'poolguard-test' });
  const spans = new InMemorySpanExporter();
  const tracerProvider = new NodeTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(spans)] });
  tracerProvider.register();
  const logExporter = new InMemoryLogRecordExporter();
  const loggerProvider = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter: logExporter })] });
  logs.setGlobalLoggerProvider(loggerProvider);
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const metricReader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ resource, readers: [metricReader] });
  metrics.setGlobalMeterProvider(meterProvider);
  telemetry = { spans, logs: logExporter, metricExporter, metricReader, tracerProvider, loggerProvider, meterProvider };
  return telemetry;
}

export function resetTelemetry(): void {
  const t = setupTelemetry();
  t.spans.reset();
  t.logs.reset();
  t.metricExporter.reset();
}

/** Violation log records, optionally of one kind. */
export function violationLogs(kind?: string): ReadableLogRecord[] {
  return setupTelemetry().logs.getFinishedLogRecords().filter(
    (r) => r.eventName === 'poolguard.violation' && (kind === undefined || r.attributes['poolguard.violation.kind'] === kind),
  );
}

export function violationKinds(): string[] {
  return violationLogs().map((r) => String(r.attributes['poolguard.violation.kind']));
}

export function finishedSpans(): ReadableSpan[] {
  return setupTelemetry().spans.getFinishedSpans();
}

/** Collects metrics now and returns every data point set of `name`. */
export async function collectMetric(name: string): Promise<MetricData[]> {
  const { resourceMetrics } = await setupTelemetry().metricReader.collect();
  return resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).filter((m) => m.descriptor.name === name);
}

/** Runs `fn` inside a new active span; the span ends when fn settles. */
export async function inSpan<T>(name: string, fn: (span: Span) => Promise<T>): Promise<T> {
  return trace.getTracer('poolguard-test').startActiveSpan(name, async (span) => {
    try {
      return await fn(span);
    } finally {
      span.end();
    }
  });
}
