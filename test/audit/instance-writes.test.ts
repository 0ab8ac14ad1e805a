import assert from 'node:assert/strict';
import { DataTypes } from 'sequelize';
import type { ModelStatic, Model, Sequelize } from 'sequelize';
import { describeEachDialect } from '../support/dialects';
import { resetInstrumentation } from '../support/setup';
import { AuditEventCollector } from './support/audit-events';

describeEachDialect('audit of instance writes', (db) => {
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
    const events = collector.all();
    assert.equal(events.length, 1);
    const [event] = events;
    assert.equal(event.operation, 'insert');
    assert.equal(event.table, 'users');
    assert.equal(event.model, 'User');
    assert.equal(event.recordId, String(user.get('id')));
    assert.equal(event.before, null);
    assert.equal(event.after?.email, 'a@example.com');
    assert.equal(event.after?.password, '[REDACTED]');
    assert.ok(event.changedFields.includes('password'));
    assert.equal(event.dbSystem, db.dbSystem);
  });
});
