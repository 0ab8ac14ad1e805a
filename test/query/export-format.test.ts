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

  it('prefixes CSV text that a spreadsheet would run as a formula with an apostrophe', async () => {
    const payloads = ['=HYPERLINK("http://x")', '+1+2', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd'];
    const records = payloads.map((reason, i) =>
      f.record({ operation: 'update', table: 'orders', recordId: String(i), reason }),
    );
    const negative = f.record({ operation: 'update', table: 'orders', recordId: '-7' });
    let text = '';
    await exportRecords(each([...records, negative]), {
      format: 'csv',
      write: (chunk) => {
        text += chunk;
      },
    });
    const reasonColumn = CSV_COLUMNS.indexOf('reason');
    const lines = text.trim().split('\n').slice(1);
    assert.deepEqual(
      lines.slice(0, payloads.length).map((line) => parseCsvLine(line)[reasonColumn]),
      payloads.map((payload) => `'${payload}`),
    );
    const recordIdColumn = CSV_COLUMNS.indexOf('recordId');
    assert.equal(parseCsvLine(lines[payloads.length])[recordIdColumn], "'-7");
    for (const line of lines) {
      for (const cell of parseCsvLine(line)) assert.doesNotMatch(cell, /^[=+\-@\t\r]/);
    }
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

/** The cells of one CSV line (RFC 4180 quoting; no newline inside the line). */
function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i];
    if (quoted && char === '"' && line[i + 1] === '"') {
      cell += '"';
      i += 1;
    } else if (char === '"') quoted = !quoted;
    else if (char === ',' && !quoted) {
      cells.push(cell);
      cell = '';
    } else cell += char;
  }
  cells.push(cell);
  return cells;
}
