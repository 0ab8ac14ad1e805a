import assert from 'node:assert/strict';
import { AuditTrail } from '../../src/query/audit-trail';
import type { AuditRecord } from '../../src/types';
import { MemoryAuditStore } from './support/memory-store';
import { RecordFactory, redactedLife } from './support/records';

const alice = { id: 'alice', type: 'user' };
const job = { id: 'nightly-job', type: 'service' };

async function trailOf(records: AuditRecord[], batchSize = 1000) {
  const store = new MemoryAuditStore();
  await store.append(records);
  return { store, trail: new AuditTrail(store, { batchSize }) };
}

/** orders#42: created, status changed twice, soft-deleted, restored, deleted. */
function orderLife(f: RecordFactory) {
  const created = f.record({
    operation: 'insert',
    table: 'orders',
    recordId: '42',
    after: { id: 42, status: 'new', total: 10, deletedAt: null },
    changedFields: ['id', 'status', 'total', 'deletedAt'],
    actor: alice,
    traceId: 'trace-1',
  });
  const paid = f.record({
    operation: 'update',
    table: 'orders',
    recordId: '42',
    before: { status: 'new' },
    after: { status: 'paid' },
    changedFields: ['status'],
    actor: alice,
    traceId: 'trace-2',
  });
  const refunded = f.record({
    operation: 'update',
    table: 'orders',
    recordId: '42',
    before: { status: 'paid', total: 10 },
    after: { status: 'refunded', total: 0 },
    changedFields: ['status', 'total'],
    actor: job,
    reason: 'ticket 991',
    traceId: 'trace-3',
  });
  const softDeleted = f.record({
    operation: 'soft_delete',
    table: 'orders',
    recordId: '42',
    before: { deletedAt: null },
    after: { deletedAt: '2026-11-20T08:00:03.000Z' },
    changedFields: ['deletedAt'],
    actor: job,
  });
  const restored = f.record({
    operation: 'restore',
    table: 'orders',
    recordId: '42',
    before: { deletedAt: '2026-11-20T08:00:03.000Z' },
    after: { deletedAt: null },
    changedFields: ['deletedAt'],
    actor: alice,
  });
  const deleted = f.record({
    operation: 'delete',
    table: 'orders',
    recordId: '42',
    before: { id: 42, status: 'refunded', total: 0, deletedAt: null },
    actor: alice,
  });
  return { created, paid, refunded, softDeleted, restored, deleted };
}

describe('AuditTrail over records', () => {
  describe('history', () => {
    it('lists every version of a row oldest first with who, when, what changed and the trace', async () => {
      const f = new RecordFactory();
      const life = orderLife(f);
      const other = f.record({
        operation: 'insert',
        table: 'orders',
        recordId: '43',
        after: { id: 43 },
      });
      const { trail } = await trailOf([life.paid, other, life.created, life.refunded]);

      const page = await trail.history('orders', 42);

      assert.deepEqual(
        page.versions.map((v) => [v.version, v.operation, v.actor?.id, v.traceId, v.status]),
        [
          [1, 'insert', 'alice', 'trace-1', 'present'],
          [2, 'update', 'alice', 'trace-2', 'present'],
          [3, 'update', 'nightly-job', 'trace-3', 'present'],
        ],
      );
      assert.deepEqual(page.versions[2].changes, [
        { field: 'status', from: 'paid', to: 'refunded' },
        { field: 'total', from: 10, to: 0 },
      ]);
      assert.equal(page.versions[1].occurredAt, life.paid.occurredAt);
      assert.equal(page.nextPageToken, undefined);
    });

    it('pages through a history with tokens and keeps numbering versions across pages', async () => {
      const f = new RecordFactory();
      const { trail } = await trailOf(Object.values(orderLife(f)));

      const first = await trail.history('orders', 42, { limit: 4 });
      assert.ok(first.nextPageToken);
      const second = await trail.history('orders', 42, {
        limit: 4,
        pageToken: first.nextPageToken,
      });

      assert.deepEqual(
        [...first.versions, ...second.versions].map((v) => [v.version, v.status]),
        [
          [1, 'present'],
          [2, 'present'],
          [3, 'present'],
          [4, 'soft_deleted'],
          [5, 'present'],
          [6, 'deleted'],
        ],
      );
      assert.equal(second.nextPageToken, undefined);
    });

    it('names a composite key by its columns in any order', async () => {
      const f = new RecordFactory();
      const line = f.record({
        operation: 'insert',
        table: 'order_lines',
        recordId: '{"line":"2","orderId":"7"}',
        after: { orderId: 7, line: 2, qty: 1 },
      });
      const { trail } = await trailOf([line]);

      const page = await trail.history('order_lines', { orderId: 7, line: 2 });

      assert.equal(page.recordId, '{"line":"2","orderId":"7"}');
      assert.equal(page.versions.length, 1);
      assert.deepEqual(await trail.asOf('order_lines', { line: 2, orderId: 7 }, f.now), {
        orderId: 7,
        line: 2,
        qty: 1,
      });
    });

    it('rejects a page token it did not issue', async () => {
      const { trail } = await trailOf([]);
      await assert.rejects(
        trail.history('orders', 1, { pageToken: 'not-a-token' }),
        /Invalid page token "not-a-token"/,
      );
    });
  });

  describe('asOf', () => {
    it('gives the row at each moment of its life and null before it existed and after it was deleted', async () => {
      const f = new RecordFactory();
      const life = orderLife(f);
      const { trail } = await trailOf(Object.values(life));
      const at = (r: AuditRecord) => new Date(r.occurredAt);

      assert.equal(await trail.asOf('orders', 42, new Date(at(life.created).getTime() - 1)), null);
      assert.deepEqual(await trail.asOf('orders', 42, at(life.created)), {
        id: 42,
        status: 'new',
        total: 10,
        deletedAt: null,
      });
      assert.deepEqual(await trail.asOf('orders', 42, new Date(at(life.paid).getTime() + 500)), {
        id: 42,
        status: 'paid',
        total: 10,
        deletedAt: null,
      });
      assert.equal(await trail.asOf('orders', 42, at(life.softDeleted)), null);
      assert.deepEqual(await trail.asOf('orders', 42, at(life.restored)), {
        id: 42,
        status: 'refunded',
        total: 0,
        deletedAt: null,
      });
      assert.equal(await trail.asOf('orders', 42, at(life.deleted)), null);
    });

    it('shows a soft-deleted row with its deletedAt when asked to include soft-deleted rows', async () => {
      const f = new RecordFactory();
      const life = orderLife(f);
      const { trail } = await trailOf(Object.values(life));

      const state = await trail.stateAt('orders', 42, new Date(life.softDeleted.occurredAt), {
        includeSoftDeleted: true,
      });

      assert.equal(state.status, 'soft_deleted');
      assert.equal(state.version?.version, 4);
      assert.deepEqual(state.row, {
        id: 42,
        status: 'refunded',
        total: 0,
        deletedAt: '2026-11-20T08:00:03.000Z',
      });
    });

    it('gives each row of a bulk update its own values', async () => {
      const f = new RecordFactory();
      const records = [1, 2, 3].map((id) =>
        f.record({
          operation: 'insert',
          table: 'orders',
          recordId: String(id),
          after: { id, status: 'new' },
        }),
      );
      const bulkAt = f.advance(60_000);
      for (const id of [1, 3]) {
        records.push(
          f.record({
            operation: 'update',
            table: 'orders',
            recordId: String(id),
            before: { id, status: 'new' },
            after: { status: 'stale' },
            changedFields: ['status'],
            transactionId: 'tx-bulk',
          }),
        );
      }
      const { trail } = await trailOf(records);

      const after = f.now;
      assert.deepEqual(await trail.asOf('orders', 1, after), { id: 1, status: 'stale' });
      assert.deepEqual(await trail.asOf('orders', 2, after), { id: 2, status: 'new' });
      assert.deepEqual(await trail.asOf('orders', 3, new Date(bulkAt.getTime() - 1)), {
        id: 3,
        status: 'new',
      });
    });

    it('rebuilds a row whose history starts with an update from the before image', async () => {
      const f = new RecordFactory();
      const update = f.record({
        operation: 'update',
        table: 'orders',
        recordId: '9',
        before: { id: 9, status: 'new', total: 5 },
        after: { status: 'paid' },
        changedFields: ['status'],
      });
      const { trail } = await trailOf([update]);

      assert.deepEqual(await trail.asOf('orders', 9, f.now), { id: 9, status: 'paid', total: 5 });
    });

    it('applies a statement-level record that names the row and leaves rows it does not name alone', async () => {
      const f = new RecordFactory();
      const created = f.record({
        operation: 'insert',
        table: 'orders',
        recordId: '5',
        after: { id: 5, n: 1 },
      });
      const keyed = f.record({
        operation: 'update',
        table: 'orders',
        granularity: 'statement',
        recordId: '5',
        after: { n: 2 },
        changedFields: ['n'],
        statement: 'UPDATE orders SET n = ? WHERE id = ?',
        affectedRows: 1,
      });
      const unkeyed = f.record({
        operation: 'update',
        table: 'orders',
        granularity: 'statement',
        recordId: null,
        after: { n: 3 },
        changedFields: ['n'],
        statement: 'UPDATE orders SET n = ? WHERE n > ?',
        affectedRows: 5000,
      });
      const { trail } = await trailOf([created, keyed, unkeyed]);

      assert.deepEqual(await trail.asOf('orders', 5, f.now), { id: 5, n: 2 });
      assert.deepEqual(
        (await trail.history('orders', 5)).versions.map((v) => v.record.granularity),
        ['row', 'statement'],
      );
    });
  });

  describe('diff', () => {
    it('compares two versions field by field', async () => {
      const f = new RecordFactory();
      const { trail } = await trailOf(Object.values(orderLife(f)));

      const diff = await trail.diff('orders', 42, 1, 3);

      assert.deepEqual(diff.changes, [
        { field: 'status', from: 'new', to: 'refunded' },
        { field: 'total', from: 10, to: 0 },
      ]);
      assert.equal(diff.from.version?.version, 1);
      assert.equal(diff.to.version?.version, 3);
    });

    it('compares two moments, a soft delete showing as its deletedAt', async () => {
      const f = new RecordFactory();
      const life = orderLife(f);
      const { trail } = await trailOf(Object.values(life));

      const diff = await trail.diff(
        'orders',
        42,
        new Date(life.refunded.occurredAt),
        new Date(life.softDeleted.occurredAt),
      );

      assert.deepEqual(diff.changes, [
        { field: 'deletedAt', from: null, to: '2026-11-20T08:00:03.000Z' },
      ]);
    });

    it('says which versions exist when asked for one that does not', async () => {
      const f = new RecordFactory();
      const { trail } = await trailOf(Object.values(orderLife(f)));

      await assert.rejects(
        trail.diff('orders', 42, 1, 9),
        /orders#42 has 6 versions in the audit trail; there is no version 9/,
      );
    });
  });

  describe('changes', () => {
    it('filters by actor, table, operation and time window', async () => {
      const f = new RecordFactory();
      const life = orderLife(f);
      const user = f.record({ operation: 'update', table: 'users', recordId: '1', actor: job });
      const { trail } = await trailOf([...Object.values(life), user]);

      const byJob = await trail.changes({ actor: 'nightly-job' });
      assert.deepEqual(
        byJob.records.map((r) => r.eventId),
        [life.refunded.eventId, life.softDeleted.eventId, user.eventId],
      );
      const jobOnOrders = await trail.changes({
        actor: 'nightly-job',
        table: 'orders',
        operation: 'update',
      });
      assert.deepEqual(
        jobOnOrders.records.map((r) => r.eventId),
        [life.refunded.eventId],
      );
      const window = await trail.changes({
        since: new Date(life.paid.occurredAt),
        until: new Date(life.softDeleted.occurredAt),
      });
      assert.deepEqual(
        window.records.map((r) => r.eventId),
        [life.paid.eventId, life.refunded.eventId],
      );
    });

    it('pages newest first and streams every match through small store calls', async () => {
      const f = new RecordFactory();
      const records = Array.from({ length: 25 }, (_, i) =>
        f.record({ operation: 'insert', table: 't', recordId: String(i), after: { i } }),
      );
      const { store, trail } = await trailOf(records, 10);

      const first = await trail.changes({ order: 'desc' }, { limit: 10 });
      const second = await trail.changes(
        { order: 'desc' },
        { limit: 10, pageToken: first.nextPageToken },
      );
      assert.deepEqual(
        [...first.records, ...second.records].map((r) => r.recordId),
        records
          .slice(5)
          .reverse()
          .map((r) => r.recordId),
      );

      store.findCalls.length = 0;
      const streamed: string[] = [];
      for await (const record of trail.iterateChanges({ table: 't' }))
        streamed.push(record.eventId);
      assert.deepEqual(
        streamed,
        records.map((r) => r.eventId),
      );
      assert.deepEqual(
        store.findCalls.map((c) => c.limit),
        [10, 10, 10],
      );
    });
  });

  describe('whoChanged', () => {
    it('lists each change of a field with actor, time and reason', async () => {
      const f = new RecordFactory();
      const life = orderLife(f);
      const { trail } = await trailOf(Object.values(life));

      const changes = await trail.whoChanged('orders', 42, 'status');

      assert.deepEqual(
        changes.map((c) => [c.version, c.actor?.id, c.from, c.to, c.reason, c.occurredAt]),
        [
          [1, 'alice', undefined, 'new', undefined, life.created.occurredAt],
          [2, 'alice', 'new', 'paid', undefined, life.paid.occurredAt],
          [3, 'nightly-job', 'paid', 'refunded', 'ticket 991', life.refunded.occurredAt],
        ],
      );
    });
  });

  describe('revert', () => {
    it('returns the changed fields of an earlier version to write back', async () => {
      const f = new RecordFactory();
      const life = orderLife(f);
      const { trail } = await trailOf([life.created, life.paid, life.refunded]);

      const plan = await trail.revert('orders', 42, 2);

      assert.equal(plan.action, 'update');
      assert.deepEqual(plan.values, { status: 'paid', total: 10 });
      assert.deepEqual(plan.unrecoverableFields, []);
    });

    it('plans a restore for a soft-deleted row and an insert for a deleted one', async () => {
      const f = new RecordFactory();
      const life = orderLife(f);
      const soft = await trailOf([life.created, life.paid, life.refunded, life.softDeleted]);
      const restorePlan = await soft.trail.revert('orders', 42, 3);
      assert.equal(restorePlan.action, 'restore');
      assert.deepEqual(restorePlan.values, { deletedAt: null });

      const hard = await trailOf(Object.values(life));
      const insertPlan = await hard.trail.revert('orders', 42, 5);
      assert.equal(insertPlan.action, 'insert');
      assert.deepEqual(insertPlan.values, {
        id: 42,
        status: 'refunded',
        total: 0,
        deletedAt: null,
      });
    });

    it('plans nothing when the row already has the values, and names redacted fields', async () => {
      const f = new RecordFactory();
      const created = f.record({
        operation: 'insert',
        table: 'users',
        recordId: '1',
        after: {
          id: 1,
          name: 'a',
          password: '[REDACTED]',
          token: `hmac-sha256:${'ab'.repeat(32)}`,
        },
      });
      const renamed = f.record({
        operation: 'update',
        table: 'users',
        recordId: '1',
        before: { name: 'a', password: '[REDACTED]' },
        after: { name: 'b', password: '[REDACTED]' },
        changedFields: ['name', 'password'],
      });
      const deleted = f.record({
        operation: 'delete',
        table: 'users',
        recordId: '1',
        before: { id: 1, name: 'b', password: '[REDACTED]' },
      });
      const { trail } = await trailOf([created, renamed, deleted]);

      assert.equal((await trail.revert('users', 1, 3)).action, 'none');
      const plan = await trail.revert('users', 1, 1);
      assert.equal(plan.action, 'insert');
      assert.deepEqual(plan.unrecoverableFields, ['password', 'token']);
    });

    it('lists a redacted or truncated field that changed since the target, with its stand-in', async () => {
      const { trail } = await trailOf(redactedLife(new RecordFactory()));

      const plan = await trail.revert('users', 1, 1);

      assert.equal(plan.action, 'update');
      assert.deepEqual(plan.values, {
        name: 'a',
        password: '[REDACTED]',
        bio: '[truncated: 9000 bytes]',
      });
      assert.deepEqual(plan.unrecoverableFields, ['bio', 'password']);
    });
  });
});
