import assert from 'node:assert/strict';
import type { Model, ModelStatic, Sequelize } from 'sequelize';
import { describeEachDialect } from '../support/dialects';
import { resetInstrumentation } from '../support/setup';
import { AuditEventCollector, auditSpans } from './support/audit-events';

describeEachDialect('audit of instance writes', (db) => {
  const { DataTypes } = db;
  let sequelize: Sequelize;
  let User: ModelStatic<Model>;
  const collector = new AuditEventCollector();

  before(async () => {
    resetInstrumentation();
    collector.start();
    sequelize = db.connect();
    User = sequelize.define(
      'User',
      {
        email: DataTypes.STRING,
        password: DataTypes.STRING,
        visits: { type: DataTypes.INTEGER, defaultValue: 0 },
      },
      { tableName: 'users', paranoid: true },
    );
    await User.sync({ force: true });
  });
  after(() => collector.stop());
  beforeEach(() => collector.reset());

  it('records an insert for create, with the generated id and the password masked', async () => {
    const user = await User.create({ email: 'a@example.com', password: 'hunter2' });
    const [event, ...others] = collector.all();
    assert.equal(others.length, 0);
    assert.equal(event.operation, 'insert');
    assert.equal(event.granularity, 'row');
    assert.equal(event.table, 'users');
    assert.equal(event.model, 'User');
    assert.equal(event.dbSystem, db.dbSystem);
    assert.equal(event.recordId, String(user.get('id')));
    assert.equal(event.before, null);
    assert.equal(event.after?.email, 'a@example.com');
    assert.equal(event.after?.password, '[REDACTED]');
    assert.ok(event.changedFields.includes('password'));
    assert.equal(event.outcome, 'committed');
    assert.match(event.eventId, /^[0-9a-f-]{36}$/);
    assert.equal(event.actor, undefined, 'a write outside any audit context has no actor');
    assert.ok(auditSpans().every((span) => !('audit.actor.id' in span.attributes)));
  });

  it('records the changed fields with before and after values when an instance is saved', async () => {
    const user = await User.create({ email: 'b@example.com', password: 'x' });
    collector.reset();
    user.set('email', 'b2@example.com');
    await user.save();
    const [event, ...others] = collector.all();
    assert.equal(others.length, 0);
    assert.equal(event.operation, 'update');
    // updatedAt is a changed field only when the clock (or the column's precision) moved on.
    assert.deepEqual(
      event.changedFields.filter((field) => field !== 'updatedAt'),
      ['email'],
    );
    assert.equal(event.before?.email, 'b@example.com');
    assert.equal(event.after?.email, 'b2@example.com');
  });

  it('writes the before and after values of the audit span as canonical JSON, keys sorted', async () => {
    const user = await User.create({ email: 'k@example.com', password: 'x' });
    user.set('visits', 3);
    await user.save();
    const update = auditSpans().find((span) => span.name === 'audit UPDATE users');
    for (const key of ['audit.before', 'audit.after']) {
      const text = String(update?.attributes[key]);
      const keys = Object.keys(JSON.parse(text) as object);
      assert.deepEqual(keys, [...keys].sort(), `${key}: ${text}`);
      assert.ok(keys.includes('visits') && keys.includes('email'));
    }
  });

  it('records nothing for a save or an update that changes nothing', async () => {
    const user = await User.create({ email: 'c@example.com' });
    collector.reset();
    await user.save();
    await user.update({ email: 'c@example.com' });
    assert.deepEqual(collector.all(), []);
  });

  it('records instance.update as one update record', async () => {
    const user = await User.create({ email: 'd@example.com' });
    collector.reset();
    await user.update({ email: 'd2@example.com', visits: 3 });
    const events = collector.all();
    assert.equal(events.length, 1);
    // updatedAt only when its stored value moved (a second-precision DATETIME may not).
    const changed = events[0].changedFields.filter((field) => field !== 'updatedAt');
    assert.deepEqual(changed.sort(), ['email', 'visits']);
  });

  it('records a paranoid destroy as soft_delete and restore as restore', async () => {
    const user = await User.create({ email: 'e@example.com' });
    collector.reset();
    await user.destroy();
    await user.restore();
    const [softDelete, restore, ...others] = collector.all();
    assert.equal(others.length, 0);
    assert.equal(softDelete.operation, 'soft_delete');
    assert.ok(softDelete.changedFields.includes('deletedAt'));
    assert.equal(softDelete.before?.deletedAt, null);
    assert.equal(typeof softDelete.after?.deletedAt, 'string');
    assert.equal(restore.operation, 'restore');
    assert.equal(restore.after?.deletedAt, null);
  });

  it('records a forced destroy as delete with the row before and no row after', async () => {
    const user = await User.create({ email: 'f@example.com' });
    collector.reset();
    await user.destroy({ force: true });
    const [event, ...others] = collector.all();
    assert.equal(others.length, 0);
    assert.equal(event.operation, 'delete');
    assert.equal(event.after, null);
    assert.equal(event.before?.email, 'f@example.com');
    assert.equal(event.recordId, String(user.get('id')));
  });

  it('records instance increment and decrement with the stored results', async () => {
    const user = await User.create({ email: 'g@example.com', visits: 5 });
    collector.reset();
    await user.increment('visits', { by: 2 });
    await user.decrement('visits');
    const [up, down, ...others] = collector.all();
    assert.equal(others.length, 0);
    assert.equal(up.before?.visits, 5);
    assert.equal(up.after?.visits, 7);
    assert.equal(down.before?.visits, 7);
    assert.equal(down.after?.visits, 6);
  });

  it('records the stored result of a value set with Sequelize.literal', async () => {
    const user = await User.create({ email: 'h@example.com', visits: 10 });
    collector.reset();
    user.set('visits', sequelize.literal('visits + 5'));
    await user.save();
    const [event] = collector.all();
    assert.equal(event.before?.visits, 10);
    assert.equal(event.after?.visits, 15);
  });

  it('leaves what save returns and the hooks see unchanged', async () => {
    const seen: unknown[] = [];
    User.addHook('beforeSave', 'probe', (instance: Model) => {
      seen.push(instance.get('email'));
    });
    try {
      const user = User.build({ email: 'i@example.com' });
      const returned = await user.save();
      assert.equal(returned, user);
      assert.deepEqual(seen, ['i@example.com']);
    } finally {
      User.removeHook('beforeSave', 'probe');
    }
  });
});
