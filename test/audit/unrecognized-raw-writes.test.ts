import assert from 'node:assert/strict';
import type { Model, ModelStatic, Sequelize } from 'sequelize';
import { rawWriteShape } from '../../src/sequelize/sql/statement-shape';
import { describeEachDialect } from '../support/dialects';
import { AuditEventCollector } from './support/audit-events';

/*
 * Raw writes that a look at the first word misses: led by WITH, CALL/EXEC, MERGE, an UPDATE
 * with RETURNING run as a SELECT, several statements in one string. Each gets a
 * statement-level record (`unknown` where the text does not tell the kind), never nothing.
 */

describe('the write a raw SQL text does, read from the text', () => {
  const cases: Array<[string, ReturnType<typeof rawWriteShape>]> = [
    [
      'WITH gone AS (DELETE FROM a WHERE id = 1 RETURNING *) SELECT * FROM gone',
      { verb: 'DELETE', table: 'a' },
    ],
    ["WITH x AS (SELECT 1) SELECT 'delete from a' FROM x", undefined],
    ['WITH x AS (SELECT id FROM a) SELECT * FROM x FOR UPDATE', undefined],
    [
      'MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = 1',
      { verb: 'UNKNOWN', table: 't' },
    ],
    ['CALL cleanup(1)', { verb: 'UNKNOWN', table: undefined }],
    ['EXEC dbo.cleanup', { verb: 'UNKNOWN', table: undefined }],
    ['UPDATE t SET a = 1 RETURNING *', { verb: 'UPDATE', table: 't' }],
    ['SELECT 1; UPDATE t SET a = 2', { verb: 'UPDATE', table: 't' }],
    ['UPDATE t SET a = 1; DELETE FROM u', { verb: 'UNKNOWN', table: undefined }],
    ["INSERT INTO t VALUES (';'); INSERT INTO t VALUES (2)", { verb: 'INSERT', table: 't' }],
    ['SELECT * FROM t;', undefined],
  ];
  for (const [sql, expected] of cases) {
    it(`reads ${JSON.stringify(sql)} as ${JSON.stringify(expected) ?? 'no write'}`, () => {
      assert.deepEqual(rawWriteShape(sql), expected);
    });
  }
});

describeEachDialect('audit of raw writes not led by their verb', (db) => {
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
    if (db.name === 'postgres') {
      await sequelize.query(
        'CREATE PROCEDURE bump_items() LANGUAGE SQL AS $$ UPDATE items SET qty = qty + 1 $$',
      );
    } else if (db.name !== 'sqlite') {
      await sequelize.query('CREATE PROCEDURE bump_items() UPDATE items SET qty = qty + 1');
    }
  });
  after(() => collector.stop());
  beforeEach(async () => {
    await Item.destroy({ where: {} });
    await Item.bulkCreate([
      { name: 'a', qty: 1 },
      { name: 'b', qty: 1 },
      { name: 'c', qty: 5 },
    ]);
    collector.reset();
  });

  const recorded = () =>
    collector.all().map((e) => [e.operation, e.granularity, e.table, e.affectedRows]);

  it('records a write led by WITH', async function () {
    if (db.name === 'mariadb' || db.name === 'mysql') this.skip(); // no WITH ... DELETE there
    await sequelize.query(
      "WITH doomed AS (SELECT id FROM items WHERE name = 'a') DELETE FROM items WHERE id IN (SELECT id FROM doomed)",
    );
    // Sequelize runs a statement led by WITH on SQLite as a read: the driver reports no count.
    const count = db.name === 'sqlite' ? undefined : 1;
    assert.deepEqual(recorded(), [['delete', 'statement', 'items', count]]);
    assert.equal(await Item.count(), 2);
  });

  it('records a write with RETURNING run as a SELECT, with the rows it returned as its count', async () => {
    // MariaDB has RETURNING on DELETE (the mysql dialect runs against a MariaDB server here).
    const verb =
      db.name === 'mariadb' || db.name === 'mysql'
        ? 'DELETE FROM items'
        : 'UPDATE items SET qty = 9';
    const rows = await sequelize.query(`${verb} WHERE name IN ('a', 'b') RETURNING id`, {
      type: QueryTypes.SELECT,
    });
    assert.equal(rows.length, 2);
    const operation = verb.startsWith('DELETE') ? 'delete' : 'update';
    assert.deepEqual(recorded(), [[operation, 'statement', 'items', 2]]);
  });

  it('records a CALL as an unknown statement-level write', async function () {
    if (db.name === 'sqlite') this.skip(); // no stored procedures
    await sequelize.query('CALL bump_items()');
    const [event, ...others] = collector.all();
    assert.equal(others.length, 0);
    assert.deepEqual(
      [event.operation, event.granularity, event.captureFallback],
      ['unknown', 'statement', 'unrecognized_write'],
    );
  });

  it('records several statements in one string by the write among them', async function () {
    if (db.name !== 'postgres') this.skip(); // the others run one statement per call
    await sequelize.query("SELECT 1; UPDATE items SET qty = 7 WHERE name = 'c'");
    assert.equal(await Item.count({ where: { qty: 7 } }), 1);
    assert.deepEqual(
      collector.all().map((e) => [e.operation, e.granularity, e.table]),
      [['update', 'statement', 'items']],
    );
  });
});
