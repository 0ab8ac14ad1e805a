import assert from 'node:assert/strict';
import { exportRecords } from '../../src/query/export-records';
import { CSV_COLUMNS } from '../../src/query/export-format';
import type { AuditRecord } from '../../src/types';
import { RecordFactory } from './support/records';

async function* each(records: AuditRecord[]): AsyncGenerator<AuditRecord> {
  yield* records;
}

describe('exportRecords', () => {
  const f = new RecordFactory();
  const record = f.record({
    operation: 'update',
    table: 'orders',
    recordId: '{"line":1,"orderId":7}',
    changedFields: ['note'],
    before: { note: 'say "hi", then\nleave' },
    after: { note: 'ok' },
    actor: { id: 'alice', type: 'user' },
  });

  it('writes CSV with a header and RFC 4180 quoting of commas, quotes and newlines', async () => {
    let text = '';
    const written = await exportRecords(each([record]), {
      format: 'csv',
      write: (chunk) => {
        text += chunk;
      },
    });
    assert.equal(written, 1);
    const [header, ...rest] = text.split('\n');
    assert.deepEqual(header.split(','), [...CSV_COLUMNS]);
    const line = rest.join('\n');
    assert.ok(line.includes('"{""line"":1,""orderId"":7}"'));
    assert.ok(line.includes('"{""note"":""say \\""hi\\"", then\\nleave""}"'));
    assert.ok(line.includes(',alice,user,'));
  });

  it('writes JSON Lines that read back as the records, and reports progress', async () => {
    let text = '';
    const progress: number[] = [];
    const records = [record, f.record({ operation: 'insert', table: 'orders', recordId: '8' })];
    await exportRecords(each(records), {
      format: 'jsonl',
      progressEvery: 1,
      total: 2,
      write: (chunk) => {
        text += chunk;
      },
      onProgress: ({ done }) => progress.push(done),
    });
    assert.deepEqual(
      text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
      records,
    );
    assert.deepEqual(progress, [1, 2]);
  });
});
