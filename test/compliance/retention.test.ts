import assert from 'node:assert/strict';
import { AuditTrail } from '../../src';
import { openAuditStore } from '../../src/store/open-store';
import type { AuditStore } from '../../src/store/audit-store';
import { JsonlAuditStore } from '../../src/store/jsonl/jsonl-audit-store';
import { parseRetentionDuration } from '../../src/query/retention';
import { describeEachDialect } from '../support/dialects';
import { withTable } from '../cli/support/cli-store';
import { tempDirectory } from '../processor/support/harness';
import { JANUARY_2020, appendDated } from './support/dated-records';

async function fill(store: AuditStore): Promise<AuditTrail> {
  for (const [stream, changes] of Object.entries(JANUARY_2020))
    await appendDated(store, stream, changes);
  return new AuditTrail(store);
}

function retentionSuite(open: () => Promise<AuditStore>) {
  let store: AuditStore;
  let trail: AuditTrail;
  beforeEach(async () => {
    store = await open();
    trail = await fill(store);
  });
  afterEach(async () => store?.close());

  const left = async () =>
    (await store.find({}, { limit: 100 })).map((r) => `${r.table}#${r.recordId}`).sort();

  it('says on a dry run what would go, and removes nothing', async () => {
    await trail.hold('sessions', '2', new Date('2100-01-01'), { reason: 'case 17' });
    const plan = await trail.prune({ retention: { sessions: '90d' }, dryRun: true });
    assert.equal(plan.dryRun, true);
    assert.equal(plan.removable, 3); // s1: sessions#1; s2: sessions#4, #5
    assert.equal(plan.held, 1);
    const s1 = plan.streams.find((s) => s.stream === 's1');
    assert.deepEqual([s1?.cutSeq, s1?.keptBecause], [1, 'sessions#2 is under a legal hold']);
    const s2 = plan.streams.find((s) => s.stream === 's2');
    assert.deepEqual([s2?.cutSeq, s2?.keptBecause], [2, 'table "orders" has no retention']);
    assert.equal(plan.waiting, 2); // sessions#3 behind the hold, sessions#6 behind orders#10
    assert.equal(await store.count(), 8);
  });

  it('prunes by retention, never a held row, and leaves chains that verify', async () => {
    await trail.hold('sessions', '2', new Date('2100-01-01'));
    const result = await trail.prune({ retention: { sessions: '90d' } });
    assert.equal(result.removed, 3);
    assert.deepEqual(await left(), [
      'orders#10',
      'orders#9',
      'sessions#2',
      'sessions#3',
      'sessions#6',
    ]);
    const verified = await trail.verify();
    assert.equal(verified.ok, true, JSON.stringify(verified.firstBreak));
    const checkpoints = await store.checkpoints('s1');
    assert.deepEqual(
      checkpoints.filter((c) => c.kind === 'prune').map((c) => c.seq),
      [1],
    );
  });

  it('prunes a held row once its hold has ended', async () => {
    await trail.hold('sessions', '2', new Date('2100-01-01'));
    const later = new Date('2100-06-01');
    const result = await trail.prune({ retention: { sessions: '90d', orders: '7y' }, now: later });
    assert.equal(result.removed, 8);
    const verified = await trail.verify();
    assert.equal(verified.ok, true, JSON.stringify(verified.firstBreak));
  });

  it('refuses a prune that names nothing to prune, and a bad duration', async () => {
    await assert.rejects(trail.prune({}), /nothing says what may go/);
    await assert.rejects(
      trail.prune({ retention: { sessions: '90 days' } }),
      /retention of table "sessions"/,
    );
  });
}

describeEachDialect('retention and legal holds (SQL store)', (db) => {
  let n = 0;
  retentionSuite(() => {
    n += 1;
    return openAuditStore(withTable(db.url, `audit_ret_${n}`));
  });
});

describe('retention and legal holds (JSONL store)', () => {
  const dir = tempDirectory('osa-retention-');
  let n = 0;
  after(() => dir.remove());
  retentionSuite(async () => {
    n += 1;
    return new JsonlAuditStore({ path: `${dir.path}/audit-${n}.jsonl` });
  });
});

describe('retention durations', () => {
  it('reads h, d, w, m and y', () => {
    assert.deepEqual(
      ['24h', '1d', '1w', '1m', '1y'].map(parseRetentionDuration),
      [86_400_000, 86_400_000, 604_800_000, 2_592_000_000, 31_536_000_000],
    );
    assert.throws(() => parseRetentionDuration('0d'), /not a duration/);
  });
});
