import assert from 'node:assert/strict';
import { MockOtlpServer } from '@elastic/mockotlpserver';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import { AuditSpanProcessor, OtlpLogAuditStore } from '../../src';
import { join } from 'node:path';
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
    resource?: { attributes?: Array<{ key: string; value: Record<string, unknown> }> };
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

  describe('against a real OTLP/HTTP receiver', () => {
    let server: MockOtlpServer;
    const received: RawLogs[] = [];
    before(async () => {
      server = new MockOtlpServer({
        logLevel: 'warn',
        services: ['http'],
        httpHostname: '127.0.0.1',
        httpPort: 0,
        onLogs: (raw) => received.push(raw as RawLogs),
      });
      await server.start();
    });
    after(() => server.close());
    beforeEach(() => {
      received.length = 0;
    });
    const exporter = () => new OTLPLogExporter({ url: `${server.httpUrl?.origin}/v1/logs` });
    const auditLogs = () =>
      received
        .flatMap((r) => r.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords)))
        .filter((log) => log.eventName === 'audit.record')
        .map((log): Record<string, unknown> => ({
          ...attributesOf(log.attributes),
          traceId: log.traceId,
        }));

    it('goes on with its chain after a restart of a writer with the same stream id', async () => {
      const stateFile = join(spool.path, 'state', 'heads.json');
      for (let life = 1; life <= 2; life += 1) {
        const store = new OtlpLogAuditStore({ exporter: exporter(), stateFile });
        const processor = new AuditSpanProcessor({
          store,
          streamId: 'billing-1',
          spool: { directory: join(spool.path, `life-${life}`) },
        });
        processor.receiveAuditEvent(makeEvent());
        processor.receiveAuditEvent(makeEvent());
        await processor.shutdown();
      }
      const logs = auditLogs();
      assert.deepEqual(
        logs.map((log) => [log['audit.stream'], Number(log['audit.seq'])]),
        [
          ['billing-1', 1],
          ['billing-1', 2],
          ['billing-1', 3],
          ['billing-1', 4],
        ],
      );
      assert.equal(logs[2]['audit.prev_hash'], logs[1]['audit.hash']);
    });

    it("builds its log records with the SDK: the SDK's resource, the service name, the trace", async () => {
      const saved = process.env.OTEL_SERVICE_NAME;
      process.env.OTEL_SERVICE_NAME = 'billing';
      try {
        const store = new OtlpLogAuditStore({ exporter: exporter() });
        const traceId = '0af7651916cd43dd8448eb211c80319c';
        await store.append(makeChain('s', 1, undefined, { traceId, spanId: 'b7ad6b7169203331' }));
        await store.close();
        const resource = attributesOf(received[0].resourceLogs[0].resource?.attributes);
        assert.equal(resource['service.name'], 'billing');
        assert.equal(resource['telemetry.sdk.language'], 'nodejs');
        assert.equal(resource['telemetry.sdk.name'], 'opentelemetry');
        assert.equal(auditLogs()[0].traceId, traceId);
      } finally {
        if (saved === undefined) delete process.env.OTEL_SERVICE_NAME;
        else process.env.OTEL_SERVICE_NAME = saved;
      }
    });
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
