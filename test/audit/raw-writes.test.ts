import assert from 'node:assert/strict';
import type { Model, ModelStatic, Sequelize } from 'sequelize';
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { withAuditContext, withoutAudit } from '../../src';
import { describeEachDialect } from '../support/dialects';
import { configureInstrumentation, resetInstrumentation } from '../support/setup';
import { AuditEventCollector } from './support/audit-events';

describeEachDialect('audit of raw SQL writes', (db) => {
  const { DataTypes, QueryTypes } = db;
  let sequelize: Sequelize;
  let Item: ModelStatic<Model>;
  const collector = new AuditEventCollector();

  before(async () => {
    collector.start();
    sequelize = db.connect();
    Item = sequelize.define(
      'Item',
      { name: DataTypes.STRING, qty: DataTypes.INTEGER },
      { tableName: 'items', timestamps: false },
    );
    await sequelize.sync({ force: true });
  });
  after(() => collector.stop());
  beforeEach(async () => {
    resetInstrumentation();
    await Item.destroy({ where: {} });
    await Item.bulkCreate([
      { name: 'a', qty: 1 },
      { name: 'b', qty: 1 },
      { name: 'c', qty: 5 },
    ]);
    collector.reset();
  });

  it('records a raw UPDATE as one statement-level record with the sanitized statement and affected rows', async () => {
    await withAuditContext({ actor: { id: 'dba', type: 'user' }, reason: 'fix stock' }, () =>
      sequelize.query("UPDATE items SET qty = qty + 1 WHERE name IN ('a', 'b')"),
    );
    const [event, ...others] = collector.all();
    assert.equal(others.length, 0);
    assert.equal(event.granularity, 'statement');
    assert.equal(event.operation, 'update');
    assert.equal(event.table, 'items');
    assert.equal(event.recordId, null);
    // sqlite3 runs a RAW statement with `all()`, which reports no change count.
    assert.equal(event.affectedRows, db.name === 'sqlite' ? undefined : 2);
    assert.equal(event.actor?.id, 'dba');
    assert.equal(event.reason, 'fix stock');
    assert.ok(!event.statement?.includes("'a'"), event.statement);
    assert.match(event.statement ?? '', /^UPDATE items SET qty = qty \+ \? WHERE name IN \(\?\)$/);
  });

  it('records nothing for a raw write marked as the audit store’s own statement', async () => {
    await sequelize.query("UPDATE items SET qty = 9 WHERE name = 'a'", {
      otelSequelizeAuditStore: true,
    } as object);
    assert.deepEqual(collector.all(), []);
    const [rows] = await sequelize.query("SELECT qty FROM items WHERE name = 'a'");
    assert.equal(Number((rows as Array<{ qty: number }>)[0].qty), 9);
  });

  it('records raw INSERT and DELETE statements, and no record for a SELECT', async () => {
    await sequelize.query("INSERT INTO items (name, qty) VALUES ('d', 1)", {
      type: QueryTypes.INSERT,
    });
    await sequelize.query('SELECT * FROM items');
    await sequelize.query('DELETE FROM items WHERE qty = ?', {
      replacements: [1],
      // Sequelize 7 has no BULKDELETE query type: DELETE returns the affected row count there.
      type: db.sequelizeMajor === 7 ? QueryTypes.DELETE : QueryTypes.BULKDELETE,
    });
    const events = collector.all();
    assert.deepEqual(
      events.map((e) => [e.operation, e.table, e.affectedRows]),
      [
        ['insert', 'items', 1],
        ['delete', 'items', 3],
      ],
    );
  });

  it('records nothing inside withoutAudit (the audit store’s own SQL)', async () => {
    await withoutAudit(() => sequelize.query("INSERT INTO items (name, qty) VALUES ('s', 1)"));
    await withoutAudit(() => Item.create({ name: 't', qty: 1 }));
    assert.deepEqual(collector.all(), []);
  });

  it('still audits raw and model writes when only tracing is suppressed', async () => {
    await context.with(suppressTracing(context.active()), async () => {
      await sequelize.query("INSERT INTO items (name, qty) VALUES ('s', 1)");
      await Item.create({ name: 't', qty: 1 });
      await Item.update({ qty: 2 }, { where: { name: 't' } });
      await sequelize.query("DELETE FROM items WHERE name = 's'");
    });
    assert.deepEqual(
      collector.all().map((e) => [e.operation, e.granularity, e.table]),
      [
        ['insert', 'statement', 'items'],
        ['insert', 'row', 'items'],
        ['update', 'row', 'items'],
        ['delete', 'statement', 'items'],
      ],
    );
  });

  it('leaves raw writes unrecorded when rawQueries is off, and model writes recorded per row', async () => {
    configureInstrumentation({ audit: { rawQueries: false } });
    await sequelize.query('DELETE FROM items');
    await Item.create({ name: 'e', qty: 1 });
    assert.deepEqual(
      collector.all().map((e) => e.granularity),
      ['row'],
    );
  });
});
