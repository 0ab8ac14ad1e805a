import assert from 'node:assert/strict';

import type { Model, ModelStatic, Sequelize } from 'sequelize';
import { connectV7 } from '../support/sequelize-majors';
import { describeEachDialect } from '../support/dialects';
import { spanExporter } from '../support/setup';
import { AuditEventCollector } from './support/audit-events';
import { DiagWarnings, fallbacksCounted } from './support/fallback-metrics';

/*
 * A where that the UPDATE can evaluate but the audit's pre-image SELECT cannot: the SELECT
 * names the table by the model's alias ("Product"), so a literal that names it by the table
 * ("products") fails there, on every dialect, while the UPDATE runs.
 */

describeEachDialect('audit capture when its own reads fail', (db) => {
  const { DataTypes } = db;
  // literal() of the major in use: Sequelize 7 does not take Sequelize 6's expressions.
  const WHERE_ONLY_THE_WRITE_CAN_READ = db.module.literal('products.stock > 0');
  let sequelize: Sequelize;
  let Product: ModelStatic<Model>;
  const collector = new AuditEventCollector();
  const warnings = new DiagWarnings();

  before(async () => {
    collector.start();
    sequelize = db.connect();
    Product = sequelize.define(
      'Product',
      { code: DataTypes.STRING, stock: DataTypes.INTEGER },
      { tableName: 'products', timestamps: false },
    );
    await sequelize.sync({ force: true });
  });
  after(() => collector.stop());
  beforeEach(async () => {
    await Product.destroy({ where: {} });
    await Product.bulkCreate([
      { code: 'a', stock: 1 },
      { code: 'b', stock: 2 },
      { code: 'c', stock: 0 },
    ]);
    collector.reset();
    warnings.install();
  });
  afterEach(() => warnings.uninstall());

  it('lets a bulk update in a transaction succeed and commit when the pre-image read fails', async () => {
    const result = await sequelize.transaction(async (transaction) => {
      const updated = await Product.update(
        { code: 'z' },
        { where: WHERE_ONLY_THE_WRITE_CAN_READ, transaction },
      );
      // The application's next statement in the same transaction still runs.
      assert.equal(await Product.count({ where: { code: 'z' }, transaction }), 2);
      return updated;
    });
    assert.deepEqual(result, [2]);
    assert.equal(await Product.count({ where: { code: 'z' } }), 2);
    const [event, ...others] = collector.all();
    assert.equal(others.length, 0);
    assert.equal(event.granularity, 'statement');
    assert.equal(event.operation, 'update');
    assert.equal(event.table, 'products');
    assert.equal(event.affectedRows, 2);
    assert.equal(event.captureFallback, 'pre_read_failed');
    assert.match(event.statement ?? '', /WHERE products\.stock > \?/);
  });

  it('records a statement-level fallback outside a transaction, tells it once and counts it', async () => {
    // A table of its own: the warning is told once per reason and table in a process.
    const Crate = sequelize.define(
      'Crate',
      { code: DataTypes.STRING, stock: DataTypes.INTEGER },
      { tableName: 'crates', timestamps: false },
    );
    await Crate.sync({ force: true });
    await Crate.bulkCreate([{ stock: 1 }, { stock: 2 }, { stock: 0 }]);
    collector.reset();
    const counted = await fallbacksCounted('pre_read_failed');
    const where = db.module.literal('crates.stock > 0');
    await Crate.update({ code: 'y' }, { where });
    await Crate.destroy({ where });
    const events = collector.all();
    assert.deepEqual(
      events.map((e) => [e.operation, e.granularity, e.affectedRows, e.captureFallback]),
      [
        ['update', 'statement', 2, 'pre_read_failed'],
        ['delete', 'statement', 2, 'pre_read_failed'],
      ],
    );
    assert.equal((await fallbacksCounted('pre_read_failed')) - counted, 2);
    assert.equal(warnings.about('"pre_read_failed"').length, 1, warnings.messages.join('\n'));
    assert.match(warnings.about('"pre_read_failed"')[0], /table "crates"/);
  });

  it('adds no hook, option or state to the user’s Sequelize', async () => {
    const { options } = sequelize as unknown as { options: { hooks?: object } };
    const hooksBefore = JSON.stringify(options.hooks ?? {});
    await Product.update({ code: 'h' }, { where: { code: 'a' } });
    await Product.update({ stock: 9 }, { where: { code: 'b' } });
    assert.ok(!sequelize.hasHook('afterBulkUpdate'));
    assert.ok(!Product.hasHook('afterBulkUpdate'));
    assert.equal(JSON.stringify(options.hooks ?? {}), hooksBefore);
    // An instance built from those options works as one without the package would. (Sequelize
    // 7's options hold neither the dialect class nor the connection, so no twin is built there;
    // the hook checks above hold on both.)
    if (db.sequelizeMajor === 6) {
      const { Sequelize: SequelizeClass } = await import('sequelize');
      const twin = new SequelizeClass({ ...options } as ConstructorParameters<
        typeof SequelizeClass
      >[0]);
      assert.ok(!twin.hasHook('afterBulkUpdate'));
      await twin.close();
    }
    // The written values still come without reading the rows again.
    const [first, second] = collector.all();
    assert.equal(first.after?.code, 'h');
    assert.equal(second.after?.stock, 9);
    assert.equal(
      spanExporter.getFinishedSpans().filter((s) => s.name === 'SELECT products').length,
      2,
      'one read before each update, none after',
    );
  });
});

describeEachDialect('audit capture without the privilege to read what it writes', (db) => {
  const { DataTypes } = db;
  if (db.name !== 'postgres') return;
  // A nested suite, so that its after hook closes the role's connections before the database is dropped.
  describe('as a role with column privileges', () => {
    const role = `audit_writer_${process.pid}`;
    let owner: Sequelize;
    let writer: Sequelize;
    let Product: ModelStatic<Model>;
    const collector = new AuditEventCollector();

    before(async function () {
      if (!db.url) this.skip();
      collector.start();
      owner = db.connect();
      await owner.query(
        'CREATE TABLE secrets (id SERIAL PRIMARY KEY, code VARCHAR(20), stock INTEGER, pin VARCHAR(8))',
      );
      await owner.query(
        "INSERT INTO secrets (code, stock, pin) VALUES ('a', 1, '1234'), ('b', 2, '9999')",
      );
      await owner.query(`DROP ROLE IF EXISTS ${role}`);
      await owner.query(`CREATE ROLE ${role} LOGIN`);
      // The application may update stock by code, but never read the pin: a column privilege.
      await owner.query(`GRANT SELECT (id, code, stock), UPDATE (stock) ON secrets TO ${role}`);
      const url = new URL(db.url);
      url.username = role;
      const { Sequelize: SequelizeClass } = await import('sequelize');
      // The writer runs on the suite's major, so its DataTypes fit.
      writer =
        db.sequelizeMajor === 7
          ? connectV7('postgres', url.toString(), {})
          : new SequelizeClass(url.toString(), { dialect: 'postgres', logging: false });
      Product = writer.define(
        'Secret',
        { code: DataTypes.STRING, stock: DataTypes.INTEGER, pin: DataTypes.STRING },
        { tableName: 'secrets', timestamps: false },
      );
    });
    after(async () => {
      collector.stop();
      await writer?.close();
      await owner?.query(`DROP TABLE IF EXISTS secrets`);
      await owner?.query(`DROP OWNED BY ${role}`).catch(() => undefined);
      await owner?.query(`DROP ROLE IF EXISTS ${role}`);
    });

    it('keeps the transaction of a bulk update on a table with a column it may not read, and records its rows', async () => {
      collector.reset();
      await writer.transaction(async (transaction) => {
        const [updated] = await Product.update(
          { stock: 7 },
          { where: { code: 'a' }, fields: ['stock'], transaction },
        );
        assert.equal(updated, 1);
        await Product.update(
          { stock: 8 },
          { where: { code: 'b' }, fields: ['stock'], transaction },
        );
      });
      const [[stocks]] = (await owner.query('SELECT sum(stock) AS total FROM secrets')) as [
        Array<{ total: string }>,
        unknown,
      ];
      assert.equal(Number(stocks.total), 15);
      // The audit reads only the columns the role may read (the table description lists no
      // others), so the rows are still recorded, without the pin.
      assert.deepEqual(
        collector.all().map((e) => [e.operation, e.granularity, e.before, e.after]),
        [
          ['update', 'row', { code: 'a', id: 1, stock: 1 }, { code: 'a', id: 1, stock: 7 }],
          ['update', 'row', { code: 'b', id: 2, stock: 2 }, { code: 'b', id: 2, stock: 8 }],
        ],
      );
    });
  });
});
