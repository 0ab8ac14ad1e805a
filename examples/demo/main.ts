/*
 * `npm run demo`: a small shop on SQLite under the instrumentation and the audit processor.
 * Prints the span tree of one request, the history of one product, and verify's result.
 * With OTEL_EXPORTER_OTLP_ENDPOINT set, the spans also go there (Jaeger, Tempo, ...).
 * `npm run demo -- --serve` ends by serving the read-only viewer over the demo's audit store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// First: loading telemetry constructs the instrumentation, which hooks `require('sequelize')`.
import { startTelemetry } from './telemetry';
import { Sequelize } from 'sequelize';
import { AuditTrail } from '../../src';
import { runNightlyJob, runRestock, runUserRequests } from './actors';
import { heading, printHistory, printRecordCounts, printSpanTree, printVerify } from './report';
import { Product, TRACKED_SKU, defineShop } from './shop';
import { tamperWithStoredPrice } from './tamper';
import { startViewer } from '../../src/viewer/start-viewer';

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'shop-demo-'));
  const auditFile = join(dir, 'audit.sqlite');
  const telemetry = await startTelemetry(auditFile);
  const shopFile = join(dir, 'shop.sqlite');
  const sequelize = new Sequelize({ dialect: 'sqlite', storage: shopFile, logging: false });
  try {
    await defineShop(sequelize);
    heading('A day in the shop: user requests, then the nightly job');
    const checkoutTrace = await runUserRequests(sequelize);
    await runNightlyJob();
    await runRestock();
    await telemetry.processor.forceFlush();

    printSpanTree(telemetry.recorder, checkoutTrace);

    const trail = new AuditTrail(telemetry.store);
    const tracked = await Product.findOne({ where: { sku: TRACKED_SKU }, rejectOnEmpty: true });
    await printHistory(trail, 'products', tracked.id);
    await printRecordCounts(telemetry.store, ['products', 'orders']);

    heading('3. verify(): the hash chains of the audit store');
    printVerify(await trail.verify());
    const edited = await tamperWithStoredPrice(auditFile, String(tracked.id));
    console.log(
      `\n  Now ${edited} stored record is edited in the database file (price 35.00 → 30.00):`,
    );
    printVerify(await trail.verify());

    console.log(
      telemetry.exporting
        ? `\nSpans exported to ${process.env.OTEL_EXPORTER_OTLP_ENDPOINT}.`
        : '\nTo see these traces in Jaeger or Tempo, start one (examples/jaeger, examples/tempo-grafana)' +
            '\nand run: OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 npm run demo',
    );
    if (process.argv.includes('--serve')) await serveUntilInterrupted(trail);
  } finally {
    await sequelize.close();
    await telemetry.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The viewer over the demo's store (tampered record included) until Ctrl-C. */
async function serveUntilInterrupted(trail: AuditTrail): Promise<void> {
  const viewer = await startViewer(trail, {
    port: Number(process.env.PORT ?? 4600),
    traceUrl: 'http://localhost:16686/trace/{traceId}',
  });
  heading('4. The viewer');
  console.log(`  Open ${viewer.url}/ (read-only; Ctrl-C stops it)`);
  await new Promise((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
  await viewer.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
