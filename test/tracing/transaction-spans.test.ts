import assert from 'node:assert/strict';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Sequelize as SequelizeClass, Transaction as TransactionClass } from 'sequelize';
import type { Sequelize, Transaction } from 'sequelize';
import { describeEachDialect, unmanagedTransaction } from '../support/dialects';
import { configureInstrumentation, resetInstrumentation } from '../support/setup';
import { createClsNamespace } from './support/cls-namespace';
import { defineModels } from './support/models';
import type { TracedModels } from './support/models';
import {
  assertConnectionAttributes,
  assertQuerySpan,
  childNames,
  childrenOf,
  onlySpan,
  parentOf,
  spansNamed,
} from './support/spans';

function transactionSpans(): ReadableSpan[] {
  return spansNamed('transaction');
}

describeEachDialect('transaction spans', (db) => {
  let sequelize: Sequelize;
  let models: TracedModels;
  const begin = db.name === 'sqlite' ? 'BEGIN' : 'START TRANSACTION';
  // Sequelize 7 reuses the outer transaction for a nested sequelize.transaction() unless it
  // is asked for a savepoint (its nestMode option; Sequelize 6 always makes one).
  const savepointMode = () => (db.sequelizeMajor === 7 ? { nestMode: 'savepoint' } : {});

  before(async () => {
    sequelize = db.connect();
    models = defineModels(sequelize);
    await sequelize.sync();
  });

  // Default ORM spans: create and a bulk update without audit issue one statement each, so
  // their statements (carrying sequelize.model.name and sequelize.method) sit right under the
  // transaction span; findOrCreate issues several and keeps its ORM span.
  beforeEach(() => configureInstrumentation({ audit: { enabled: false } }));
  afterEach(() => resetInstrumentation());

  function assertTransactionSpan(span: ReadableSpan, transaction: Transaction, outcome: string) {
    assert.equal(span.kind, SpanKind.INTERNAL);
    assert.equal(
      span.attributes['sequelize.transaction.id'],
      (transaction as unknown as { id: string }).id,
    );
    assert.equal(span.attributes['sequelize.transaction.outcome'], outcome);
    assertConnectionAttributes(span, db);
  }

  it('parents BEGIN, both writes and COMMIT of a managed transaction with one committed span', async () => {
    let used: Transaction | undefined;
    await sequelize.transaction(async (transaction) => {
      used = transaction;
      await models.User.create({ name: 'Ann', email: 'ann@example.com' }, { transaction });
      await models.User.update({ visits: 2 }, { where: { email: 'ann@example.com' }, transaction });
    });
    const span = onlySpan('transaction');
    assert.ok(used);
    assertTransactionSpan(span, used, 'committed');
    assert.equal(parentOf(span), undefined);
    assert.deepEqual(childNames(span), [begin, 'INSERT users', 'UPDATE users', 'COMMIT']);
    assertQuerySpan(childrenOf(span)[0], db, { operation: begin });
    assertQuerySpan(childrenOf(span)[3], db, { operation: 'COMMIT' });
    assert.equal(onlySpan('INSERT users').attributes['sequelize.method'], 'create');
    assert.equal(onlySpan('UPDATE users').attributes['sequelize.method'], 'update');
    assert.equal(span.status.code, SpanStatusCode.UNSET);
  });

  it('ends a managed transaction whose callback throws as rolled back, rethrowing the same error', async () => {
    const failure = new Error('checkout failed');
    const thrown = await sequelize
      .transaction(async (transaction) => {
        await models.User.create({ name: 'Bob', email: 'bob@example.com' }, { transaction });
        throw failure;
      })
      .catch((error: unknown) => error);
    assert.equal(thrown, failure);
    const span = onlySpan('transaction');
    assert.equal(span.attributes['sequelize.transaction.outcome'], 'rolled_back');
    assert.deepEqual(childNames(span), [begin, 'INSERT users', 'ROLLBACK']);
    assertQuerySpan(childrenOf(span)[2], db, { operation: 'ROLLBACK' });
    assert.equal(await models.User.count({ where: { email: 'bob@example.com' } }), 0);
  });

  it('gives a nested transaction its own span under the outer one, with its SAVEPOINT', async () => {
    await sequelize.transaction(async (outer) => {
      await models.User.create({ name: 'Cy', email: 'cy@example.com' }, { transaction: outer });
      await sequelize.transaction({ transaction: outer, ...savepointMode() }, async (inner) => {
        await models.User.create({ name: 'Di', email: 'di@example.com' }, { transaction: inner });
      });
    });
    // The inner transaction ends first.
    const [innerSpan, outerSpan] = transactionSpans();
    assert.equal(transactionSpans().length, 2);
    assert.equal(parentOf(innerSpan), outerSpan);
    assert.equal(innerSpan.attributes['sequelize.transaction.outcome'], 'committed');
    // Sequelize 7 counts a transaction's savepoints from 0, Sequelize 6 from 1.
    const first = db.sequelizeMajor === 7 ? /-sp-0$/ : /-sp-1$/;
    assert.match(String(innerSpan.attributes['sequelize.transaction.savepoint']), first);
    assert.equal(outerSpan.attributes['sequelize.transaction.savepoint'], undefined);
    assert.deepEqual(childNames(innerSpan), ['SAVEPOINT', 'INSERT users']);
    assert.deepEqual(childNames(outerSpan), [begin, 'INSERT users', 'transaction', 'COMMIT']);
  });

  it('rolls back only the savepoint span when the nested transaction fails', async () => {
    await sequelize.transaction(async (outer) => {
      await sequelize
        .transaction({ transaction: outer, ...savepointMode() }, async () => {
          throw new Error('inner failure');
        })
        .catch(() => undefined);
    });
    const inner = transactionSpans().find(
      (span) => span.attributes['sequelize.transaction.savepoint'],
    );
    const outer = transactionSpans().find(
      (span) => !span.attributes['sequelize.transaction.savepoint'],
    );
    assert.ok(inner && outer);
    assert.equal(inner.attributes['sequelize.transaction.outcome'], 'rolled_back');
    assert.equal(outer.attributes['sequelize.transaction.outcome'], 'committed');
    assert.deepEqual(childNames(inner), ['SAVEPOINT', 'ROLLBACK']);
  });

  it('parents the work of an unmanaged transaction that is passed { transaction }', async () => {
    const transaction = await unmanagedTransaction(sequelize);
    await models.User.create({ name: 'Eve', email: 'eve@example.com' }, { transaction });
    await sequelize.query('SELECT 1 AS one', { transaction });
    await transaction.commit();
    const span = onlySpan('transaction');
    assertTransactionSpan(span, transaction, 'committed');
    assert.deepEqual(childNames(span), [begin, 'INSERT users', 'SELECT', 'COMMIT']);
  });

  it('nests the transaction findOrCreate opens under User.findOrCreate', async () => {
    await models.User.findOrCreate({
      where: { email: 'gil@example.com' },
      defaults: { name: 'Gil' },
    });
    const findOrCreate = onlySpan('User.findOrCreate');
    const span = onlySpan('transaction');
    assert.equal(parentOf(span), findOrCreate);
    assert.equal(span.attributes['sequelize.transaction.outcome'], 'committed');
    assert.ok(childNames(span).includes('INSERT users'), childNames(span).join(', '));
  });

  it('records the isolation level a transaction asked for', async () => {
    const isolationLevel = TransactionClass.ISOLATION_LEVELS.SERIALIZABLE;
    await sequelize.transaction({ isolationLevel }, async () => undefined);
    assert.equal(
      onlySpan('transaction').attributes['sequelize.transaction.isolation_level'],
      'SERIALIZABLE',
    );
  });

  it('parents the work of a CLS transaction that is never passed explicitly', async () => {
    SequelizeClass.useCLS(createClsNamespace());
    try {
      await sequelize.transaction(async () => {
        await models.User.create({ name: 'Fay', email: 'fay@example.com' });
      });
    } finally {
      delete (SequelizeClass as unknown as { _cls?: unknown })._cls;
    }
    const span = onlySpan('transaction');
    assert.deepEqual(childNames(span), [begin, 'INSERT users', 'COMMIT']);
    assert.equal(await models.User.count({ where: { email: 'fay@example.com' } }), 1);
  });
});
