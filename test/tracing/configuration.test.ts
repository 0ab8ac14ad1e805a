import assert from 'node:assert/strict';
import { SpanKind } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
import type { Sequelize } from 'sequelize';
import type { QueryRequestInfo, QueryResponseInfo } from '../../src';
import { describeEachDialect } from '../support/dialects';
import {
  configureInstrumentation,
  instrumentation,
  resetInstrumentation,
  tracerProvider,
} from '../support/setup';
import { defineModels } from './support/models';
import type { TracedModels } from './support/models';
import { clientSpans, onlySpan, parentOf, spansNamed, tracedSpans } from './support/spans';

describeEachDialect('tracing options', (db) => {
  let sequelize: Sequelize;
  let models: TracedModels;

  before(async () => {
    sequelize = db.connect();
    models = defineModels(sequelize);
    await sequelize.sync();
    await models.User.bulkCreate([
      { name: 'Ada', email: 'ada@example.com' },
      { name: 'Alan', email: 'alan@example.com' },
    ]);
  });

  afterEach(() => resetInstrumentation());

  const base = { audit: { enabled: false } };

  it('makes query spans only, without ORM spans, when ormSpans is false', async () => {
    configureInstrumentation({ ...base, ormSpans: false });
    // findAndCountAll issues two statements: by default they would nest under an ORM span.
    await models.User.findAndCountAll({ where: { name: 'Ada' } });
    assert.deepEqual(
      tracedSpans().map((span) => span.name),
      ['SELECT users', 'SELECT users'],
    );
    for (const span of tracedSpans()) assert.equal(parentOf(span), undefined);
  });

  it('makes no transaction span when transactionSpans is false', async () => {
    configureInstrumentation({ ...base, transactionSpans: false });
    await sequelize.transaction(async (transaction) => {
      await models.User.findAll({ transaction });
    });
    assert.equal(spansNamed('transaction').length, 0);
    // findAll issues one statement, so by default it has no ORM span: its SELECT is the root.
    assert.equal(parentOf(onlySpan('SELECT users')), undefined);
  });

  it('makes no span without an active parent when requireParentSpan is set', async () => {
    configureInstrumentation({ ...base, requireParentSpan: true });
    await models.User.findAll();
    assert.deepEqual(tracedSpans(), []);
    const tracer = tracerProvider.getTracer('test');
    await tracer.startActiveSpan('GET /users', async (request: Span) => {
      await models.User.findAll();
      request.end();
    });
    // findAll issues one statement: no ORM span by default, the SELECT sits under the request.
    assert.equal(parentOf(onlySpan('SELECT users'))?.name, 'GET /users');
  });

  it('keeps the literals in db.query.text when sanitizeQueries is false', async () => {
    configureInstrumentation({ ...base, sanitizeQueries: false });
    await models.User.findAll({ where: { name: 'Ada' } });
    assert.match(String(onlySpan('SELECT users').attributes['db.query.text']), /'Ada'/);
  });

  it('cuts db.query.text at maxQueryTextLength', async () => {
    configureInstrumentation({ ...base, maxQueryTextLength: 25 });
    await models.User.findAll();
    const text = String(onlySpan('SELECT users').attributes['db.query.text']);
    assert.equal(text.length, 25);
    assert.ok(text.startsWith('SELECT '));
  });

  it('records no parameter by default and each one, secrets masked, with captureParameters', async () => {
    await sequelize.query('SELECT name FROM users WHERE email = $1', { bind: ['ada@example.com'] });
    assert.equal(onlySpan('SELECT').attributes['db.query.parameter.0'], undefined);

    configureInstrumentation({ ...base, captureParameters: true });
    await sequelize.query('SELECT name FROM users WHERE email = $1', {
      bind: ['alan@example.com'],
    });
    await sequelize.query('SELECT name FROM users WHERE name = :name AND email <> :password', {
      replacements: { name: 'Ada', password: 'hunter2' },
    });
    const [positional, named] = spansNamed('SELECT').slice(1);
    assert.equal(positional.attributes['db.query.parameter.0'], 'alan@example.com');
    if (db.sequelizeMajor === 7) {
      // Sequelize 7's query() writes replacements into the SQL text before the statement
      // reaches queryRaw, where every statement is traced: there are no parameters left, and
      // the sanitized text shows `?` in their place.
      assert.equal(named.attributes['db.query.parameter.name'], undefined);
      assert.ok(!String(named.attributes['db.query.text']).includes('hunter2'));
      return;
    }
    assert.equal(named.attributes['db.query.parameter.name'], 'Ada');
    assert.equal(named.attributes['db.query.parameter.password'], '[REDACTED]');
  });

  it('masks positional parameters bound to a secret column, such as a model password', async () => {
    configureInstrumentation({
      ...base,
      captureParameters: true,
      audit: { enabled: false, redact: ['email'] },
    });
    await models.User.create({ name: 'Mallory', email: 'mallory@example.com' });
    const insert = onlySpan('INSERT users');
    const values = Object.entries(insert.attributes)
      .filter(([key]) => key.startsWith('db.query.parameter.'))
      .map(([, value]) => value);
    assert.ok(values.includes('Mallory'), 'unredacted values are kept');
    assert.ok(values.includes('[REDACTED]'), 'the email bound to its column is masked');
    assert.ok(!values.includes('mallory@example.com'));
    await models.User.destroy({ where: { email: 'mallory@example.com' } });
  });

  it('records db.response.returned_rows only with captureReturnedRows', async () => {
    await models.User.findAll();
    assert.equal(onlySpan('SELECT users').attributes['db.response.returned_rows'], undefined);
    configureInstrumentation({ ...base, captureReturnedRows: true });
    await models.User.findAll();
    assert.equal(spansNamed('SELECT users')[1].attributes['db.response.returned_rows'], 2);
  });

  it('calls requestHook and responseHook with typed information about the statement', async () => {
    const requests: QueryRequestInfo[] = [];
    const responses: QueryResponseInfo[] = [];
    configureInstrumentation({
      ...base,
      requestHook: (span, info) => {
        requests.push(info);
        span.setAttribute('app.hooked', true);
      },
      responseHook: (_span, info) => responses.push(info),
    });
    await models.User.findAll({ where: { name: 'Alan' } });
    assert.equal(requests.length, 1);
    assert.equal(requests[0].operation, 'SELECT');
    assert.equal(requests[0].table, 'users');
    assert.equal(requests[0].model, 'User');
    assert.equal(requests[0].dbSystem, db.dbSystem);
    assert.equal(responses[0].rowCount, 1);
    assert.equal(responses[0].error, undefined);
    assert.equal(onlySpan('SELECT users').attributes['app.hooked'], true);
  });

  it('gives responseHook the error of a failed statement', async () => {
    const responses: QueryResponseInfo[] = [];
    configureInstrumentation({ ...base, responseHook: (_span, info) => responses.push(info) });
    await assert.rejects(sequelize.query('SELECT * FROM no_such_table'));
    assert.equal(responses[0].error?.name, 'SequelizeDatabaseError');
  });

  it('runs the query and ends its span when a hook throws', async () => {
    configureInstrumentation({
      ...base,
      requestHook: () => {
        throw new Error('request hook bug');
      },
      responseHook: () => {
        throw new Error('response hook bug');
      },
    });
    const users = await models.User.findAll({ order: [['name', 'ASC']] });
    assert.deepEqual(
      users.map((user) => user.get('name')),
      ['Ada', 'Alan'],
    );
    assert.equal(clientSpans().length, 1);
    assert.equal(onlySpan('SELECT users').kind, SpanKind.CLIENT);
  });

  it('returns what Sequelize returns with and without the instrumentation', async () => {
    const traced = await sequelize.query('SELECT name FROM users ORDER BY name', {
      type: 'SELECT',
    });
    const tracedModels = (await models.User.findAll({ order: [['name', 'ASC']], raw: true })).map(
      (row) => ({ ...row }),
    );
    instrumentation.disable();
    try {
      const plain = await sequelize.query('SELECT name FROM users ORDER BY name', {
        type: 'SELECT',
      });
      const plainModels = await models.User.findAll({ order: [['name', 'ASC']], raw: true });
      assert.deepEqual(traced, plain);
      assert.deepEqual(tracedModels, plainModels);
    } finally {
      instrumentation.enable();
    }
  });
});
