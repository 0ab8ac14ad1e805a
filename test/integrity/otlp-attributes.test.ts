import assert from 'node:assert/strict';
import { InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import { OtlpLogAuditStore } from '../../src';
import { sealEvent } from '../../src/store/chain-hash';
import { resolveChainKey } from '../../src/integrity/chain-key';
import { makeEvent } from '../store/support/events';

describe('OTLP audit log records', () => {
  it('carry the sequence and integrity attributes a Collector can re-verify with', async () => {
    const exporter = new InMemoryLogRecordExporter();
    const store = new OtlpLogAuditStore({ exporter });
    const key = resolveChainKey({ keyId: 'k1', key: 'a chain key of enough bytes' });
    const first = sealEvent(makeEvent(), { stream: 's', seq: 1, prevHash: null }, key);
    const second = sealEvent(makeEvent(), { stream: 's', seq: 2, prevHash: first.hash }, key);
    await store.append([first, second]);
    await store.writeCheckpoint({
      stream: 's',
      seq: 2,
      hash: second.hash,
      createdAt: new Date().toISOString(),
      kind: 'periodic',
      note: 'o\n2\nAAAA\n\n— k x\n',
    });
    const [, log, checkpoint] = exporter.getFinishedLogRecords();
    assert.deepEqual(
      {
        number: log.attributes['audit.sequence.number'],
        prev: log.attributes['audit.sequence.prev_hash'],
        hash: log.attributes['audit.integrity.hash'],
        algorithm: log.attributes['audit.integrity.algorithm'],
        keyId: log.attributes['audit.integrity.key_id'],
      },
      { number: 2, prev: first.hash, hash: second.hash, algorithm: 'hmac-sha256', keyId: 'k1' },
    );
    assert.match(String(checkpoint.attributes['audit.integrity.checkpoint']), /^o\n2\n/);
  });
});
