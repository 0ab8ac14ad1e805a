import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { Model, ModelStatic, Sequelize } from 'sequelize';
import { describeEachDialect } from '../support/dialects';
import { configureInstrumentation, resetInstrumentation } from '../support/setup';
import { AuditEventCollector } from './support/audit-events';

describeEachDialect('audit redaction and field selection', (db) => {
  const { DataTypes } = db;
  let sequelize: Sequelize;
  let Account: ModelStatic<Model>;
  let Note: ModelStatic<Model>;
  const collector = new AuditEventCollector();

  before(async () => {
    collector.start();
    sequelize = db.connect();
    Account = sequelize.define(
      'Account',
      {
        email: DataTypes.STRING,
        Password: DataTypes.STRING,
        api_key: DataTypes.STRING,
        cardNumber: DataTypes.STRING,
        ssnLast4: DataTypes.STRING,
        nickname: DataTypes.STRING,
      },
      { tableName: 'accounts', timestamps: false },
    );
    Note = sequelize.define(
      'Note',
      { body: DataTypes.STRING },
      { tableName: 'notes', timestamps: false },
    );
    await sequelize.sync({ force: true });
  });
  after(() => collector.stop());
  beforeEach(() => {
    resetInstrumentation();
    collector.reset();
  });

  async function changeSecrets() {
    const account = await Account.create({
      email: 'a@x',
      Password: 'p1',
      api_key: 'k1',
      nickname: 'n',
    });
    await account.update({ Password: 'p2' });
    return collector.all();
  }

  it('masks common secret fields by default, by name and case-insensitively', async () => {
    const [insert, update] = await changeSecrets();
    assert.equal(insert.after?.Password, '[REDACTED]');
    assert.equal(insert.after?.api_key, '[REDACTED]');
    assert.equal(insert.after?.email, 'a@x');
    assert.deepEqual(update.changedFields, ['Password']);
    assert.equal(update.before?.Password, '[REDACTED]');
  });

  it('drops redacted fields from the values but still lists them as changed', async () => {
    configureInstrumentation({ audit: { redactionMode: 'drop' } });
    const [insert, update] = await changeSecrets();
    assert.ok(!('Password' in (insert.after ?? {})));
    assert.deepEqual(update.changedFields, ['Password']);
    assert.ok(!('Password' in (update.after ?? {})));
  });

  it('writes a keyed HMAC-SHA-256 so that a change stays visible without the value', async () => {
    configureInstrumentation({ audit: { redactionMode: 'hash', redactionKey: 'k' } });
    const [, update] = await changeSecrets();
    const hmac = (value: string) =>
      `hmac-sha256:${createHmac('sha256', 'k').update(JSON.stringify(value)).digest('hex')}`;
    assert.equal(update.before?.Password, hmac('p1'));
    assert.equal(update.after?.Password, hmac('p2'));
  });

  it('redacts extra fields by name or regular expression, globally and per model', async () => {
    configureInstrumentation({
      audit: { redact: [/^ssn/i], models: { Account: { redact: ['cardNumber'] } } },
    });
    await Account.create({ email: 'b@x', cardNumber: '4111', ssnLast4: '1234' });
    await Note.create({ body: 'cardNumber is not a secret here' });
    const [account, note] = collector.all();
    assert.equal(account.after?.cardNumber, '[REDACTED]');
    assert.equal(account.after?.ssnLast4, '[REDACTED]');
    assert.equal(note.after?.body, 'cardNumber is not a secret here');
  });

  it('keeps only included fields, leaves out excluded fields, and skips excluded models', async () => {
    configureInstrumentation({
      audit: {
        excludeModels: ['Note'],
        models: {
          Account: { includeFields: ['id', 'email', 'nickname'], excludeFields: ['nickname'] },
        },
      },
    });
    const account = await Account.create({ email: 'c@x', nickname: 'nick' });
    await account.update({ nickname: 'other' });
    await Note.create({ body: 'not audited' });
    const events = collector.all();
    assert.equal(events.length, 1, 'a change of excluded fields only is no change');
    assert.deepEqual(Object.keys(events[0].after ?? {}).sort(), ['email', 'id']);
  });

  it('audits only the included models, and nothing when audit is disabled', async () => {
    configureInstrumentation({ audit: { includeModels: ['Note'] } });
    await Account.create({ email: 'd@x' });
    await Note.create({ body: 'audited' });
    assert.deepEqual(
      collector.all().map((e) => e.model),
      ['Note'],
    );
    collector.reset();
    configureInstrumentation({ audit: { enabled: false } });
    await Note.create({ body: 'not audited' });
    assert.deepEqual(collector.all(), []);
  });

  it('caps each value and each record with a visible truncation marker', async () => {
    configureInstrumentation({ audit: { maxValueBytes: 64, maxRecordBytes: 200 } });
    await Note.create({ body: 'x'.repeat(100) });
    await Account.create({
      email: 'e'.repeat(60),
      nickname: 'n'.repeat(60),
      ssnLast4: 's'.repeat(60),
    });
    const [note, account] = collector.all();
    assert.match(String(note.after?.body), /\[truncated: 100 bytes\]$/);
    assert.ok(JSON.stringify(account.after).length <= 200);
    assert.ok(Object.values(account.after ?? {}).some((v) => String(v).startsWith('[truncated: ')));
  });
});
