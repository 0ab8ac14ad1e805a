import assert from 'node:assert/strict';
import type { Sequelize } from 'sequelize';
import { describeEachDialect } from '../support/dialects';
import { resetInstrumentation } from '../support/setup';
import { AuditedApp, defineModels } from './support/audited-app';
import type { HooksModels } from './support/audited-app';
import { skippedCount } from './support/diag-capture';

describeEachDialect('audit noise options', (db) => {
  let sequelize: Sequelize;
  let models: HooksModels;
  let app: AuditedApp | undefined;
  let tables = 0;
  const nextTable = () => `audit_noise_${(tables += 1)}`;

  before(async () => {
    sequelize = db.connect();
    models = await defineModels(sequelize);
  });
  afterEach(async () => {
    await app?.stop();
    app = undefined;
    resetInstrumentation();
  });

  it('makes no record for an update that only touches ignoreChangesTo fields, and keeps them in before/after of the others', async () => {
    const ignoredBefore = await skippedCount({
      'audit.model': 'Ticket',
      'audit.skip.reason': 'ignored_changes',
    });
    app = AuditedApp.sql(db, nextTable(), { audit: { ignoreChangesTo: ['updatedAt', 'views'] } });
    const ticket = await models.Ticket.create({ title: 'noisy', status: 'open', views: 0 });
    await ticket.increment('views');
    await ticket.update({ views: 10 });
    await models.Ticket.update({ views: 11 }, { where: { id: ticket.get('id') } });
    await ticket.reload();
    await ticket.update({ status: 'closed', views: 12 });
    await app.flush();

    const records = await app.store.find({}, { limit: 10 });
    assert.deepEqual(
      records.map((record) => record.operation),
      ['insert', 'update'],
    );
    const update = records[1];
    assert.ok(update.changedFields.includes('status'));
    assert.ok(
      update.changedFields.includes('views'),
      'an ignored field that changed is still listed',
    );
    assert.equal(update.before?.views, 11);
    assert.equal(update.after?.views, 12);
    assert.ok(update.before && 'updatedAt' in update.before);
    assert.ok(update.after && 'updatedAt' in update.after);
    const ignoredAfter = await skippedCount({
      'audit.model': 'Ticket',
      'audit.skip.reason': 'ignored_changes',
    });
    assert.equal(ignoredAfter - ignoredBefore, 3);
  });

  it('applies a per-model ignoreChangesTo on top of the global list, to that model only', async () => {
    app = AuditedApp.sql(db, nextTable(), {
      audit: {
        ignoreChangesTo: ['updatedAt'],
        models: { Session: { ignoreChangesTo: ['user'] } },
      },
    });
    const session = await models.Session.create({ token: 't', user: 'ann' });
    await session.update({ user: 'bob' });
    const ticket = await models.Ticket.create({ title: 'user', status: 'open', views: 0 });
    await ticket.update({ views: 1 });
    await app.flush();
    const records = await app.store.find({}, { limit: 10 });
    assert.deepEqual(
      records.map((record) => [record.model, record.operation]),
      [
        ['Session', 'insert'],
        ['Ticket', 'insert'],
        ['Ticket', 'update'],
      ],
    );
  });

  it('records only the onlyOperations of a model, and every operation of the others', async () => {
    const skippedBefore = await skippedCount({
      'audit.model': 'Session',
      'audit.skip.reason': 'operation',
    });
    app = AuditedApp.sql(db, nextTable(), {
      audit: { models: { Session: { onlyOperations: ['delete'] } } },
    });
    const session = await models.Session.create({ token: 't', user: 'ann' });
    await session.update({ user: 'bob' });
    await models.Session.update({ user: 'cy' }, { where: { id: session.get('id') } });
    await session.reload();
    await session.destroy();
    const ticket = await models.Ticket.create({ title: 'all', status: 'open', views: 0 });
    await ticket.destroy();
    await app.flush();
    const records = await app.store.find({}, { limit: 10 });
    assert.deepEqual(
      records.map((record) => [record.model, record.operation]),
      [
        ['Session', 'delete'],
        ['Ticket', 'insert'],
        ['Ticket', 'delete'],
      ],
    );
    assert.equal(records[0].before?.user, 'cy');
    const skippedAfter = await skippedCount({
      'audit.model': 'Session',
      'audit.skip.reason': 'operation',
    });
    assert.equal(skippedAfter - skippedBefore, 3);
  });
});
