import assert from 'node:assert/strict';
import type { Sequelize } from 'sequelize';
import { AuditTrail, SqlAuditStore, verifyChains, withAuditContext } from '../../src';
import type { AuditRecordInfo } from '../../src';
import { describeEachDialect } from '../support/dialects';
import { resetInstrumentation } from '../support/setup';
import { AuditedApp, defineModels } from './support/audited-app';
import type { HooksModels } from './support/audited-app';
import { DiagCapture, skippedCount } from './support/diag-capture';

describeEachDialect('audit.recordHook and audit.shouldRecord', (db) => {
  let sequelize: Sequelize;
  let models: HooksModels;
  let app: AuditedApp | undefined;
  let logs: DiagCapture | undefined;
  let tables = 0;
  const nextTable = () => `audit_hooks_${(tables += 1)}`;

  before(async () => {
    sequelize = db.connect();
    models = await defineModels(sequelize);
  });
  afterEach(async () => {
    logs?.stop();
    logs = undefined;
    await app?.stop();
    app = undefined;
    resetInstrumentation();
  });

  it('calls recordHook with a frozen, redacted AuditRecordInfo; its attributes and metadata reach the span and the store', async () => {
    const seen: AuditRecordInfo[] = [];
    app = AuditedApp.sql(db, nextTable(), {
      audit: {
        recordHook: (span, info) => {
          seen.push(info);
          span.setAttribute('app.region', 'eu');
          return info.operation === 'update' ? { reviewed: true, ticket: 'OPS-99' } : undefined;
        },
      },
    });
    await withAuditContext({ actor: { id: 'u1' }, metadata: { ticket: 'OPS-12' } }, async () => {
      const session = await models.Session.create({ token: 'tok-1', user: 'ann' });
      await session.update({ user: 'bob' });
    });
    await app.flush();

    assert.equal(seen.length, 2);
    const [created, updated] = seen;
    assert.equal(created.operation, 'insert');
    assert.equal(created.model, 'Session');
    assert.equal(created.table, 'Sessions');
    assert.equal(created.actor?.id, 'u1');
    assert.deepEqual(created.metadata, { ticket: 'OPS-12' });
    assert.equal(created.after?.token, '[REDACTED]', 'values are given after redaction');
    assert.deepEqual(updated.changedFields.includes('user'), true);
    assert.equal(updated.recordId, String(created.after?.id));
    for (const info of seen) {
      assert.ok(
        Object.isFrozen(info) && Object.isFrozen(info.after) && Object.isFrozen(info.metadata),
      );
      assert.ok(Object.isFrozen(info.changedFields));
    }
    assert.throws(() => {
      ((info) => ((info as { table: string }).table = 'x'))(created);
    }, TypeError);

    const spans = app.auditSpans();
    assert.deepEqual(
      spans.map((span) => span.attributes['app.region']),
      ['eu', 'eu'],
    );
    assert.equal(spans[1].attributes['audit.metadata.reviewed'], true);
    assert.equal(spans[1].attributes['audit.metadata.ticket'], 'OPS-99');
    const records = await app.store.find({}, { limit: 10 });
    assert.deepEqual(
      records.map((record) => record.metadata),
      [{ ticket: 'OPS-12' }, { reviewed: true, ticket: 'OPS-99' }],
    );
    const trail = new AuditTrail(app.store);
    assert.equal(await trail.count({ metadata: { reviewed: true } }), 1);
    assert.deepEqual(await verifyChains(app.store), { ok: true, streams: 1, records: 2 });
  });

  it('merges nothing when recordHook returns the span, as span.setAttribute does', async () => {
    app = AuditedApp.sql(db, nextTable(), {
      audit: { recordHook: (span) => span.setAttribute('app.region', 'eu') },
    });
    await models.Ticket.create({ title: 'chained', status: 'open', views: 0 });
    await app.flush();
    const [record] = await app.store.find({}, { limit: 1 });
    assert.equal(record.metadata, undefined);
    assert.equal(app.auditSpans()[0].attributes['app.region'], 'eu');
  });

  it('runs recordHook for records held in a transaction when they are emitted after COMMIT', async () => {
    const operations: string[] = [];
    app = AuditedApp.sql(db, nextTable(), {
      audit: {
        recordHook: (_span, info) => {
          operations.push(info.operation);
          return { batch: 'b-7' };
        },
      },
    });
    await sequelize.transaction(async (transaction) => {
      const ticket = await models.Ticket.create(
        { title: 'tx', status: 'open', views: 0 },
        { transaction },
      );
      await ticket.update({ status: 'closed' }, { transaction });
      assert.deepEqual(operations, [], 'nothing is emitted before COMMIT');
    });
    await app.flush();
    assert.deepEqual(operations, ['insert', 'update']);
    const records = await app.store.find({}, { limit: 10 });
    assert.deepEqual(
      records.map((record) => record.metadata),
      [{ batch: 'b-7' }, { batch: 'b-7' }],
    );
  });

  it('does not merge recordHook metadata into a record already written inside its transaction, so its chain verifies', async () => {
    logs = new DiagCapture().start();
    const store = new SqlAuditStore({ sequelize, table: nextTable() });
    await store.init();
    app = new AuditedApp(
      store,
      { audit: { recordHook: () => ({ late: true }) } },
      { durability: 'transactional' },
    );
    await withAuditContext({ metadata: { ticket: 'OPS-12' } }, () =>
      sequelize.transaction((transaction) =>
        models.Ticket.create({ title: 'in tx', status: 'open', views: 0 }, { transaction }),
      ),
    );
    await models.Ticket.create({ title: 'autocommit', status: 'open', views: 0 });
    await app.flush();
    const records = await store.find({}, { limit: 10 });
    assert.deepEqual(
      records.map((record) => [record.after?.title, record.metadata]),
      [
        ['in tx', { ticket: 'OPS-12' }],
        ['autocommit', { late: true }],
      ],
    );
    assert.deepEqual(await verifyChains(store), { ok: true, streams: 1, records: 2 });
    assert.ok(
      logs.messages.some((message) => message.includes('already persisted inside its transaction')),
    );
  });

  it('keeps the record unchanged and logs through the instrumentation when recordHook throws', async () => {
    logs = new DiagCapture().start();
    app = AuditedApp.sql(db, nextTable(), {
      audit: {
        recordHook: (span) => {
          span.setAttribute('app.before_throw', 1);
          throw new Error('hook exploded');
        },
      },
    });
    const ticket = await withAuditContext({ metadata: { ticket: 'OPS-12' } }, () =>
      models.Ticket.create({ title: 'safe', status: 'open', views: 0 }),
    );
    assert.equal(ticket.get('title'), 'safe');
    await app.flush();
    const records = await app.store.find({}, { limit: 10 });
    assert.equal(records.length, 1);
    assert.deepEqual(records[0].metadata, { ticket: 'OPS-12' });
    assert.ok(
      logs.messages.some(
        (message) =>
          message.startsWith('error:') &&
          message.includes('otel-sequelize-audit') &&
          message.includes('audit.recordHook threw for a insert of Tickets') &&
          message.includes('hook exploded'),
      ),
      logs.messages.join('\n'),
    );
  });

  it('drops what shouldRecord rejects and counts it in audit.records.skipped by model', async () => {
    const before = await skippedCount({
      'audit.model': 'Session',
      'audit.skip.reason': 'should_record',
    });
    const ticketsBefore = await skippedCount({ 'audit.model': 'Ticket' });
    app = AuditedApp.sql(db, nextTable(), {
      audit: {
        shouldRecord: (info) => !(info.model === 'Session' && info.actor?.type === 'system'),
      },
    });
    await withAuditContext({ actor: { id: 'reaper', type: 'system' } }, async () => {
      const session = await models.Session.create({ token: 't', user: 'ann' });
      await session.update({ user: 'bob' });
      await session.destroy();
      await models.Ticket.create({ title: 'kept', status: 'open', views: 0 });
    });
    await withAuditContext({ actor: { id: 'ann', type: 'user' } }, () =>
      models.Session.create({ token: 't2', user: 'ann' }),
    );
    await app.flush();
    const records = await app.store.find({}, { limit: 10 });
    assert.deepEqual(
      records.map((record) => [record.model, record.operation, record.actor?.id]),
      [
        ['Ticket', 'insert', 'reaper'],
        ['Session', 'insert', 'ann'],
      ],
    );
    const after = await skippedCount({
      'audit.model': 'Session',
      'audit.skip.reason': 'should_record',
    });
    assert.equal(after - before, 3);
    assert.equal(await skippedCount({ 'audit.model': 'Ticket' }), ticketsBefore);
  });

  it('keeps the record and logs when shouldRecord throws', async () => {
    logs = new DiagCapture().start();
    app = AuditedApp.sql(db, nextTable(), {
      audit: {
        shouldRecord: () => {
          throw new Error('predicate exploded');
        },
      },
    });
    await models.Ticket.create({ title: 'kept', status: 'open', views: 0 });
    await app.flush();
    assert.equal((await app.store.find({}, { limit: 10 })).length, 1);
    assert.ok(
      logs.messages.some(
        (message) =>
          message.includes(
            'audit.shouldRecord threw for a insert of Tickets; the record is kept',
          ) && message.includes('predicate exploded'),
      ),
      logs.messages.join('\n'),
    );
  });
});
