import assert from 'node:assert/strict';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { Sequelize } from 'sequelize';
import { describeEachDialect } from '../support/dialects';
import type { DialectFixture } from '../support/dialects';
import { configureInstrumentation, resetInstrumentation, spanExporter } from '../support/setup';
import { defineModels } from './support/models';
import type { TracedModels } from './support/models';
import {
  allQueryTexts,
  assertConnectionAttributes,
  assertQuerySpan,
  childNames,
  childrenOf,
  clientSpans,
  onlySpan,
  parentOf,
  tracedSpans,
} from './support/spans';

const MISSING_TABLE_CODE = {
  sqlite: 'SQLITE_ERROR',
  postgres: '42P01',
  mariadb: '1146',
  mysql: '1146',
};
const UNIQUE_VIOLATION_CODE = {
  sqlite: 'SQLITE_CONSTRAINT',
  postgres: '23505',
  mariadb: '1062',
  mysql: '1062',
};

function assertOrmSpan(name: string, db: DialectFixture, model: string, method: string) {
  const span = onlySpan(name);
  assert.equal(span.kind, SpanKind.INTERNAL);
  assert.equal(span.attributes['sequelize.model.name'], model);
  assert.equal(span.attributes['sequelize.method'], method);
  assert.equal(span.attributes['db.collection.name'], model === 'User' ? 'users' : 'orders');
  assertConnectionAttributes(span, db);
  return span;
}

describeEachDialect('query and ORM spans', (db) => {
  let sequelize: Sequelize;
  let models: TracedModels;

  before(async () => {
    sequelize = db.connect();
    models = defineModels(sequelize);
    await sequelize.sync();
  });

  beforeEach(async () => {
    // These tests are about what an ORM span and its statements hold, so every model call gets
    // its ORM span here (`ormSpans: 'all'`, the shape from before single-statement calls lost
    // theirs by default); the default shape is tested in orm-spans.test.ts.
    configureInstrumentation({ audit: { enabled: false }, ormSpans: 'all' });
    await models.Order.destroy({ where: {} });
    await models.User.destroy({ where: {} });
    spanExporter.reset();
  });

  afterEach(() => resetInstrumentation());

  it('traces sync as a model span over the statements that create the table', async () => {
    await models.Order.sync({ force: true });
    const sync = assertOrmSpan('Order.sync', db, 'Order', 'sync');
    assert.equal(parentOf(sync), undefined);
    const children = childrenOf(sync);
    assert.ok(children.length > 0);
    for (const child of children) assert.equal(child.kind, SpanKind.CLIENT);
    const create = children.find((child) => child.attributes['db.operation.name'] === 'CREATE');
    assert.ok(create, `a CREATE statement among ${childNames(sync).join(', ')}`);
    assertQuerySpan(create, db, { operation: 'CREATE', collection: 'orders' });
    const drop = children.find((child) => child.attributes['db.operation.name'] === 'DROP');
    assert.ok(drop, 'force: true drops the table first');
    assertQuerySpan(drop, db, { operation: 'DROP', collection: 'orders' });
  });

  it('traces create as User.create parenting one INSERT users without the values', async () => {
    await models.User.create({ name: 'Grace Hopper', email: 'grace@navy.example' });
    const create = assertOrmSpan('User.create', db, 'User', 'create');
    assert.equal(parentOf(create), undefined);
    assert.deepEqual(childNames(create), ['INSERT users']);
    assertQuerySpan(childrenOf(create)[0], db, { operation: 'INSERT', collection: 'users' });
    assert.doesNotMatch(allQueryTexts(), /Grace|navy/);
  });

  it('traces findAll with a where clause with every literal replaced by ?', async () => {
    await models.User.findAll({ where: { name: 'Ada Lovelace', visits: [41, 42, 43] } });
    const findAll = assertOrmSpan('User.findAll', db, 'User', 'findAll');
    assert.deepEqual(childNames(findAll), ['SELECT users']);
    const select = childrenOf(findAll)[0];
    assertQuerySpan(select, db, { operation: 'SELECT', collection: 'users' });
    const text = String(select.attributes['db.query.text']);
    assert.match(text, /IN \(\?\)/);
    assert.doesNotMatch(text, /Ada|41|42|43/);
  });

  it('names a SELECT with an include after both tables and gives it no single collection', async () => {
    await models.User.findAll({ include: [models.Order] });
    const select = childrenOf(onlySpan('User.findAll'))[0];
    assert.equal(select.attributes['db.query.summary'], 'SELECT users orders');
    assert.equal(select.name, 'SELECT users orders');
    assert.equal(select.attributes['db.collection.name'], undefined);
  });

  it('traces findByPk as one model span, not one per inner findOne and findAll', async () => {
    const user = await models.User.create({ name: 'Alan', email: 'alan@example.com' });
    spanExporter.reset();
    await models.User.findByPk(user.get('id') as number);
    const findByPk = assertOrmSpan('User.findByPk', db, 'User', 'findByPk');
    assert.deepEqual(
      tracedSpans().map((span) => span.name),
      ['SELECT users', 'User.findByPk'],
    );
    assert.equal(parentOf(onlySpan('SELECT users')), findByPk);
  });

  it('traces an instance save as user.save parenting its UPDATE', async () => {
    const user = await models.User.create({ name: 'Barbara', email: 'barbara@example.com' });
    spanExporter.reset();
    user.set('name', 'Barbara Liskov');
    await user.save();
    const save = assertOrmSpan('user.save', db, 'User', 'save');
    assert.equal(save.attributes['sequelize.method.kind'], 'instance');
    assert.deepEqual(childNames(save), ['UPDATE users']);
    assertQuerySpan(childrenOf(save)[0], db, { operation: 'UPDATE', collection: 'users' });
    assert.doesNotMatch(allQueryTexts(), /Liskov/);
  });

  it('traces Model.update with a where clause as UPDATE users, never BULKUPDATE', async () => {
    await models.User.update({ name: 'Edsger' }, { where: { email: 'edsger@example.com' } });
    const update = assertOrmSpan('User.update', db, 'User', 'update');
    assert.deepEqual(childNames(update), ['UPDATE users']);
    assertQuerySpan(childrenOf(update)[0], db, { operation: 'UPDATE', collection: 'users' });
    assert.doesNotMatch(allQueryTexts(), /Edsger|edsger/);
  });

  it('traces destroy with a where clause as DELETE users', async () => {
    await models.User.destroy({ where: { email: 'nobody@example.com' } });
    const destroy = assertOrmSpan('User.destroy', db, 'User', 'destroy');
    assert.deepEqual(childNames(destroy), ['DELETE users']);
    assertQuerySpan(childrenOf(destroy)[0], db, { operation: 'DELETE', collection: 'users' });
    assert.doesNotMatch(allQueryTexts(), /nobody/);
  });

  it('traces bulkCreate of three rows as one INSERT users with no row value in the text', async () => {
    await models.User.bulkCreate([
      { name: 'Radia', email: 'radia@example.com', visits: 7001 },
      { name: 'Frances', email: 'frances@example.com', visits: 7002 },
      { name: 'Katherine', email: 'katherine@example.com', visits: 7003 },
    ]);
    const bulkCreate = assertOrmSpan('User.bulkCreate', db, 'User', 'bulkCreate');
    assert.deepEqual(childNames(bulkCreate), ['INSERT users']);
    assertQuerySpan(childrenOf(bulkCreate)[0], db, { operation: 'INSERT', collection: 'users' });
    assert.doesNotMatch(allQueryTexts(), /Radia|Frances|Katherine|example\.com|700[123]/);
  });

  it('traces increment as an UPDATE users under User.increment', async () => {
    await models.User.increment('visits', { by: 5, where: { email: 'counted@example.com' } });
    const increment = assertOrmSpan('User.increment', db, 'User', 'increment');
    assert.ok(childNames(increment).includes('UPDATE users'), childNames(increment).join(', '));
    const update = childrenOf(increment).find((span) => span.name === 'UPDATE users');
    assert.ok(update);
    assertQuerySpan(update, db, { operation: 'UPDATE', collection: 'users' });
    assert.doesNotMatch(allQueryTexts(), /counted/);
  });

  it('traces upsert as an INSERT users under User.upsert', async () => {
    await models.User.upsert({ name: 'Donald', email: 'donald@example.com' });
    const upsert = assertOrmSpan('User.upsert', db, 'User', 'upsert');
    const insert = childrenOf(upsert).find((span) => span.name === 'INSERT users');
    assert.ok(insert, childNames(upsert).join(', '));
    assertQuerySpan(insert, db, { operation: 'INSERT', collection: 'users' });
    assert.doesNotMatch(allQueryTexts(), /Donald|donald/);
  });

  it('traces a raw query with replacements with its placeholders, not the values', async () => {
    await sequelize.query('UPDATE users SET name = :name WHERE email = :email', {
      replacements: { name: 'Hedy', email: 'hedy@example.com' },
    });
    const update = onlySpan('UPDATE users');
    assertQuerySpan(update, db, { operation: 'UPDATE', collection: 'users' });
    assert.equal(parentOf(update), undefined);
    // Sequelize 7's query() writes the replacements into the text before queryRaw, where
    // every statement is traced: the span has the sanitized text, `?` in place of the values.
    assert.equal(
      update.attributes['db.query.text'],
      db.sequelizeMajor === 7
        ? 'UPDATE users SET name = ? WHERE email = ?'
        : 'UPDATE users SET name = :name WHERE email = :email',
    );
  });

  it('traces a raw query with bind parameters with its text kept as written', async () => {
    await sequelize.query('SELECT name FROM users WHERE email = $1', {
      bind: ['hedy@example.com'],
    });
    const select = onlySpan('SELECT');
    assertQuerySpan(select, db, { operation: 'SELECT' });
    assert.equal(select.attributes['db.query.text'], 'SELECT name FROM users WHERE email = $1');
  });

  it('names the table of a raw DELETE and INSERT on one table', async () => {
    const quote = (name: string) => sequelize.getQueryInterface().quoteIdentifier(name);
    await sequelize.query('DELETE FROM orders WHERE total = 17');
    await sequelize.query(
      `INSERT INTO orders (total, ${quote('createdAt')}, ${quote('updatedAt')}) VALUES (1, $1, $1)`,
      { bind: [new Date()] },
    );
    assertQuerySpan(onlySpan('DELETE orders'), db, { operation: 'DELETE', collection: 'orders' });
    assertQuerySpan(onlySpan('INSERT orders'), db, { operation: 'INSERT', collection: 'orders' });
    assert.doesNotMatch(allQueryTexts(), /17/);
  });

  it('marks a query on a missing table failed with the database error code and no values', async () => {
    await assert.rejects(sequelize.query("SELECT * FROM missing_table WHERE secret = 'hunter2'"));
    const select = onlySpan('SELECT');
    assert.equal(select.status.code, SpanStatusCode.ERROR);
    assert.equal(select.attributes['db.response.status_code'], MISSING_TABLE_CODE[db.name]);
    assert.equal(select.attributes['error.type'], MISSING_TABLE_CODE[db.name]);
    const exception = select.events.find((event) => event.name === 'exception');
    assert.ok(exception, 'the exception is recorded');
    assert.equal(exception.attributes?.['exception.type'], 'SequelizeDatabaseError');
    assert.doesNotMatch(
      JSON.stringify(select.events) + JSON.stringify(select.attributes),
      /hunter2/,
    );
  });

  it('marks a unique-constraint violation failed on the INSERT and on User.create', async () => {
    await models.User.create({ name: 'Tim', email: 'tim@cern.example' });
    spanExporter.reset();
    const failure = await models.User.create({ name: 'Tim', email: 'tim@cern.example' }).catch(
      (error: unknown) => error,
    );
    assert.equal((failure as Error).name, 'SequelizeUniqueConstraintError');
    const create = onlySpan('User.create');
    assert.equal(create.status.code, SpanStatusCode.ERROR);
    assert.equal(create.attributes['error.type'], 'SequelizeUniqueConstraintError');
    const insert = onlySpan('INSERT users');
    assert.equal(parentOf(insert), create);
    assert.equal(insert.status.code, SpanStatusCode.ERROR);
    assert.equal(insert.attributes['db.response.status_code'], UNIQUE_VIOLATION_CODE[db.name]);
    assert.doesNotMatch(JSON.stringify([create.events, insert.events, insert.attributes]), /cern/);
  });

  it('makes no span for connection setup or the server version query', async () => {
    const fresh = db.connect();
    await fresh.query('SELECT 1 AS one');
    assert.deepEqual(
      clientSpans().map((span) => span.attributes['db.query.text']),
      ['SELECT ? AS one'],
    );
    await fresh.close();
  });
});
