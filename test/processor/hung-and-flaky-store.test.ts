import assert from 'node:assert/strict';
import { join } from 'node:path';
import { AuditSpanProcessor, SqlAuditStore, verifyChains } from '../../src';
import { readQuarantine } from '../../src/processor/quarantine-journal';
import { describeEachDialect } from '../support/dialects';
import { makeEvent } from '../store/support/events';
import { FaultyStore, seededRandom } from './support/faulty-store';
import { tempDirectory } from './support/harness';

describeEachDialect('AuditSpanProcessor with a store that hangs or fails at random', (fixture) => {
  const spool = tempDirectory('osa-faults-');
  let tables = 0;
  after(() => spool.remove());

  function setup() {
    const table = `audit_faults_${(tables += 1)}`;
    const inner = new SqlAuditStore({ url: fixture.url, table });
    return { inner, store: new FaultyStore(inner), directory: join(spool.path, table) };
  }

  it('ends shutdown() within its deadline when the store never answers, and the next process writes every record from the spool', async function () {
    this.timeout(60_000);
    const { inner, store, directory } = setup();
    await inner.init();
    const processor = new AuditSpanProcessor({
      store,
      streamId: 'hung',
      spool: { directory },
      storeTimeoutMillis: 60_000, // longer than the shutdown deadline: only that one can end it
      shutdownTimeoutMillis: 1500,
      closeStoreOnShutdown: false,
    });
    const events = Array.from({ length: 40 }, () => makeEvent());
    store.hang = true;
    for (const event of events) processor.receiveAuditEvent(event);
    const started = process.hrtime.bigint();
    await processor.shutdown();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    process.stdout.write(`      (shutdown with a hung store took ${seconds.toFixed(2)} s)\n`);
    assert.equal(await inner.count(), 0);

    const next = new AuditSpanProcessor({ store: inner, streamId: 'hung', spool: { directory } });
    await next.shutdown();
    const reader = new SqlAuditStore({ url: fixture.url, table: inner.name.split(':')[1] });
    assert.deepEqual(
      (await reader.readStream('hung', 1, 100)).map((r) => r.eventId),
      events.map((e) => e.eventId),
    );
    assert.deepEqual(await verifyChains(reader), { ok: true, streams: 1, records: 40 });
    await reader.close();
  });

  it('ends forceFlush() within its deadline when every store call times out, spooling what it could not write', async function () {
    this.timeout(60_000);
    const { inner, store, directory } = setup();
    const processor = new AuditSpanProcessor({
      store,
      streamId: 'slow',
      spool: { directory },
      storeTimeoutMillis: 100,
      shutdownTimeoutMillis: 1000,
      retry: { maxAttempts: 2, initialDelayMs: 10, maxDelayMs: 20 },
      closeStoreOnShutdown: false,
    });
    const events = Array.from({ length: 10 }, () => makeEvent());
    store.hang = true;
    for (const event of events) processor.receiveAuditEvent(event);
    await processor.forceFlush();
    store.hang = true;
    await processor.shutdown(); // ends by its deadline too
    // The next writer of the stream (with a store that answers) finds every record in the spool.
    const next = new AuditSpanProcessor({
      store: inner,
      streamId: 'slow',
      spool: { directory },
      closeStoreOnShutdown: false,
    });
    await next.shutdown();
    assert.deepEqual(
      (await inner.readStream('slow', 1, 100)).map((r) => r.eventId),
      events.map((e) => e.eventId),
    );
    assert.equal((await verifyChains(inner)).ok, true);
    await inner.close();
  });

  it('loses and duplicates nothing when the store fails at random, transiently and for good', async function () {
    this.timeout(60_000);
    const { inner, directory } = setup();
    const random = seededRandom(20261201);
    const flaky = new FaultyStore(inner, random);
    flaky.failureRate = 0.3;
    flaky.rejects = (record) => record.reason === 'poison';
    const processor = new AuditSpanProcessor({
      store: flaky,
      spool: { directory },
      maxBatchSize: 16,
      flushIntervalMs: 5,
      retry: { maxAttempts: 2, initialDelayMs: 5, maxDelayMs: 20 },
      closeStoreOnShutdown: false,
    });
    const events = Array.from({ length: 300 }, (_, i) =>
      makeEvent({ reason: random() < 0.02 || i === 150 ? 'poison' : 'ok' }),
    );
    for (let i = 0; i < events.length; i += 1) {
      processor.receiveAuditEvent(events[i]);
      if (i % 25 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await processor.forceFlush();
    flaky.failureRate = 0;
    await processor.shutdown();
    const stored = (await inner.readStream(processor.streamId, 1, 1000)).map((r) => r.eventId);
    const quarantined = (await readQuarantine(directory)).map((e) => e.event.eventId);
    const poison = events.filter((e) => e.reason === 'poison').map((e) => e.eventId);
    process.stdout.write(
      `      (${flaky.failures} injected failures in ${flaky.calls} calls: ${stored.length} written, ${quarantined.length} quarantined, ${events.length - stored.length - quarantined.length} lost)\n`,
    );
    assert.deepEqual(
      stored,
      events.map((e) => e.eventId).filter((id) => !poison.includes(id)),
    );
    assert.deepEqual(quarantined.sort(), poison.sort());
    assert.deepEqual(await verifyChains(inner), { ok: true, streams: 1, records: stored.length });
    await inner.close();
  });
});
