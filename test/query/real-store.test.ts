import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditTrail } from '../../src';
import { openAuditStore } from '../../src/store/open-store';
import type { AuditStore } from '../../src/store/audit-store';
import { describeEachDialect } from '../support/dialects';
import { withTable } from '../cli/support/cli-store';
import { runShopWorkload } from '../cli/support/shop-workload';
import { RecordFactory, redactedLife } from './support/records';
import type { WorkloadMoments } from '../cli/support/shop-workload';

describeEachDialect('AuditTrail over a real store', (db) => {
  // A nested suite, so that its after hook closes the store before the database is dropped.
  describe('filled by a real workload through the AuditSpanProcessor', () => {
    let store: AuditStore;
    let trail: AuditTrail;
    let moments: WorkloadMoments;
    let spool: string;
    before(async function () {
      this.timeout(60_000);
      spool = mkdtempSync(join(tmpdir(), 'osa-trail-'));
      store = await openAuditStore(withTable(db.url, 'audit_trail_api'));
      ({ moments } = await runShopWorkload(db.connect(), store, spool));
      trail = new AuditTrail(store, { batchSize: 2 });
    });
    after(async () => {
      await store?.close();
      rmSync(spool, { recursive: true, force: true });
    });

    const statusAt = async (id: number, moment: Date) =>
      (await trail.asOf('orders', id, moment))?.status ?? null;

    it('gives each row of a bulk update its own before and after', async () => {
      assert.deepEqual(
        await Promise.all([statusAt(42, moments.afterPaid), statusAt(43, moments.afterPaid)]),
        ['paid', 'new'],
      );
      const [order42, order43] = await Promise.all([
        trail.asOf('orders', 42, moments.afterBulkRefund),
        trail.asOf('orders', 43, moments.afterBulkRefund),
      ]);
      assert.deepEqual([order42?.status, order42?.total], ['refunded', 0]);
      assert.deepEqual([order43?.status, order43?.total], ['refunded', 0]);
    });

    it('answers null before a row existed, while it was soft-deleted, and after it was deleted', async () => {
      assert.equal(await trail.asOf('orders', 42, moments.start), null);
      assert.equal(await statusAt(42, moments.afterDeletes), null);
      const soft = await trail.stateAt('orders', 42, moments.afterDeletes, {
        includeSoftDeleted: true,
      });
      assert.equal(soft.status, 'soft_deleted');
      assert.notEqual(soft.row?.deletedAt, null);
      assert.equal(await statusAt(42, moments.afterRestore), 'refunded');
      const gone = await trail.current('orders', 43);
      assert.deepEqual(
        [gone.status, gone.row, gone.lastValues?.status],
        ['deleted', null, 'refunded'],
      );
    });

    it('pages a history in small store reads and numbers the versions through soft delete and restore', async () => {
      const first = await trail.history('orders', 42, { limit: 3 });
      const second = await trail.history('orders', 42, {
        limit: 3,
        pageToken: first.nextPageToken,
      });
      assert.deepEqual(
        [...first.versions, ...second.versions].map((v) => [v.version, v.operation, v.status]),
        [
          [1, 'insert', 'present'],
          [2, 'update', 'present'],
          [3, 'update', 'present'],
          [4, 'soft_delete', 'soft_deleted'],
          [5, 'restore', 'present'],
        ],
      );
      assert.equal(second.nextPageToken, undefined);
      assert.ok(first.versions.every((v) => v.traceId && /^[0-9a-f]{32}$/.test(v.traceId)));
    });

    it('finds a composite-key row by its columns and says who changed which field', async () => {
      const line = { line: 1, orderId: 42 };
      assert.equal((await trail.asOf('order_lines', line, moments.afterCreate))?.qty, 1);
      assert.equal((await trail.asOf('order_lines', line, moments.afterPaid))?.qty, 3);
      const status = await trail.whoChanged('orders', 42, 'status');
      assert.deepEqual(
        status.map((c) => [c.actor?.id, c.from, c.to, c.reason]),
        [
          ['alice', undefined, 'new', undefined],
          ['alice', 'new', 'paid', undefined],
          ['nightly-job', 'paid', 'refunded', 'refund run'],
        ],
      );
    });

    it('plans a revert and verifies the chain the processor wrote', async () => {
      const plan = await trail.revert('orders', 42, 2);
      assert.equal(plan.action, 'update');
      assert.deepEqual([plan.values.status, plan.values.total], ['paid', 10]);
      const progress: number[] = [];
      const result = await trail.verify(({ done }) => progress.push(done));
      assert.deepEqual([result.ok, result.streams, result.records], [true, 1, 11]);
      assert.equal(progress[progress.length - 1], 11);
    });
  });

  describe('holding redacted and truncated values', () => {
    let store: AuditStore;
    before(async () => {
      store = await openAuditStore(withTable(db.url, 'audit_trail_redacted'));
      await store.append(redactedLife(new RecordFactory()));
    });
    after(async () => store?.close());

    it('plans a revert that lists every stand-in field that changed since the target', async () => {
      const plan = await new AuditTrail(store).revert('users', 1, 1);
      assert.deepEqual(plan.values, {
        name: 'a',
        password: '[REDACTED]',
        bio: '[truncated: 9000 bytes]',
      });
      assert.deepEqual(plan.unrecoverableFields, ['bio', 'password']);
    });
  });
});
