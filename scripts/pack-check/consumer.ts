// Type-checked against the published typings by scripts/pack-check.sh: what a TypeScript
// application writes with the package installed from its tarball.
import { NodeSDK } from '@opentelemetry/sdk-node';
import { DataTypes, Sequelize } from 'sequelize';
import type { Transaction } from 'sequelize';
import {
  AuditSpanProcessor,
  AuditTrail,
  JsonlAuditStore,
  SequelizeAuditInstrumentation,
  SqlAuditStore,
  auditMiddleware,
  isTransactionalStore,
  openAuditStore,
  withAuditContext,
} from 'otel-sequelize-audit';
import type {
  AuditEvent,
  AuditRecord,
  AuditSpanProcessorOptions,
  AuditStore,
  SequelizeAuditInstrumentationConfig,
  VerifyResult,
} from 'otel-sequelize-audit';

const config: SequelizeAuditInstrumentationConfig = {
  captureParameters: false,
  audit: { redact: ['password', /token/i] },
};
const instrumentation = new SequelizeAuditInstrumentation(config);
const store: AuditStore = new SqlAuditStore({ url: 'sqlite::memory:' });
const options: AuditSpanProcessorOptions = { store, flushIntervalMs: 500 };
const processor = new AuditSpanProcessor(options);
const sdk = new NodeSDK({ spanProcessors: [processor], instrumentations: [instrumentation] });

export async function consume(): Promise<VerifyResult> {
  sdk.start();
  instrumentation.instrument(await import('sequelize'));
  const sequelize = new Sequelize('sqlite::memory:', { logging: false });
  const User = sequelize.define('user', { email: DataTypes.STRING });
  await withAuditContext({ actor: { id: 'u1', type: 'user' }, reason: 'typing' }, () =>
    sequelize.transaction(async (transaction: Transaction) => {
      await User.create({ email: 'a@example.org' }, { transaction });
      if (isTransactionalStore(store)) store.canJoin(transaction);
    }),
  );
  const received: AuditEvent[] = [];
  processor.receiveAuditEvent(received[0]);
  const trail = new AuditTrail(await openAuditStore('jsonl:audit.jsonl'));
  const records: AuditRecord[] = (await trail.changes({})).records;
  void records;
  void new JsonlAuditStore({ path: 'audit.jsonl' });
  void auditMiddleware(() => ({ actor: { id: 'u1' } }));
  return trail.verify();
}
