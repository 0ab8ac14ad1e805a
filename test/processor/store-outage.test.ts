import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import type { DiagLogger } from '@opentelemetry/api';
import { AuditSpanProcessor, SqlAuditStore, verifyChains } from '../../src';
import type { AuditSpanProcessorOptions } from '../../src';
import {
  METRIC_QUEUE_LENGTH,
  METRIC_RECORDS_DROPPED,
  METRIC_RECORDS_RETRIED,
  METRIC_RECORDS_SPOOLED,
} from '../../src/processor/processor-metrics';
import { makeEvent } from '../store/support/events';
import { eventually, metricValue, tempDirectory } from './support/harness';
import { SwitchableStore } from './support/switchable-store';

/*
 * The store failing for a while, with a real SQLite store behind a switch (the PostgreSQL
 * outage suite stops a real server). Events are handed over directly, as the instrumentation
 * does for unsampled traces.
 */
const silentLogger: DiagLogger = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
  verbose: () => undefined,
};

describe('AuditSpanProcessor while the store fails', () => {
  const directory = tempDirectory('osa-outage-');
  let tables = 0;
  after(() => directory.remove());

  function setUp(options: Partial<AuditSpanProcessorOptions> = {}) {
    tables += 1;
    const inner = new SqlAuditStore({
      url: `sqlite:${join(directory.path, `audit-${tables}.sqlite`)}`,
      table: `outage_${tables}`,
    });
    const store = new SwitchableStore(inner);
    const spoolDirectory = join(directory.path, `spool-${tables}`);
    const processor = new AuditSpanProcessor({
      store,
      spool: { directory: spoolDirectory },
      retry: { maxAttempts: 2, initialDelayMs: 5, maxDelayMs: 50 },
      flushIntervalMs: 20,
      ...options,
    });
    return { store, processor, spoolDirectory };
  }

  function spoolBytes(spoolDirectory: string): number {
    return readdirSync(spoolDirectory)
      .filter((file) => file.endsWith('.journal'))
      .reduce((sum, file) => sum + statSync(join(spoolDirectory, file)).size, 0);
  }

  it('spools batches while the store is down and replays them in order, none lost or duplicated', async () => {
    const { store, processor } = setUp();
    const events = Array.from({ length: 300 }, () => makeEvent());
    events.slice(0, 100).forEach((event) => processor.receiveAuditEvent(event));
    await processor.forceFlush();
    store.down = true;
    events.slice(100, 250).forEach((event) => processor.receiveAuditEvent(event));
    await processor.forceFlush();
    assert.equal(await store.count(), 100);
    assert.ok((await metricValue(METRIC_RECORDS_SPOOLED, store.name)) >= 150);
    assert.ok((await metricValue(METRIC_RECORDS_RETRIED, store.name)) > 0);
    store.down = false;
    events.slice(250).forEach((event) => processor.receiveAuditEvent(event));
    await eventually(async () => (await store.count()) === 300);
    await processor.shutdown();
    const records = await store.readStream(processor.streamId, 1, 1000);
    assert.deepEqual(
      records.map((r) => r.eventId),
      events.map((e) => e.eventId),
    );
    assert.deepEqual(await verifyChains(store), { ok: true, streams: 1, records: 300 });
  });

  it('keeps the heap bounded while the store stays down: the queue is capped and the spool grows on disk', async () => {
    const { store, processor, spoolDirectory } = setUp({ maxQueueSize: 500, maxBatchSize: 100 });
    await processor.forceFlush();
    store.down = true;
    for (let i = 0; i < 5000; i += 1) {
      processor.receiveAuditEvent(makeEvent());
      if (i % 500 === 0) {
        assert.ok((await metricValue(METRIC_QUEUE_LENGTH, store.name)) <= 500);
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    await processor.forceFlush();
    assert.ok(
      spoolBytes(spoolDirectory) > 5000 * 500,
      `spool holds ${spoolBytes(spoolDirectory)} bytes`,
    );
    assert.equal(await metricValue(METRIC_RECORDS_DROPPED, store.name), 0);
    store.down = false;
    await processor.shutdown();
    assert.deepEqual(await verifyChains(store), { ok: true, streams: 1, records: 5000 });
    assert.equal(spoolBytes(spoolDirectory), 0);
  });

  it("drops, counts and logs records with overflow 'drop' once queue and spool are both full", async () => {
    const { store, processor } = setUp({
      overflow: 'drop',
      maxQueueSize: 50,
      maxBatchSize: 10,
      spool: { directory: join(directory.path, 'drop-spool'), maxBytes: 10_000 },
    });
    await processor.forceFlush();
    store.down = true;
    for (let i = 0; i < 1000; i += 1) processor.receiveAuditEvent(makeEvent());
    await processor.forceFlush();
    const dropped = await metricValue(METRIC_RECORDS_DROPPED, store.name);
    assert.ok(dropped > 0);
    store.down = false;
    await processor.shutdown();
    assert.equal((await store.count()) + dropped, 1000);
    assert.equal((await verifyChains(store)).ok, true);
  });

  it("loses nothing with the default overflow 'block' once queue and spool are both full", async () => {
    const { store, processor } = setUp({
      maxQueueSize: 50,
      maxBatchSize: 10,
      spool: { directory: join(directory.path, 'block-spool'), maxBytes: 10_000 },
    });
    await processor.forceFlush();
    store.down = true;
    for (let i = 0; i < 1000; i += 1) processor.receiveAuditEvent(makeEvent());
    await processor.forceFlush();
    assert.equal(await metricValue(METRIC_RECORDS_DROPPED, store.name), 0);
    store.down = false;
    await processor.shutdown();
    assert.deepEqual(await verifyChains(store), { ok: true, streams: 1, records: 1000 });
  });

  it('starts while the store is unreachable and seals what it spooled once the store is back', async () => {
    const { store, processor } = setUp();
    store.down = true;
    const events = Array.from({ length: 40 }, () => makeEvent());
    events.forEach((event) => processor.receiveAuditEvent(event));
    await processor.forceFlush();
    store.down = false;
    await processor.shutdown();
    const records = await store.readStream(processor.streamId, 1, 100);
    assert.deepEqual(
      records.map((r) => r.eventId),
      events.map((e) => e.eventId),
    );
    assert.equal((await verifyChains(store)).ok, true);
  });

  it('replays a journal left by a dead process, sealing none of its events twice', async () => {
    tables += 1;
    const store = new SqlAuditStore({
      url: `sqlite:${join(directory.path, `audit-${tables}.sqlite`)}`,
      table: `outage_${tables}`,
    });
    const spoolDirectory = join(directory.path, `spool-${tables}`);
    const events = Array.from({ length: 4 }, () => makeEvent());
    const first = new AuditSpanProcessor({
      store,
      streamId: 'w',
      spool: { directory: spoolDirectory },
      closeStoreOnShutdown: false,
    });
    events.slice(0, 3).forEach((event) => first.receiveAuditEvent(event));
    await first.shutdown();
    // A process that died while replaying: its journal still holds an entry whose first event
    // it had already written.
    mkdirSync(spoolDirectory, { recursive: true });
    writeFileSync(
      join(spoolDirectory, 'dead-writer.journal'),
      `${JSON.stringify({ events: events.slice(2) })}\n`,
    );
    const second = new AuditSpanProcessor({
      store,
      streamId: 'w',
      spool: { directory: spoolDirectory },
    });
    await second.shutdown();
    const reader = new SqlAuditStore({
      url: `sqlite:${join(directory.path, `audit-${tables}.sqlite`)}`,
      table: `outage_${tables}`,
    });
    assert.deepEqual(
      (await reader.readStream('w', 1, 10)).map((r) => r.eventId),
      events.map((e) => e.eventId),
    );
    assert.deepEqual(await verifyChains(reader), { ok: true, streams: 1, records: 4 });
    assert.ok(!existsSync(join(spoolDirectory, 'dead-writer.journal')));
    await reader.close();
  });

  it('says so in an error log when two processes share a stream id', async () => {
    const errors: string[] = [];
    diag.setLogger(
      {
        ...silentLogger,
        error: (...args: unknown[]) => void errors.push(args.map(String).join(' ')),
      },
      DiagLogLevel.ERROR,
    );
    try {
      const file = `sqlite:${join(directory.path, 'clash.sqlite')}`;
      const first = new AuditSpanProcessor({
        store: new SqlAuditStore({ url: file }),
        streamId: 'same',
        spool: { directory: join(directory.path, 'clash-1') },
        retry: { maxAttempts: 1 },
      });
      const second = new AuditSpanProcessor({
        store: new SqlAuditStore({ url: file }),
        streamId: 'same',
        spool: { directory: join(directory.path, 'clash-2') },
        retry: { maxAttempts: 1 },
      });
      await Promise.all([first.forceFlush(), second.forceFlush()]);
      first.receiveAuditEvent(makeEvent());
      second.receiveAuditEvent(makeEvent());
      await Promise.all([first.shutdown(), second.shutdown()]);
    } finally {
      diag.disable();
    }
    assert.ok(
      errors.some((message) => /two processes share this streamId/.test(message)),
      errors.join('\n'),
    );
  });

  it('persists everything queued on shutdown, and a second shutdown is a no-op', async () => {
    const { store, processor } = setUp({ flushIntervalMs: 60_000 });
    for (let i = 0; i < 37; i += 1) processor.receiveAuditEvent(makeEvent());
    await Promise.all([processor.shutdown(), processor.shutdown()]);
    await processor.shutdown();
    assert.equal(await store.count(), 37);
  });
});
