import assert from 'node:assert/strict';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import type { Model, ModelStatic, Sequelize } from 'sequelize';
import { AuditSpanProcessor, SqlAuditStore, verifyChains, withAuditContext } from '../../src';
import { METRIC_RECORDS_QUARANTINED } from '../../src/processor/processor-metrics';
import { readQuarantine } from '../../src/processor/quarantine-journal';
import { describeEachDialect } from '../support/dialects';
import { makeEvent } from '../store/support/events';
import { FaultyStore } from './support/faulty-store';
import { metricValue, tempDirectory } from './support/harness';

/** Collects what the diag logger says at error level while `fn` runs. */
async function errorLogsOf(fn: () => Promise<void>): Promise<string[]> {
  const errors: string[] = [];
  const note = (...args: unknown[]) => errors.push(args.map(String).join(' '));
  diag.setLogger(
    {
      error: note,
      warn: () => undefined,
      info: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
    },
    { logLevel: DiagLogLevel.ERROR, suppressOverrideMessage: true },
  );
  try {
    await fn();
  } finally {
    diag.disable();
  }
  return errors;
}

describeEachDialect('AuditSpanProcessor with records the store rejects for good', (fixture) => {
  const spool = tempDirectory('osa-quarantine-');
  let sequelize: Sequelize;
  let Account: ModelStatic<Model>;
  let tables = 0;
  before(async () => {
    sequelize = fixture.connect();
    const { DataTypes } = fixture;
    Account = sequelize.define('Account', { name: DataTypes.STRING }, { tableName: 'q_accounts' });
    await Account.sync();
  });
  after(() => spool.remove());

  function processorFor(store: SqlAuditStore | FaultyStore, directory: string, maxBatchSize = 512) {
    return new AuditSpanProcessor({
      store,
      spool: { directory },
      flushIntervalMs: 60_000,
      maxBatchSize,
      retry: { maxAttempts: 2, initialDelayMs: 10, maxDelayMs: 50 },
      closeStoreOnShutdown: false,
    });
  }

  it('accounts for 21 of 21 records when one has a 300-character actor id: the rest reach the store, the chain verifies', async () => {
    const table = `audit_poison_${(tables += 1)}`;
    const store = new SqlAuditStore({ sequelize, table });
    const directory = `${spool.path}/${table}`;
    const processor = processorFor(store, directory);
    for (let i = 0; i < 21; i += 1) {
      const actor = { id: i === 7 ? 'x'.repeat(300) : `user-${i}` };
      await withAuditContext({ actor }, () => Account.create({ name: `account ${i}` }));
    }
    await processor.shutdown();
    const stored = (await store.find({ table: 'q_accounts' }, { limit: 100 })).map(
      (r) => r.eventId,
    );
    const quarantined = (await readQuarantine(directory).catch(() => [])).map(
      (e) => e.event.eventId,
    );
    process.stdout.write(
      `      (${stored.length} of 21 stored, ${quarantined.length} quarantined)\n`,
    );
    assert.equal(
      new Set([...stored, ...quarantined]).size,
      21,
      `${stored.length} stored, ${quarantined.length} quarantined`,
    );
    assert.ok(stored.length >= 20, `${stored.length} of 21 in the store`);
    const result = await verifyChains(store);
    assert.equal(result.ok, true, JSON.stringify(result.firstBreak));
  });

  it('quarantines exactly the poison records of pipelined batches, counts and names them, and closes the chain over them', async () => {
    const table = `audit_poison_${(tables += 1)}`;
    const inner = new SqlAuditStore({ sequelize, table });
    const store = new FaultyStore(inner);
    const events = Array.from({ length: 50 }, (_, i) =>
      makeEvent({ reason: i % 17 === 3 ? 'poison' : 'ok' }),
    );
    const poison = events.filter((e) => e.reason === 'poison').map((e) => e.eventId);
    store.rejects = (record) => record.reason === 'poison';
    const directory = `${spool.path}/${table}`;
    const processor = processorFor(store, directory, 8);
    const before = await metricValue(METRIC_RECORDS_QUARANTINED, store.name);
    const errors = await errorLogsOf(async () => {
      for (const event of events) processor.receiveAuditEvent(event);
      await processor.forceFlush();
      await processor.shutdown();
    });
    const stored = (await inner.readStream(processor.streamId, 1, 100)).map((r) => r.eventId);
    assert.deepEqual(
      stored,
      events.map((e) => e.eventId).filter((id) => !poison.includes(id)),
    );
    const entries = await readQuarantine(directory);
    assert.deepEqual(entries.map((e) => e.event.eventId).sort(), [...poison].sort());
    assert.equal(entries[0].error.code, '22001');
    assert.equal(
      (await metricValue(METRIC_RECORDS_QUARANTINED, store.name)) - before,
      poison.length,
    );
    for (const id of poison)
      assert.ok(
        errors.some((line) => line.includes(id) && line.includes('quarantine retry')),
        id,
      );
    assert.deepEqual(await verifyChains(inner), { ok: true, streams: 1, records: 47 });
  });

  it('quarantines a poison record found while replaying the spool, and replays the rest in one chain', async () => {
    const table = `audit_poison_${(tables += 1)}`;
    const inner = new SqlAuditStore({ sequelize, table });
    const store = new FaultyStore(inner);
    const directory = `${spool.path}/${table}`;
    const processor = processorFor(store, directory, 4);
    const events = Array.from({ length: 12 }, (_, i) =>
      makeEvent({ reason: i === 5 ? 'poison' : 'ok' }),
    );
    store.rejects = (record) => record.reason === 'poison';
    store.failureRate = 1; // down: every batch goes to the spool, sealed
    for (const event of events) processor.receiveAuditEvent(event);
    await processor.forceFlush();
    assert.equal(await inner.count(), 0);
    store.failureRate = 0;
    await processor.shutdown();
    assert.equal(await inner.count(), 11);
    assert.deepEqual(
      (await readQuarantine(directory)).map((e) => e.event.eventId),
      [events[5].eventId],
    );
    assert.deepEqual(await verifyChains(inner), { ok: true, streams: 1, records: 11 });
  });
});
