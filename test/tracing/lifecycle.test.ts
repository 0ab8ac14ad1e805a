import assert from 'node:assert/strict';
import { isWrapped } from '@opentelemetry/instrumentation';
import * as sequelizeModule from 'sequelize';
import { Sequelize } from 'sequelize';
import { MODEL_INSTANCE_METHODS, MODEL_STATIC_METHODS } from '../../src/sequelize/model-call';
import { instrumentation, resetInstrumentation } from '../support/setup';
import { clientSpans } from './support/spans';

type Methods = Record<string, unknown>;

/** Every method the instrumentation patches, by a readable name. */
function patchedMethods(): Array<[string, unknown]> {
  const { Model, Transaction } = sequelizeModule;
  const statics = Model as unknown as Methods;
  const instance = Model.prototype as unknown as Methods;
  const transaction = Transaction.prototype as unknown as Methods;
  const query = Sequelize.prototype as unknown as Methods;
  return [
    ['Sequelize#query', query.query],
    ['Sequelize#transaction', query.transaction],
    ...MODEL_STATIC_METHODS.map((name): [string, unknown] => [`Model.${name}`, statics[name]]),
    ...MODEL_INSTANCE_METHODS.map((name): [string, unknown] => [`Model#${name}`, instance[name]]),
    ...['prepareEnvironment', 'commit', 'rollback'].map((name): [string, unknown] => [
      `Transaction#${name}`,
      transaction[name],
    ]),
  ];
}

describe('instrumentation lifecycle', () => {
  let sequelize: Sequelize;

  before(() => {
    sequelize = new Sequelize({ dialect: 'sqlite', storage: ':memory:', logging: false });
  });

  after(async () => {
    resetInstrumentation();
    await sequelize.close();
  });

  it('patches every model, query and transaction method of Sequelize', () => {
    for (const [name, method] of patchedMethods())
      assert.ok(isWrapped(method), `${name} is patched`);
  });

  it('restores every patched method on disable and traces nothing while disabled', async () => {
    instrumentation.disable();
    try {
      for (const [name, method] of patchedMethods()) {
        assert.ok(!isWrapped(method), `${name} is restored`);
      }
      await sequelize.query('SELECT 1');
      assert.equal(clientSpans().length, 0);
    } finally {
      instrumentation.enable();
    }
  });

  it('traces again after enable, with one span per statement however often it is enabled', async () => {
    instrumentation.disable();
    instrumentation.enable();
    instrumentation.enable();
    for (const [name, method] of patchedMethods())
      assert.ok(isWrapped(method), `${name} is patched`);
    await sequelize.query('SELECT 1');
    assert.equal(clientSpans().length, 1);
  });
});
