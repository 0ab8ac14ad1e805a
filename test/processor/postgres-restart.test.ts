import assert from 'node:assert/strict';
import type { Model, ModelStatic, Sequelize } from 'sequelize';
import { AuditSpanProcessor, SqlAuditStore, verifyChains } from '../../src';
import { METRIC_RECORDS_SPOOLED } from '../../src/processor/processor-metrics';
import { describeEachDialect } from '../support/dialects';
import { eventually, installProvider, metricValue, tempDirectory } from './support/harness';
import { PrivatePostgres, privatePostgresAvailable } from './support/private-postgres';

/*
 * The audit store's PostgreSQL server is stopped for real in the middle of a workload and
 * started again. The server is a private one (its own data directory and port), so the
 * shared server of the other suites is never touched. AUDIT_TEST_OUTAGE_MS sets how long the
 * server stays down (default 3 s to keep the suite short; 30000 reproduces a 30 s outage).
 */
const OUTAGE_MS = Number(process.env.AUDIT_TEST_OUTAGE_MS ?? 3000);

describe('AuditSpanProcessor with its PostgreSQL store stopped and restarted', function () {
  this.timeout(120_000 + 2 * OUTAGE_MS);
  let server: PrivatePostgres | undefined;
  const spool = tempDirectory('osa-restart-');

  before(async function () {
    if (!privatePostgresAvailable()) {
      console.warn(
        '\n  NOTICE: PostgreSQL server binaries not found: the restart suite is SKIPPED.\n',
      );
      this.skip();
    }
    server = await PrivatePostgres.create();
  });
  after(async () => {
    await server?.destroy();
    spool.remove();
  });

  describeEachDialect('application data', (fixture) => {
    let sequelize: Sequelize;
    let Order: ModelStatic<Model>;
    before(async () => {
      sequelize = fixture.connect();
      const { DataTypes } = fixture;
      Order = sequelize.define(
        'Order',
        { status: DataTypes.STRING },
        { tableName: 'restart_orders' },
      );
      await Order.sync();
    });

    it('loses and duplicates nothing while the store is down, then verifies', async () => {
      const pg = server!;
      const table = `audit_restart_${fixture.name}`;
      const store = new SqlAuditStore({
        url: pg.url,
        table,
        sequelizeOptions: { pool: { max: 2, acquire: 2000 } },
      });
      const processor = new AuditSpanProcessor({
        store,
        spool: { directory: spool.path },
        flushIntervalMs: 50,
        retry: { maxAttempts: 2, initialDelayMs: 50, maxDelayMs: 500 },
      });
      const { exporter, restore } = installProvider(processor);
      let writing = true;
      const workload = (async () => {
        let i = 0;
        while (writing) {
          const order = await Order.create({ status: `new ${(i += 1)}` });
          await order.update({ status: 'paid' });
        }
      })();
      try {
        await eventually(async () => (await store.count().catch(() => 0)) > 20);
        await pg.stop();
        await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
        await pg.start();
        await new Promise((resolve) => setTimeout(resolve, 500));
        writing = false;
        await workload;
      } finally {
        writing = false;
        restore();
      }
      await processor.forceFlush();
      const expected = exporter
        .getFinishedSpans()
        .filter((span) => span.name.startsWith('audit '))
        .map((span) => String(span.attributes['audit.event.id']));
      await eventually(async () => (await store.count()) >= expected.length, 30_000);
      await processor.shutdown();
      const reader = new SqlAuditStore({ url: pg.url, table });
      const records = await reader.find({}, { limit: 1_000_000 });
      assert.deepEqual(records.map((r) => r.eventId).sort(), expected.sort());
      assert.ok(
        (await metricValue(METRIC_RECORDS_SPOOLED, store.name)) > 0,
        'some batches were spooled',
      );
      const result = await verifyChains(reader);
      assert.deepEqual(result, { ok: true, streams: 1, records: expected.length });
      await reader.close();
    });
  });
});
