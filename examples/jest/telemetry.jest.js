/* global afterAll */
// Runs in every test file's module registry, before its tests.
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const {
  AuditSpanProcessor,
  JsonlAuditStore,
  SequelizeAuditInstrumentation,
} = require('otel-sequelize-audit');

const instrumentation = new SequelizeAuditInstrumentation();
const sdk = new NodeSDK({
  spanProcessors: [
    new AuditSpanProcessor({ store: new JsonlAuditStore({ path: 'audit.jsonl' }) }),
    new BatchSpanProcessor(new OTLPTraceExporter()),
  ],
  instrumentations: [instrumentation],
});
sdk.start();
// The one line Jest needs: the `sequelize` of this registry, patched explicitly.
instrumentation.instrument(require('sequelize'));

afterAll(() => sdk.shutdown()); // flushes spans and audit records
