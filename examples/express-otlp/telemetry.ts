import { OTLPTraceExporter as OTLPJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { AuditSpanProcessor, SequelizeAuditInstrumentation } from '../../src';
import type { AuditStore } from '../../src';

/*
 * Instrumentations hook `require` when they are constructed, so this module must be loaded
 * before express and sequelize are (main.ts imports it first).
 */
const instrumentations = [
  new HttpInstrumentation(),
  new ExpressInstrumentation(),
  new SequelizeAuditInstrumentation({
    audit: {
      redact: ['password', /token/i],
      // AUDIT_OMIT_VALUES=1: audit spans carry field names only; the audit store keeps values.
      omitValuesFromSpans: process.env.AUDIT_OMIT_VALUES === '1',
    },
  }),
];

/** OTLP over HTTP, JSON or protobuf as OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL says. */
function otlpTraceExporter(): SpanExporter {
  const protocol =
    process.env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ??
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL ??
    'http/protobuf';
  return protocol === 'http/json' ? new OTLPJsonTraceExporter() : new OTLPProtobufTraceExporter();
}

/** Starts the SDK: audit records go to `store`, every span to the OTLP endpoint. */
export function startTelemetry(store: AuditStore): NodeSDK {
  const sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME ?? 'shop-api',
    spanProcessors: [
      new AuditSpanProcessor({ store }),
      new BatchSpanProcessor(otlpTraceExporter()),
    ],
    instrumentations,
  });
  sdk.start();
  return sdk;
}
