import assert from 'node:assert/strict';
import { MockOtlpServer } from '@elastic/mockotlpserver';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import { AuditSpanProcessor, OtlpLogAuditStore } from '../../src';
import { tempDirectory } from '../processor/support/harness';
import { makeChain, makeEvent } from './support/events';

/** OTLP/JSON attributes as a plain object. */
function attributesOf(list: Array<{ key: string; value: Record<string, unknown> }> = []) {
  const result: Record<string, unknown> = {};
  for (const { key, value } of list) result[key] = value.stringValue ?? value.intValue ?? value;
  return result;
}

interface RawLogs {
  resourceLogs: Array<{
    scopeLogs: Array<{
      logRecords: Array<{
        eventName?: string;
        body?: { stringValue?: string };
        attributes?: Array<{ key: string; value: Record<string, unknown> }>;
        traceId?: string;
      }>;
    }>;
  }>;
}

describe('OtlpLogAuditStore', () => {
  const spool = tempDirectory('osa-otlp-');
  after(() => spool.remove());

  it('sends each record as a log record with its chain fields, through a real OTLP/HTTP receiver', async () => {
    const received: RawLogs[] = [];
    const server = new MockOtlpServer({
      logLevel: 'warn',
      services: ['http'],
      httpHostname: '127.0.0.1',
      httpPort: 0,
      onLogs: (raw) => received.push(raw as RawLogs),
    });
    await server.start();
    try {
      const exporter = new OTLPLogExporter({ url: `${server.httpUrl?.origin}/v1/logs` });
      const store = new OtlpLogAuditStore({ exporter });
      const processor = new AuditSpanProcessor({ store, spool: { directory: spool.path } });
      const events = [makeEvent(), makeEvent({ operation: 'delete' })];
      events.forEach((event) => processor.receiveAuditEvent(event));
      await processor.shutdown();
      const logs = received.flatMap((r) =>
        r.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords)),
      );
      const records = logs.filter((log) => log.eventName === 'audit.record');
      assert.equal(records.length, 2);
      const attributes = records.map((log) => attributesOf(log.attributes));
      assert.deepEqual(
        attributes.map((a) => a['audit.event.id']),
        events.map((e) => e.eventId),
      );
      assert.deepEqual(
        attributes.map((a) => Number(a['audit.seq'])),
        [1, 2],
      );
      const body = JSON.parse(records[1].body?.stringValue ?? '{}') as { prevHash: string };
      assert.equal(body.prevHash, attributes[0]['audit.hash']);
    } finally {
      await server.close();
    }
  });

  it('keeps the chain head in memory and refuses reads, pointing to the backend', async () => {
    const exporter = new InMemoryLogRecordExporter();
    const store = new OtlpLogAuditStore({ exporter });
    const chain = makeChain('s', 3);
    await store.append(chain);
    assert.equal(exporter.getFinishedLogRecords().length, 3);
    assert.equal((await store.streamHead('s'))?.lastHash, chain[2].hash);
    await assert.rejects(store.count(), /write-only/);
    await store.close();
  });
});
