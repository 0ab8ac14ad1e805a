import assert from 'node:assert/strict';
import { ROOT_CONTEXT, context, trace } from '@opentelemetry/api';
import type { Sequelize } from 'sequelize';
import { describeEachDialect } from '../support/dialects';
import { spanExporter, tracerProvider } from '../support/setup';

describeEachDialect('statements of the audit store', (db) => {
  let sequelize: Sequelize;

  before(() => {
    sequelize = db.connect();
  });

  it('makes no span for a statement marked as the audit store’s, even in an unsuppressed context', async () => {
    const parent = tracerProvider.getTracer('test').startSpan('request');
    await context.with(trace.setSpan(ROOT_CONTEXT, parent), async () => {
      await sequelize.query('SELECT 1 AS one', { otelSequelizeAuditStore: true } as object);
      await sequelize.query('SELECT 2 AS two');
    });
    parent.end();
    const names = spanExporter.getFinishedSpans().map((span) => span.name);
    assert.deepEqual(names, ['SELECT', 'request']);
  });
});
