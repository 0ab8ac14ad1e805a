import assert from 'node:assert/strict';
import { trace } from '@opentelemetry/api';
import { AlwaysOffSampler } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { Sequelize as SequelizeClass } from 'sequelize';
import type { Model, ModelStatic, Sequelize, Transaction } from 'sequelize';
import type { AuditEvent } from '../../src';
import { registerAuditReceiver } from '../../src';
import { describeEachDialect, unmanagedTransaction } from '../support/dialects';
import {
  configureInstrumentation,
  instrumentation,
  resetInstrumentation,
  tracerProvider,
} from '../support/setup';
import { AsyncLocalNamespace } from './support/async-local-cls';
import { AuditEventCollector, auditSpans } from './support/audit-events';

describeEachDialect('audit inside transactions', (db) => {
  const { DataTypes } = db;
  let sequelize: Sequelize;
  let Account: ModelStatic<Model>;
  const collector = new AuditEventCollector();

  before(async () => {
    collector.start();
    sequelize = db.connect();
    Account = sequelize.define(
      'Account',
      { owner: DataTypes.STRING, balance: DataTypes.INTEGER },
      { tableName: 'accounts' },
    );
    await sequelize.sync({ force: true });
    await sequelize.query('CREATE TABLE audit_copy (event_id VARCHAR(64))');
  });
  after(() => collector.stop());
  beforeEach(() => {
    resetInstrumentation();
    collector.reset();
  });

  const owners = (events: AuditEvent[]) =>
    events.map((event) => event.after?.owner ?? event.before?.owner);

  it('holds records until COMMIT and emits them, marked committed, once it succeeded', async () => {
    await sequelize.transaction(async (transaction) => {
      await Account.create({ owner: 'ann', balance: 10 }, { transaction });
      await Account.update({ balance: 20 }, { where: { owner: 'ann' }, transaction });
      assert.deepEqual(collector.all(), []);
    });
    const events = collector.all();
    assert.deepEqual(
      events.map((e) => e.operation),
      ['insert', 'update'],
    );
    assert.ok(
      events.every((e) => e.outcome === 'committed' && typeof e.transactionId === 'string'),
    );
  });

  it('drops the records of a rolled-back transaction', async () => {
    await assert.rejects(
      sequelize.transaction(async (transaction) => {
        await Account.create({ owner: 'bob', balance: 1 }, { transaction });
        throw new Error('business rule failed');
      }),
      /business rule failed/,
    );
    assert.deepEqual(collector.all(), []);
  });

  it('keeps rolled-back records marked rolled_back when asked to', async () => {
    configureInstrumentation({ audit: { keepRolledBack: true } });
    const transaction = await unmanagedTransaction(sequelize);
    await Account.create({ owner: 'cid', balance: 1 }, { transaction });
    await transaction.rollback();
    const [event, ...others] = collector.all();
    assert.equal(others.length, 0);
    assert.equal(event.outcome, 'rolled_back');
  });

  it('drops only what came after a savepoint rolled back to', async () => {
    await sequelize.transaction(async (outer) => {
      await Account.create({ owner: 'before-sp', balance: 1 }, { transaction: outer });
      const savepoint = await unmanagedTransaction(sequelize, { transaction: outer });
      await Account.create({ owner: 'inside-sp', balance: 1 }, { transaction: savepoint });
      await savepoint.rollback();
      await Account.create({ owner: 'after-sp', balance: 1 }, { transaction: outer });
    });
    assert.deepEqual(owners(collector.all()), ['before-sp', 'after-sp']);
  });

  it('marks what a savepoint rollback undid as rolled_back when rolled-back records are kept', async () => {
    configureInstrumentation({ audit: { keepRolledBack: true } });
    await sequelize.transaction(async (outer) => {
      const savepoint = await unmanagedTransaction(sequelize, { transaction: outer });
      await Account.create({ owner: 'undone', balance: 1 }, { transaction: savepoint });
      await savepoint.rollback();
      await Account.create({ owner: 'kept', balance: 1 }, { transaction: outer });
    });
    const outcomes = collector.all().map((e) => [e.after?.owner, e.outcome]);
    assert.deepEqual(outcomes.sort(), [
      ['kept', 'committed'],
      ['undone', 'rolled_back'],
    ]);
  });

  it('emits the records of an unmanaged transaction on commit', async () => {
    const transaction: Transaction = await unmanagedTransaction(sequelize);
    await Account.create({ owner: 'dee', balance: 1 }, { transaction });
    assert.deepEqual(collector.all(), []);
    await transaction.commit();
    assert.deepEqual(owners(collector.all()), ['dee']);
  });

  it('follows CLS transactions (Sequelize.useCLS) without a transaction option', async () => {
    SequelizeClass.useCLS(new AsyncLocalNamespace());
    try {
      await assert.rejects(
        sequelize.transaction(async () => {
          await Account.create({ owner: 'cls-rolled-back', balance: 1 });
          await Account.update({ balance: 2 }, { where: { owner: 'cls-rolled-back' } });
          throw new Error('undo');
        }),
      );
      await sequelize.transaction(async () => {
        await Account.create({ owner: 'cls-kept', balance: 1 });
        assert.deepEqual(collector.all(), []);
      });
    } finally {
      delete (SequelizeClass as unknown as { _cls?: unknown })._cls;
    }
    assert.deepEqual(owners(collector.all()), ['cls-kept']);
  });

  it('parents each audit span under the span active when the row changed', async () => {
    const tracer = trace.getTracer('test');
    const traceId = await tracer.startActiveSpan('request', async (span) => {
      await Account.create({ owner: 'eve', balance: 1 });
      span.end();
      return span.spanContext().traceId;
    });
    const [auditSpan, ...others] = auditSpans();
    assert.equal(others.length, 0);
    assert.equal(auditSpan.name, 'audit INSERT accounts');
    assert.equal(auditSpan.kind, 0);
    assert.equal(auditSpan.spanContext().traceId, traceId);
    assert.ok(auditSpan.parentSpanContext?.spanId);
    const [event] = collector.all();
    assert.equal(event.traceId, traceId);
    assert.equal(event.requestId, traceId);
  });

  it('still hands every record to the receivers when the sampler drops every trace', async () => {
    const dropAll = new NodeTracerProvider({ sampler: new AlwaysOffSampler() });
    instrumentation.setTracerProvider(dropAll);
    try {
      await Account.create({ owner: 'unsampled', balance: 1 });
      await sequelize.transaction(async (transaction) => {
        await Account.update({ balance: 5 }, { where: { owner: 'unsampled' }, transaction });
      });
    } finally {
      instrumentation.setTracerProvider(tracerProvider);
    }
    assert.deepEqual(auditSpans(), []);
    assert.deepEqual(
      collector.direct.map((e) => e.operation),
      ['insert', 'update'],
    );
  });

  it('keeps values out of the audit spans with omitValuesFromSpans and hands the full event to the receivers', async () => {
    configureInstrumentation({ audit: { omitValuesFromSpans: true } });
    await Account.create({ owner: 'private', balance: 99 });
    const [span, ...others] = auditSpans();
    assert.equal(others.length, 0);
    assert.equal(span.attributes['audit.after'], undefined);
    assert.equal(span.attributes['audit.operation'], 'insert');
    assert.equal(collector.direct.length, 1);
    assert.equal(collector.direct[0].after?.balance, 99);
    assert.equal(collector.direct[0].eventId, span.attributes['audit.event.id']);
  });

  it('hands the events to a transactional receiver just before COMMIT, inside the transaction', async () => {
    const persisted: Array<{ events: readonly AuditEvent[]; finished: unknown }> = [];
    const unregister = registerAuditReceiver({
      receiveAuditEvent: () =>
        assert.fail('a transactional receiver gets committed events only once'),
      async persistWithinTransaction(events, transaction) {
        persisted.push({
          events,
          finished: (transaction as unknown as { finished?: string }).finished,
        });
        for (const event of events) {
          await sequelize.query('INSERT INTO audit_copy (event_id) VALUES (?)', {
            replacements: [event.eventId],
            transaction: transaction as unknown as Transaction,
          });
        }
      },
    });
    try {
      await sequelize.transaction(async (transaction) => {
        await Account.create({ owner: 'fay', balance: 1 }, { transaction });
      });
    } finally {
      unregister();
    }
    assert.equal(persisted.length, 1);
    assert.equal(persisted[0].finished, undefined);
    const [event, ...others] = collector.all();
    assert.equal(others.length, 0, 'the store writes are not audited themselves');
    assert.equal(event.eventId, persisted[0].events[0].eventId);
    const [rows] = await sequelize.query('SELECT event_id FROM audit_copy');
    assert.deepEqual(rows, [{ event_id: event.eventId }]);
  });
});
