import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { AuditSpanProcessor, SequelizeAuditInstrumentation, SqlAuditStore } from '../../src';
import { SpanTreeRecorder } from './span-tree';

/*
 * Constructed when this module loads, which hooks `require('sequelize')`: main.ts imports
 * this module before anything that loads Sequelize.
 */
const instrumentation = new SequelizeAuditInstrumentation({ audit: { redact: ['password'] } });

export interface DemoTelemetry {
  recorder: SpanTreeRecorder;
  store: SqlAuditStore;
  processor: AuditSpanProcessor;
  /** True when spans also go to OTEL_EXPORTER_OTLP_ENDPOINT. */
  exporting: boolean;
  shutdown(): Promise<void>;
}

/**
 * The tracer provider of the demo: the audit processor persisting into a SQLite audit store,
 * an in-memory recorder for the printed span tree, and OTLP export when an endpoint is set.
 */
export async function startTelemetry(auditDatabaseFile: string): Promise<DemoTelemetry> {
  const store = new SqlAuditStore({ url: `sqlite:${auditDatabaseFile}`, table: 'audit_log' });
  await store.init();
  const processor = new AuditSpanProcessor({ store });
  const recorder = new SpanTreeRecorder();
  const exporting = Boolean(
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
  );
  const spanProcessors: SpanProcessor[] = [processor, new SimpleSpanProcessor(recorder)];
  if (exporting) spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter()));

  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      'service.name': process.env.OTEL_SERVICE_NAME ?? 'shop-demo',
    }),
    spanProcessors,
  });
  provider.register();
  registerInstrumentations({ instrumentations: [instrumentation], tracerProvider: provider });

  return {
    recorder,
    store,
    processor,
    exporting,
    shutdown: () => provider.shutdown(), // the processor closes the store
  };
}
