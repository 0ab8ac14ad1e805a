import assert from 'node:assert/strict';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Model, Sequelize } from 'sequelize';
import { describeEachDialect } from '../support/dialects';
import { configureInstrumentation, resetInstrumentation, spanExporter } from '../support/setup';
import { defineModels } from './support/models';
import type { TracedModels } from './support/models';
import { childrenOf, clientSpans, onlySpan, parentOf, tracedSpans } from './support/spans';

const TRACING_ONLY = { audit: { enabled: false } };

function internalSpans(): ReadableSpan[] {
  return tracedSpans().filter((span) => span.kind === SpanKind.INTERNAL);
}

/** The one span the call made: a statement span saying which model call it belongs to. */
function assertOneStatementOf(kind: 'static' | 'instance', method: string): ReadableSpan {
  const spans = tracedSpans();
  assert.deepEqual(
    spans.map((span) => span.kind),
    [SpanKind.CLIENT],
    spans.map((span) => span.name).join(', '),
  );
  const [statement] = spans;
  assert.equal(parentOf(statement), undefined);
  assert.equal(statement.attributes['sequelize.model.name'], 'User');
  assert.equal(statement.attributes['sequelize.method'], method);
  assert.equal(statement.attributes['sequelize.method.kind'], kind);
  return statement;
}

/** The ORM span of a call and the statements it parents (at least `minimum` of them). */
function assertOrmSpanOver(name: string, minimum: number): ReadableSpan {
  const orm = onlySpan(name);
  assert.equal(orm.kind, SpanKind.INTERNAL);
  assert.equal(parentOf(orm), undefined);
  const statements = clientSpans();
  assert.ok(statements.length >= minimum, statements.map((span) => span.name).join(', '));
  for (const statement of statements) {
    const parent = parentOf(statement);
    // A statement of the call sits under its ORM span, or under a transaction the call opened.
    const owner = parent?.name === 'transaction' ? parentOf(parent) : parent;
    assert.equal(owner, orm, `${statement.name} is not under ${name}`);
    // The ORM span says the model and method; its statements need not repeat them.
    assert.equal(statement.attributes['sequelize.method'], undefined);
  }
  return orm;
}

describeEachDialect('ORM spans only where a model call issues several statements', (db) => {
  let sequelize: Sequelize;
  let models: TracedModels;
  let user: Model;

  before(async () => {
    sequelize = db.connect();
    models = defineModels(sequelize);
    await sequelize.sync();
  });

  beforeEach(async () => {
    configureInstrumentation(TRACING_ONLY);
    await models.Order.destroy({ where: {} });
    await models.User.destroy({ where: {} });
    user = await models.User.create({ name: 'Ada', email: 'ada@example.com' });
    await models.Order.create({ total: 5, UserId: user.get('id') });
    spanExporter.reset();
  });

  afterEach(() => resetInstrumentation());

  describe('a call that issues one statement makes that statement span only', () => {
    it('for findByPk', async () => {
      await models.User.findByPk(user.get('id') as number);
      assert.equal(assertOneStatementOf('static', 'findByPk').name, 'SELECT users');
    });

    it('for findAll with a joined include, which is still one SELECT', async () => {
      await models.User.findAll({ include: [models.Order] });
      assertOneStatementOf('static', 'findAll');
    });

    it('for create', async () => {
      await models.User.create({ name: 'Alan', email: 'alan@example.com' });
      assert.equal(assertOneStatementOf('static', 'create').name, 'INSERT users');
    });

    it('for an instance save', async () => {
      user.set('name', 'Ada Lovelace');
      await user.save();
      assert.equal(assertOneStatementOf('instance', 'save').name, 'UPDATE users');
    });

    it('for an instance destroy', async () => {
      const order = await models.Order.create({ total: 7 });
      spanExporter.reset();
      await order.destroy();
      const statement = tracedSpans()[0];
      assert.equal(statement.attributes['sequelize.model.name'], 'Order');
      assert.equal(statement.attributes['sequelize.method'], 'destroy');
      assert.equal(statement.attributes['sequelize.method.kind'], 'instance');
      assert.equal(tracedSpans().length, 1);
      assert.equal(statement.name, 'DELETE orders');
    });

    it('for a bulk update without audit', async () => {
      await models.User.update({ visits: 3 }, { where: { email: 'ada@example.com' } });
      assert.equal(assertOneStatementOf('static', 'update').name, 'UPDATE users');
    });
  });

  describe('a call that issues several statements keeps its ORM span over them', () => {
    it('for findOrCreate, with the transaction it opens', async () => {
      await models.User.findOrCreate({
        where: { email: 'grace@example.com' },
        defaults: { name: 'Grace' },
      });
      const orm = assertOrmSpanOver('User.findOrCreate', 2);
      assert.equal(orm.attributes['sequelize.method'], 'findOrCreate');
    });

    it('for findAndCountAll', async () => {
      await models.User.findAndCountAll({ where: { name: 'Ada' } });
      assertOrmSpanOver('User.findAndCountAll', 2);
    });

    it('for findAll with a separate include', async () => {
      await models.User.findAll({ include: [{ model: models.Order, separate: true }] });
      assertOrmSpanOver('User.findAll', 2);
    });

    it('for a bulk update with individualHooks', async () => {
      await models.User.update(
        { visits: 4 },
        { where: { email: 'ada@example.com' }, individualHooks: true },
      );
      assertOrmSpanOver('User.update', 2);
    });

    it('for a bulk update whose audit reads the rows first', async () => {
      configureInstrumentation({});
      await models.User.update({ visits: 5 }, { where: { email: 'ada@example.com' } });
      const orm = assertOrmSpanOver('User.update', 2);
      const operations = childrenOf(orm).map((span) => span.attributes['db.operation.name']);
      assert.ok(operations.includes('SELECT'), operations.join(', '));
      assert.ok(operations.includes('UPDATE'), operations.join(', '));
    });
  });

  describe("ormSpans: 'all' restores a span for every model call", () => {
    it('parents the single SELECT of findByPk with User.findByPk', async () => {
      configureInstrumentation({ ...TRACING_ONLY, ormSpans: 'all' });
      await models.User.findByPk(user.get('id') as number);
      const orm = assertOrmSpanOver('User.findByPk', 1);
      assert.deepEqual(
        internalSpans().map((span) => span.name),
        ['User.findByPk'],
      );
      assert.equal(orm.attributes['sequelize.model.name'], 'User');
    });

    it('parents the INSERT of create with User.create', async () => {
      configureInstrumentation({ ...TRACING_ONLY, ormSpans: 'all' });
      await models.User.create({ name: 'Alan', email: 'alan@example.com' });
      assertOrmSpanOver('User.create', 1);
    });
  });

  it('makes no ORM span at all with ormSpans: false, even for findOrCreate', async () => {
    configureInstrumentation({ ...TRACING_ONLY, ormSpans: false });
    await models.User.findOrCreate({ where: { email: 'ada@example.com' } });
    assert.ok(clientSpans().length > 0);
    // Only the transaction findOrCreate opens (where the dialect opens one) remains INTERNAL.
    for (const span of internalSpans()) assert.equal(span.name, 'transaction');
  });
});
