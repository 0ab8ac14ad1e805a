import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Model, ModelStatic, Sequelize } from 'sequelize';
import { AuditSpanProcessor, SqlAuditStore, verifyChains, withAuditContext } from '../../src';
import { readQuarantine } from '../../src/processor/quarantine-journal';
import { describeEachDialect } from '../support/dialects';
import { tempDirectory } from './support/harness';

describeEachDialect('AuditSpanProcessor against faults of a real PostgreSQL server', (fixture) => {
  const spool = tempDirectory('osa-pg-faults-');
  let sequelize: Sequelize;
  let Invoice: ModelStatic<Model>;
  let tables = 0;
  before(async function () {
    if (fixture.name !== 'postgres') this.skip();
    sequelize = fixture.connect();
    const { DataTypes } = fixture;
    Invoice = sequelize.define(
      'Invoice',
      { total: DataTypes.INTEGER },
      { tableName: 'pg_invoices' },
    );
    await Invoice.sync();
  });
  after(() => spool.remove());

  it('writes every record when the store connection is terminated mid-batch (pg_terminate_backend)', async function () {
    this.timeout(60_000);
    const table = `audit_terminate_${(tables += 1)}`;
    const store = new SqlAuditStore({
      url: fixture.url,
      table,
      sequelizeOptions: { dialectOptions: { application_name: 'audit-store-under-test' } },
    });
    const processor = new AuditSpanProcessor({
      store,
      spool: { directory: join(spool.path, table) },
      flushIntervalMs: 10,
      maxBatchSize: 8,
      retry: { maxAttempts: 3, initialDelayMs: 20, maxDelayMs: 200 },
      closeStoreOnShutdown: false,
    });
    let terminated = 0;
    for (let i = 0; i < 120; i += 1) {
      await Invoice.create({ total: i });
      if (i % 30 === 15) {
        const [rows] = await sequelize.query(
          "SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE application_name = 'audit-store-under-test' AND pid <> pg_backend_pid()",
        );
        terminated += (rows as Array<{ done: boolean }>).filter((row) => row.done).length;
      }
    }
    await processor.shutdown();
    process.stdout.write(`      (${terminated} store backends terminated)\n`);
    assert.ok(terminated > 0, 'a store connection was terminated');
    assert.equal(await store.count({ table: 'pg_invoices' }), 120);
    assert.deepEqual(await verifyChains(store), { ok: true, streams: 1, records: 120 });
    await store.close();
  });

  it("never fails the application's transaction in transactional mode when its audit insert fails (a savepoint around it)", async () => {
    const table = `audit_tx_poison_${(tables += 1)}`;
    const store = new SqlAuditStore({ sequelize, table });
    const directory = join(spool.path, table);
    const processor = new AuditSpanProcessor({
      store,
      durability: 'transactional',
      spool: { directory },
      closeStoreOnShutdown: false,
    });
    await store.init();
    const created = await withAuditContext({ actor: { id: 'y'.repeat(300) } }, () =>
      sequelize.transaction(async (transaction) => {
        const invoice = await Invoice.create({ total: 42 }, { transaction });
        await invoice.update({ total: 43 }, { transaction });
        return invoice;
      }),
    );
    const row = await Invoice.findByPk(created.get('id') as number);
    assert.equal(row?.get('total'), 43);
    await processor.shutdown();
    const stored = await store.count({ table: 'pg_invoices' });
    const quarantined = (await readQuarantine(directory).catch(() => [])).length;
    assert.equal(stored + quarantined, 2, `${stored} stored, ${quarantined} quarantined`);
    assert.equal((await verifyChains(store)).ok, true);
  });
});
