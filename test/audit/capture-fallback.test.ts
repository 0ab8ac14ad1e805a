import assert from 'node:assert/strict';
import { DataTypes, literal } from 'sequelize';
import type { Model, ModelStatic, Sequelize } from 'sequelize';
import { describeEachDialect } from '../support/dialects';
import { spanExporter } from '../support/setup';
import { AuditEventCollector } from './support/audit-events';
import { DiagWarnings, fallbacksCounted } from './support/fallback-metrics';

/*
 * A where that the UPDATE can evaluate but the audit's pre-image SELECT cannot: the SELECT
 * names the table by the model's alias ("Product"), so a literal that names it by the table
 * ("products") fails there, on every dialect, while the UPDATE runs.
 */
const WHERE_ONLY_THE_WRITE_CAN_READ = literal('products.stock > 0');

describeEachDialect('audit capture when its own reads fail', (db) => {
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
    const where = literal('crates.stock > 0');
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
    // An instance built from those options works as one without the package would.
    const { Sequelize: SequelizeClass } = await import('sequelize');
    const twin = new SequelizeClass({ ...options } as ConstructorParameters<
      typeof SequelizeClass
    >[0]);
    assert.ok(!twin.hasHook('afterBulkUpdate'));
    await twin.close();
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
