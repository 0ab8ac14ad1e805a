import { metrics, ValueType } from '@opentelemetry/api';
import type { Attributes, Counter, Histogram, MeterProvider } from '@opentelemetry/api';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../version';

export const METRIC_RECORDS_PERSISTED = 'audit.processor.records.persisted';
export const METRIC_RECORDS_RETRIED = 'audit.processor.records.retried';
export const METRIC_RECORDS_SPOOLED = 'audit.processor.records.spooled';
export const METRIC_RECORDS_DROPPED = 'audit.processor.records.dropped';
export const METRIC_RECORDS_QUARANTINED = 'audit.processor.records.quarantined';
export const METRIC_QUEUE_LENGTH = 'audit.processor.queue.length';
export const METRIC_SPOOL_SIZE = 'audit.processor.spool.size';
export const METRIC_BATCH_DURATION = 'audit.processor.batch.duration';

/** What the observable gauges read. */
export interface ProcessorGauges {
  queueLength(): number;
  spoolBytes(): number;
}

/** The processor's own metrics, all with the `audit.store` attribute. */
export class ProcessorMetrics {
  private readonly attributes: Attributes;
  private readonly persisted: Counter;
  private readonly retried: Counter;
  private readonly spooled: Counter;
  private readonly dropped: Counter;
  private readonly quarantined: Counter;
  private readonly batchDuration: Histogram;

  constructor(storeName: string, gauges: ProcessorGauges, meterProvider?: MeterProvider) {
    const meter = (meterProvider ?? metrics.getMeterProvider()).getMeter(
      PACKAGE_NAME,
      PACKAGE_VERSION,
    );
    this.attributes = { 'audit.store': storeName };
    const counter = (name: string, description: string) =>
      meter.createCounter(name, { description, unit: '{record}', valueType: ValueType.INT });
    this.persisted = counter(METRIC_RECORDS_PERSISTED, 'Audit records written to the store');
    this.retried = counter(
      METRIC_RECORDS_RETRIED,
      'Audit records in store writes that failed and were retried',
    );
    this.spooled = counter(
      METRIC_RECORDS_SPOOLED,
      'Audit records written to the local spool while the store failed',
    );
    this.dropped = counter(METRIC_RECORDS_DROPPED, 'Audit records dropped by the overflow policy');
    this.quarantined = counter(
      METRIC_RECORDS_QUARANTINED,
      'Audit records the store rejected for good, kept in the quarantine journal',
    );
    this.batchDuration = meter.createHistogram(METRIC_BATCH_DURATION, {
      description: 'Duration of one batch write to the audit store',
      unit: 's',
    });
    meter
      .createObservableGauge(METRIC_QUEUE_LENGTH, {
        description: 'Audit records queued in memory',
        unit: '{record}',
      })
      .addCallback((result) => result.observe(gauges.queueLength(), this.attributes));
    meter
      .createObservableGauge(METRIC_SPOOL_SIZE, {
        description: 'Bytes of spool not yet replayed',
        unit: 'By',
      })
      .addCallback((result) => result.observe(gauges.spoolBytes(), this.attributes));
  }

  recordPersisted(count: number, seconds: number): void {
    this.persisted.add(count, this.attributes);
    this.batchDuration.record(seconds, this.attributes);
  }

  recordRetried(count: number): void {
    this.retried.add(count, this.attributes);
  }

  recordSpooled(count: number): void {
    this.spooled.add(count, this.attributes);
  }

  recordQuarantined(count: number): void {
    this.quarantined.add(count, this.attributes);
  }

  recordDropped(count: number): void {
    this.dropped.add(count, this.attributes);
  }
}
