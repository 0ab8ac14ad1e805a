import type { DiagLogger } from '@opentelemetry/api';
import type { AuditRecord } from '../types';
import type { ResolvedProcessorOptions } from './processor-options';
import type { ProcessorMetrics } from './processor-metrics';
import type { QuarantineEntry } from './quarantine-journal';
import { appendToQuarantine } from './quarantine-journal';
import { realNow } from './real-timers';
import { describeStoreError } from './store-error-kind';

/**
 * Takes the records the store rejected for good: each goes to the quarantine journal beside
 * the spool (once), is counted in `audit.processor.records.quarantined`, and an error log names
 * its event id and what to do. A quarantine that cannot be written (the directory is not
 * writable) logs the whole record instead, so it is never lost without a trace.
 */
export class QuarantineKeeper {
  private readonly kept = new Set<string>();

  constructor(
    private readonly options: ResolvedProcessorOptions,
    private readonly metrics: ProcessorMetrics,
    private readonly diag: DiagLogger,
  ) {}

  async keep(record: AuditRecord, error: unknown): Promise<void> {
    if (this.kept.has(record.eventId)) return;
    this.kept.add(record.eventId);
    const { store, spoolDirectory } = this.options;
    const { stream, seq: _seq, prevHash: _prevHash, hash: _hash, ...event } = record;
    const entry: QuarantineEntry = {
      quarantinedAt: new Date(realNow()).toISOString(),
      store: store.name,
      stream,
      event,
      error: describeStoreError(error),
    };
    this.metrics.recordQuarantined(1);
    const why = `${entry.error.message}${entry.error.code ? ` (${entry.error.code})` : ''}`;
    try {
      const file = await appendToQuarantine(spoolDirectory, stream, [entry]);
      this.diag.error(
        `audit store "${store.name}" rejected audit record ${record.eventId} (${event.operation} ${event.table} ${event.recordId ?? ''}) for good: ${why}. ` +
          `It is kept in the quarantine journal "${file}" and the trail goes on without it (the chain closes over it). ` +
          `Fix the cause (a column too short, a value the store cannot take), then run "otel-sequelize-audit quarantine retry --spool ${spoolDirectory} --store URL"; ` +
          `"quarantine list" shows what is kept, "quarantine export" writes it out`,
      );
    } catch (writeError) {
      this.diag.error(
        `audit store "${store.name}" rejected audit record ${record.eventId} for good (${why}) and the quarantine journal in "${spoolDirectory}" could not be written (${String(writeError)}); ` +
          `the record follows in full so it can be restored by hand: ${JSON.stringify(entry)}`,
      );
    }
  }
}
