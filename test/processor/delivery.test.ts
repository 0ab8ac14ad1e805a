import assert from 'node:assert/strict';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { AlwaysOffSampler } from '@opentelemetry/sdk-trace-base';
import type { Model, ModelStatic, Sequelize } from 'sequelize';
import { AuditSpanProcessor, SqlAuditStore } from '../../src';
import { METRIC_RECORDS_UNDELIVERED } from '../../src/audit/receivers';
import { describeEachDialect } from '../support/dialects';
import { metricReader } from '../support/setup';
import { installProvider, tempDirectory } from './support/harness';

async function undeliveredCount(): Promise<number> {
  const { resourceMetrics } = await metricReader.collect();
  let total = 0;
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      if (metric.descriptor.name !== METRIC_RECORDS_UNDELIVERED) continue;
      for (const point of metric.dataPoints)
        if (typeof point.value === 'number') total += point.value;
    }
  }
  return total;
}

describeEachDialect('Audit delivery to processors', (fixture) => {
  const spool = tempDirectory('osa-delivery-');
  let sequelize: Sequelize;
  let Parcel: ModelStatic<Model>;
  let tables = 0;
  before(async () => {
    sequelize = fixture.connect();
    const { DataTypes } = fixture;
    Parcel = sequelize.define(
      'Parcel',
      { label: DataTypes.STRING },
      { tableName: 'delivery_parcels' },
    );
    await Parcel.sync();
  });
  after(() => spool.remove());

  function newProcessor() {
    const store = new SqlAuditStore({ url: fixture.url, table: `audit_delivery_${(tables += 1)}` });
    const processor = new AuditSpanProcessor({
      store,
      spool: { directory: spool.path },
      closeStoreOnShutdown: false,
    });
    return { store, processor };
  }

  it('reaches a processor that is on no tracer provider of the instrumentation', async () => {
    const { store, processor } = newProcessor();
    for (let i = 0; i < 5; i += 1) await Parcel.create({ label: `p${i}` });
    await processor.shutdown();
    assert.equal(await store.count({ table: 'delivery_parcels' }), 5);
    await store.close();
  });

  it('reaches every processor, also one whose provider samples nothing', async () => {
    const first = newProcessor();
    const second = newProcessor();
    const { restore } = installProvider(first.processor, new AlwaysOffSampler());
    try {
      for (let i = 0; i < 4; i += 1) await Parcel.create({ label: `q${i}` });
    } finally {
      restore();
    }
    await Promise.all([first.processor.shutdown(), second.processor.shutdown()]);
    assert.equal(await first.store.count({ table: 'delivery_parcels' }), 4);
    assert.equal(await second.store.count({ table: 'delivery_parcels' }), 4);
    await Promise.all([first.store.close(), second.store.close()]);
  });

  it('warns once, saying what is missing and how to register it, and counts the records no processor received', async () => {
    const registry = (globalThis as Record<symbol, { warnedUndelivered?: boolean } | undefined>)[
      Symbol.for('otel-sequelize-audit.receivers.v1')
    ];
    if (registry) registry.warnedUndelivered = false;
    const warnings: string[] = [];
    diag.setLogger(
      {
        error: () => undefined,
        warn: (...args: unknown[]) => warnings.push(args.map(String).join(' ')),
        info: () => undefined,
        debug: () => undefined,
        verbose: () => undefined,
      },
      { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
    );
    const before = await undeliveredCount();
    try {
      for (let i = 0; i < 3; i += 1) await Parcel.create({ label: `lost ${i}` });
    } finally {
      diag.disable();
    }
    const about = warnings.filter((line) => line.includes('no AuditSpanProcessor'));
    assert.equal(about.length, 1, warnings.join('\n'));
    assert.match(about[0], /new AuditSpanProcessor\(\{ store/);
    assert.equal((await undeliveredCount()) - before, 3);
  });
});
