import assert from 'node:assert/strict';
import { join } from 'node:path';
import { AuditSpanProcessor, JsonlAuditStore, verifyChains } from '../../src';
import { makeEvent } from '../store/support/events';
import { tempDirectory } from './support/harness';

describe('AuditSpanProcessor with a JsonlAuditStore', () => {
  const directory = tempDirectory('osa-jsonl-proc-');
  after(() => directory.remove());

  it('appends every record once and resumes the chain after a restart', async () => {
    const path = join(directory.path, 'audit.jsonl');
    const spool = { directory: join(directory.path, 'spool') };
    const handed: string[] = [];
    for (let run = 0; run < 2; run += 1) {
      const store = new JsonlAuditStore({ path, maxFileBytes: 16 * 1024 });
      const processor = new AuditSpanProcessor({ store, streamId: 'app-1', spool });
      for (let i = 0; i < 120; i += 1) {
        const event = makeEvent();
        handed.push(event.eventId);
        processor.receiveAuditEvent(event);
        if (i === 60) processor.receiveAuditEvent(event); // delivered twice: kept once
      }
      await processor.shutdown();
    }
    const store = new JsonlAuditStore({ path });
    const records = await store.readStream('app-1', 1, 1000);
    assert.deepEqual(
      records.map((r) => r.eventId),
      handed,
    );
    assert.deepEqual(await verifyChains(store), { ok: true, streams: 1, records: 240 });
    await store.close();
  });
});
