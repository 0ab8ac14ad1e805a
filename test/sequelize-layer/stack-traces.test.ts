import assert from 'node:assert/strict';
import type { Sequelize } from 'sequelize';
import { describeEachDialect } from '../support/dialects';

/** The dialect's Query class, whose formatError builds the error a failing statement throws. */
interface WithDialectQuery {
  dialect: { Query: { prototype: { formatError: (...args: unknown[]) => unknown } } };
}

/*
 * Sequelize captures the stack of a failing statement inside `query()`; V8 adds the async
 * callers only along an unbroken chain of awaits, and only within Error.stackTraceLimit. The
 * package sits in that chain, so these tests run at Node's default limit of 10 frames.
 */
describeEachDialect('error stacks through the instrumentation', (db) => {
  const { DataTypes } = db;
  let sequelize: Sequelize;
  let savedLimit: number;

  before(() => {
    savedLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 10;
  });
  after(() => {
    Error.stackTraceLimit = savedLimit;
  });
  beforeEach(() => {
    sequelize = db.connect();
  });

  async function awaitingRawQueryCaller(): Promise<unknown> {
    return await sequelize.query('SELECT no_such_column FROM no_such_table');
  }

  async function caught(work: () => Promise<unknown>): Promise<Error> {
    try {
      await work();
    } catch (error) {
      assert.ok(error instanceof Error, `expected an Error, got ${String(error)}`);
      return error;
    }
    assert.fail('expected the call to fail');
  }

  it('names the async function that awaited a failing sequelize.query()', async () => {
    const error = await caught(awaitingRawQueryCaller);
    assert.match(String(error.stack), /awaitingRawQueryCaller/, String(error.stack));
  });

  it('names the caller of a failing query inside a managed transaction', async () => {
    async function transactionalQueryCaller(): Promise<unknown> {
      return await sequelize.transaction(async (transaction) => {
        return await sequelize.query('SELECT no_such_column FROM no_such_table', { transaction });
      });
    }
    const error = await caught(transactionalQueryCaller);
    assert.match(String(error.stack), /transactionalQueryCaller/, String(error.stack));
  });

  it('names the caller of a failing raw INSERT, which the audit captures', async () => {
    await sequelize.query('CREATE TABLE stack_items (id INTEGER PRIMARY KEY, name VARCHAR(20))');
    await sequelize.query("INSERT INTO stack_items (id, name) VALUES (1, 'a')");
    async function duplicateRawInsertCaller(): Promise<unknown> {
      return await sequelize.query("INSERT INTO stack_items (id, name) VALUES (1, 'b')");
    }
    const error = await caught(duplicateRawInsertCaller);
    assert.ok(error instanceof db.module.UniqueConstraintError, String(error));
    assert.match(String(error.stack), /duplicateRawInsertCaller/, String(error.stack));
  });

  it('names the caller of a failing Model.findAll, which the ORM span wraps', async () => {
    const Item = sequelize.define('StackItem', { code: DataTypes.STRING });
    async function findOnMissingTableCaller(): Promise<unknown> {
      return await Item.findAll();
    }
    const error = await caught(findOnMissingTableCaller);
    assert.match(String(error.stack), /findOnMissingTableCaller/, String(error.stack));
  });

  it('keeps the error object Sequelize threw', async () => {
    const thrown: unknown[] = [];
    const queryPrototype = (sequelize as unknown as WithDialectQuery).dialect.Query.prototype;
    const original = queryPrototype.formatError;
    queryPrototype.formatError = function (this: unknown, ...args: unknown[]) {
      const formatted: unknown = Reflect.apply(original, this, args);
      thrown.push(formatted);
      return formatted;
    };
    try {
      const error = await caught(awaitingRawQueryCaller);
      assert.equal(thrown.length, 1);
      assert.equal(error, thrown[0]);
    } finally {
      queryPrototype.formatError = original;
    }
  });
});
