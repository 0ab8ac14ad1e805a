import assert from 'node:assert/strict';
import { AlwaysOffSampler } from '@opentelemetry/sdk-trace-base';
import type { ModelStatic, Model, Sequelize } from 'sequelize';
import { AuditSpanProcessor, SqlAuditStore, verifyChains } from '../../src';
import type { AuditStore } from '../../src';
import { METRIC_RECORDS_PERSISTED } from '../../src/processor/processor-metrics';
import { describeEachDialect } from '../support/dialects';
import { makeEvent } from '../store/support/events';
import { installProvider, metricValue, tempDirectory } from './support/harness';

/** Inserts, updates, bulk updates, a transaction, bulk creates and deletes: 13 row changes. */
async function mixedWorkload(sequelize: Sequelize, Item: ModelStatic<Model>): Promise<void> {
  const first = await Item.create({ name: 'a', qty: 1 });
  await first.update({ qty: 2 });
  await Item.bulkCreate([
    { name: 'b', qty: 1 },
    { name: 'c', qty: 1 },
    { name: 'd', qty: 1 },
  ]);
  await Item.update({ qty: 5 }, { where: { qty: 1 } });
  await sequelize.transaction(async (transaction) => {
    await Item.create({ name: 'e', qty: 9 }, { transaction });
    await first.update({ name: 'a2' }, { transaction });
  });
  await Item.destroy({ where: { name: 'c' } });
  await first.destroy();
  await Item.increment({ qty: 1 }, { where: { name: 'b' } });
}
const WORKLOAD_CHANGES = 13;

describeEachDialect('AuditSpanProcessor', (fixture) => {
  let sequelize: Sequelize;
  let Item: ModelStatic<Model>;
  const spool = tempDirectory('osa-spool-');
  let tables = 0;
  const nextTable = () => `audit_proc_${(tables += 1)}`;

  before(async () => {
    sequelize = fixture.connect();
    const { DataTypes } = fixture;
    Item = sequelize.define('Item', { name: DataTypes.STRING, qty: DataTypes.INTEGER });
    await Item.sync();
  });
  after(() => spool.remove());
  beforeEach(async () => {
    await Item.truncate();
  });

  function processorFor(store: AuditStore, streamId?: string) {
    return new AuditSpanProcessor({
      store,
      streamId,
      spool: { directory: spool.path },
      closeStoreOnShutdown: false,
    });
  }

  it('persists every record of a mixed workload exactly once, in one verifiable chain', async () => {
    const store = new SqlAuditStore({ url: fixture.url, table: nextTable() });
    const processor = processorFor(store);
    const persistedBefore = await metricValue(METRIC_RECORDS_PERSISTED, store.name);
    const { exporter, restore } = installProvider(processor);
    try {
      await mixedWorkload(sequelize, Item);
      await processor.forceFlush();
    } finally {
      restore();
    }
    const auditSpans = exporter.getFinishedSpans().filter((span) => span.name.startsWith('audit '));
    assert.equal(auditSpans.length, WORKLOAD_CHANGES);
    const records = await store.find({}, { limit: 1000 });
    assert.deepEqual(
      records.map((r) => r.eventId).sort(),
      auditSpans.map((span) => String(span.attributes['audit.event.id'])).sort(),
    );
    assert.deepEqual(await verifyChains(store), {
      ok: true,
      streams: 1,
      records: WORKLOAD_CHANGES,
    });
    assert.deepEqual(
      records.map((r) => r.seq),
      Array.from({ length: WORKLOAD_CHANGES }, (_, i) => i + 1),
    );
    assert.equal(
      (await metricValue(METRIC_RECORDS_PERSISTED, store.name)) - persistedBefore,
      WORKLOAD_CHANGES,
    );
    await processor.shutdown();
    await store.close();
  });

  it('persists the records of traces that are not sampled', async () => {
    const store = new SqlAuditStore({ url: fixture.url, table: nextTable() });
    const processor = processorFor(store);
    const { exporter, restore } = installProvider(processor, new AlwaysOffSampler());
    try {
      await mixedWorkload(sequelize, Item);
      await processor.shutdown();
    } finally {
      restore();
    }
    assert.equal(exporter.getFinishedSpans().length, 0);
    assert.deepEqual(await verifyChains(store), {
      ok: true,
      streams: 1,
      records: WORKLOAD_CHANGES,
    });
    await store.close();
  });

  it('writes into the application database without tracing or auditing its own statements', async () => {
    const table = nextTable();
    const store = new SqlAuditStore({ sequelize, table });
    const processor = processorFor(store);
    const { exporter, restore } = installProvider(processor);
    try {
      await Item.create({ name: 'own', qty: 1 });
      await processor.forceFlush();
    } finally {
      restore();
    }
    const names = exporter.getFinishedSpans().map((span) => span.name);
    assert.ok(
      names.includes('Item.create') || names.some((n) => n.startsWith('INSERT')),
      names.join(', '),
    );
    assert.ok(!names.some((name) => name.includes(table)), names.join(', '));
    assert.equal(await store.count(), 1);
    assert.equal(await store.count({ table }), 0);
    await processor.shutdown();
  });

  it('resumes its chain from the store after a restart with the same stream id', async () => {
    const store = new SqlAuditStore({ url: fixture.url, table: nextTable() });
    for (let run = 0; run < 2; run += 1) {
      const processor = processorFor(store, 'worker-1');
      const { restore } = installProvider(processor);
      try {
        await Item.create({ name: `run ${run}`, qty: run });
        await Item.update({ qty: 7 }, { where: { name: `run ${run}` } });
        await processor.shutdown();
      } finally {
        restore();
      }
    }
    assert.deepEqual(await store.streams(), [
      { ...(await store.streamHead('worker-1'))!, stream: 'worker-1', lastSeq: 4, records: 4 },
    ]);
    assert.equal((await verifyChains(store)).ok, true);
    await store.close();
  });

  it('gives two writers at once a chain each, both verifiable', async () => {
    // Two writers of one store, as two processes would run them: each takes its own events
    // (in one process every processor receives every event, so this feeds them directly).
    const store = new SqlAuditStore({ url: fixture.url, table: nextTable() });
    const [a, b] = [processorFor(store), processorFor(store)];
    assert.notEqual(a.streamId, b.streamId);
    for (let i = 0; i < 4; i += 1) {
      a.receiveAuditEvent(makeEvent());
      b.receiveAuditEvent(makeEvent());
    }
    await Promise.all([a.shutdown(), b.shutdown()]);
    const result = await verifyChains(store);
    assert.deepEqual(result, { ok: true, streams: 2, records: 8 });
    await store.close();
  });
});
