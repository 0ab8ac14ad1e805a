import type { Model, ModelStatic } from 'sequelize';
import assert from 'node:assert/strict';
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import type { HistogramMetricData } from '@opentelemetry/sdk-metrics';
import type { Sequelize } from 'sequelize';
import { describeEachDialect } from '../support/dialects';
import {
  configureInstrumentation,
  instrumentation,
  meterProvider,
  resetInstrumentation,
} from '../support/setup';

const BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10];

// A meter provider of this suite's own, so the data points are this suite's alone.
const metricReader = new PeriodicExportingMetricReader({
  exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
  exportIntervalMillis: 3_600_000,
});
const suiteMeterProvider = new MeterProvider({ readers: [metricReader] });

async function durationHistogram(): Promise<HistogramMetricData> {
  const { resourceMetrics } = await metricReader.collect();
  const metric = resourceMetrics.scopeMetrics
    .flatMap((scope) => scope.metrics)
    .find((candidate) => candidate.descriptor.name === 'db.client.operation.duration');
  assert.ok(metric, 'db.client.operation.duration is recorded');
  assert.equal(metric.dataPointType, DataPointType.HISTOGRAM);
  return metric as HistogramMetricData;
}

describeEachDialect('db.client.operation.duration', (db) => {
  const { DataTypes } = db;
  let sequelize: Sequelize;
  // A table of its own per dialect run, so the cumulative data points are this suite's alone.
  const table = `metric_probes_${db.name}`;

  let Probe: ModelStatic<Model>;
  before(async () => {
    instrumentation.setMeterProvider(suiteMeterProvider);
    sequelize = db.connect();
    Probe = sequelize.define('MetricProbe', { label: DataTypes.STRING }, { tableName: table });
    await sequelize.sync();
  });

  after(() => instrumentation.setMeterProvider(meterProvider));
  beforeEach(() => configureInstrumentation({ audit: { enabled: false } }));
  afterEach(() => resetInstrumentation());

  const selectPoint = (histogram: HistogramMetricData) =>
    histogram.dataPoints.find(
      (candidate) =>
        candidate.attributes['db.collection.name'] === table &&
        candidate.attributes['db.operation.name'] === 'SELECT',
    );

  it('records each statement in seconds with the convention buckets and attributes', async () => {
    // Cumulative: sync's own SELECT on the table may be counted already.
    const before = selectPoint(await durationHistogram())?.value.count ?? 0;
    // The model itself: Sequelize 7's sequelize.models is a set, no longer keyed by name.
    await Probe.findAll();
    await Probe.findAll();
    const histogram = await durationHistogram();
    assert.equal(histogram.descriptor.unit, 's');
    const point = selectPoint(histogram);
    assert.ok(point, 'a data point for SELECT on the table');
    assert.equal(point.value.count - before, 2);
    assert.deepEqual(point.value.buckets.boundaries, BUCKETS);
    assert.equal(point.attributes['db.system.name'], db.dbSystem);
    assert.equal(point.attributes['db.query.summary'], `SELECT ${table}`);
    assert.equal(point.attributes['db.query.text'], undefined, 'no query text on the metric');
    assert.ok((point.value.sum ?? 0) > 0);
  });

  it('records a failed statement with its error type', async () => {
    await assert.rejects(sequelize.query(`INSERT INTO ${table} (nope) VALUES (1)`));
    const histogram = await durationHistogram();
    const point = histogram.dataPoints.find(
      (candidate) =>
        candidate.attributes['db.collection.name'] === table &&
        candidate.attributes['db.operation.name'] === 'INSERT',
    );
    assert.ok(point, 'a data point for the failed INSERT');
    assert.ok(point.attributes['error.type'], 'error.type is set');
    assert.equal(point.attributes['error.type'], point.attributes['db.response.status_code']);
  });
});
