import { NodeSDK } from '@opentelemetry/sdk-node';
import { AuditSpanProcessor, SequelizeAuditInstrumentation, SqlAuditStore } from '../../src';

// Audit records go to a SQLite audit store (in production: a file you keep, or your database).
export const auditStore = new SqlAuditStore({ url: 'sqlite::memory:' });
export const auditProcessor = new AuditSpanProcessor({ store: auditStore });
export const sdk = new NodeSDK({
  spanProcessors: [auditProcessor], // add a BatchSpanProcessor(new OTLPTraceExporter()) for traces
  instrumentations: [new SequelizeAuditInstrumentation({ audit: { redact: ['password'] } })],
});
sdk.start();
