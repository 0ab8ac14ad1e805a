/*
 * The shop API under OpenTelemetry: HTTP server spans, Sequelize query/ORM/transaction spans
 * and audit spans exported over OTLP/HTTP, audit records persisted in a SQL audit store.
 *
 *   DATABASE_URL      the shop database        (default: SQLite in memory)
 *   AUDIT_STORE_URL   the audit store database (default: SQLite file in the temp folder)
 *   PORT              HTTP port, 0 for any free one (default: 3000)
 *   OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL (http/protobuf or http/json)
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
// First: constructing the instrumentations hooks `require` before express and sequelize load.
import { startTelemetry } from './telemetry';
import { SqlAuditStore } from '../../src';
import { connectDatabase, createApp } from './app';

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL ?? 'sqlite::memory:';
  const auditStoreUrl =
    process.env.AUDIT_STORE_URL ?? `sqlite:${join(tmpdir(), 'shop-api-audit.sqlite')}`;

  const store = new SqlAuditStore({ url: auditStoreUrl, table: 'audit_log' });
  await store.init();
  const sdk = startTelemetry(store);
  const sequelize = await connectDatabase(databaseUrl);

  const server = createApp(sequelize, store).listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
  server.once('listening', () => {
    const { port } = server.address() as AddressInfo;
    console.log(`shop-api listening on http://127.0.0.1:${port} (audit store: ${auditStoreUrl})`);
  });

  const stop = async (): Promise<void> => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    await sdk.shutdown(); // flushes the span exporter and the audit processor, closes the store
    await sequelize.close();
    console.log('shop-api stopped');
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
