import assert from 'node:assert/strict';
import { AlwaysOffSampler } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { Model, ModelStatic, Sequelize } from 'sequelize';
import { registerAuditReceiver } from '../../src';
import { describeEachDialect } from '../support/dialects';
import {
  configureInstrumentation,
  instrumentation,
  resetInstrumentation,
  tracerProvider,
} from '../support/setup';
import { AuditEventCollector } from './support/audit-events';

describeEachDialect('audit never changes what the application sees', (db) => {
  const { DataTypes } = db;
  let sequelize: Sequelize;
  let Product: ModelStatic<Model>;
  const collector = new AuditEventCollector();

  before(async () => {
    collector.start();
    sequelize = db.connect();
    Product = sequelize.define(
      'Product',
      { code: { type: DataTypes.STRING, unique: true }, stock: DataTypes.INTEGER },
      { tableName: 'products', timestamps: false },
    );
    await sequelize.sync({ force: true });
  });
  after(() => collector.stop());
  beforeEach(async () => {
    resetInstrumentation();
    await Product.destroy({ where: {} });
    collector.reset();
  });

  it('lets a failing write reject with Sequelize’s own error and records nothing', async () => {
    await Product.create({ code: 'dup', stock: 1 });
    collector.reset();
    await assert.rejects(
      Product.create({ code: 'dup', stock: 2 }),
      db.module.UniqueConstraintError,
    );
    assert.deepEqual(collector.all(), []);
  });

  it('returns the same results with audit on and off', async () => {
    await Product.bulkCreate([
      { code: 'a', stock: 1 },
      { code: 'b', stock: 1 },
    ]);
    const audited = await Product.update({ stock: 2 }, { where: { stock: 1 } });
    const destroyedWithAudit = await Product.destroy({ where: { code: 'a' } });
    configureInstrumentation({ audit: { enabled: false } });
    await Product.create({ code: 'a', stock: 1 });
    await Product.update({ stock: 1 }, { where: { stock: 2 } });
    const plain = await Product.update({ stock: 2 }, { where: { stock: 1 } });
    const destroyedPlain = await Product.destroy({ where: { code: 'a' } });
    assert.deepEqual(audited, plain);
    assert.equal(destroyedWithAudit, destroyedPlain);
  });

  it('keeps a transaction working when the model is ahead of its table', async () => {
    const narrow = sequelize.define(
      'Ticket',
      { title: DataTypes.STRING },
      { tableName: 'tickets', timestamps: false },
    );
    await narrow.sync({ force: true });
    // Sequelize 7 has no model manager; a model defined again under the same name replaces
    // the earlier one there.
    if (db.sequelizeMajor === 6) {
      sequelize.modelManager.removeModel(narrow);
    }
    const Ticket = sequelize.define(
      'Ticket',
      { title: DataTypes.STRING, priority: DataTypes.INTEGER },
      { tableName: 'tickets', timestamps: false },
    );
    await narrow.create({ title: 'old' });
    collector.reset();
    await sequelize.transaction(async (transaction) => {
      await Ticket.update(
        { title: 'new' },
        { where: { title: 'old' }, fields: ['title'], transaction },
      );
      assert.equal(await narrow.count({ where: { title: 'new' }, transaction }), 1);
    });
    const [event, ...others] = collector.all();
    assert.equal(others.length, 0);
    assert.equal(event.before?.title, 'old');
    assert.equal(event.after?.title, 'new');
    assert.ok(!('priority' in (event.after ?? {})));
  });

  it('keeps the application going when an audit receiver throws', async () => {
    const unregister = registerAuditReceiver({
      receiveAuditEvent: () => {
        throw new Error('receiver is down');
      },
    });
    instrumentation.setTracerProvider(new NodeTracerProvider({ sampler: new AlwaysOffSampler() }));
    try {
      const product = await Product.create({ code: 'safe', stock: 1 });
      assert.equal(product.get('code'), 'safe');
    } finally {
      instrumentation.setTracerProvider(tracerProvider);
      unregister();
    }
    assert.equal(collector.direct.length, 1, 'the other receivers still get the record');
  });
});
