/*
 * Loaded by mocha before any suite (.mocharc.json): one tracer provider with an in-memory
 * exporter, one meter provider with an in-memory reader, and one instrumentation instance
 * enabled before Sequelize is first required, as in an application.
 */
import { metrics } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { SequelizeAuditInstrumentation } from '../../src';
import type { SequelizeAuditInstrumentationConfig } from '../../src';

export const spanExporter = new InMemorySpanExporter();
export const tracerProvider = new NodeTracerProvider({
  spanProcessors: [new SimpleSpanProcessor(spanExporter)],
});
tracerProvider.register();

export const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
export const metricReader = new PeriodicExportingMetricReader({
  exporter: metricExporter,
  exportIntervalMillis: 3_600_000,
});
export const meterProvider = new MeterProvider({
  readers: [metricReader],
  // Every suite has a database of its own, so db.namespace alone makes thousands of attribute
  // sets over a whole run; the default limit would fold later suites into the overflow point.
  views: [{ instrumentName: '*', aggregationCardinalityLimit: 1_000_000 }],
});
metrics.setGlobalMeterProvider(meterProvider);

export const instrumentation = new SequelizeAuditInstrumentation();
instrumentation.setTracerProvider(tracerProvider);
instrumentation.setMeterProvider(meterProvider);
instrumentation.enable();

/** Replaces the instrumentation's config for one test; `resetInstrumentation` undoes it. */
export function configureInstrumentation(config: SequelizeAuditInstrumentationConfig): void {
  instrumentation.setConfig(config);
}

export function resetInstrumentation(): void {
  instrumentation.setConfig({});
  if (!instrumentation.isEnabled()) instrumentation.enable();
}

export const mochaHooks = {
  beforeEach(): void {
    spanExporter.reset();
  },
};
