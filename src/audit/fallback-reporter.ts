import type { Counter, DiagLogger, Meter } from '@opentelemetry/api';
import { METRIC_AUDIT_CAPTURE_FALLBACKS } from '../semconv';

/*
 * A row-level capture that became a statement-level record is counted every time
 * (`audit.capture.fallbacks`, by `reason`) and told through the diag logger once per reason
 * and table (of one database), so a hot path that falls back on every write cannot flood the log.
 */

/** Why a row-level capture became statement-level (`audit.capture.fallback`). */
export type CaptureFallbackReason =
  | 'pre_read_failed'
  | 'after_read_failed'
  | 'row_cap'
  | 'no_primary_key'
  | 'row_count_mismatch'
  | 'cascade'
  | 'cascade_read_failed'
  | 'unrecognized_write';

const ADVICE: Readonly<Record<CaptureFallbackReason, string>> = {
  pre_read_failed:
    'the read of the rows before the write failed (the write itself went on); check the read privilege, statement_timeout/lock timeout, or a where that only the write can evaluate',
  after_read_failed: 'the read of the rows after the write failed (the write itself went on)',
  row_cap:
    'the statement touched more rows than audit.maxRowsPerStatement; raise it for row-level records',
  no_primary_key: 'the model has no primary key; give it one for row-level records',
  row_count_mismatch:
    'the database changed a different number of rows than the audit read (a concurrent writer); the difference is recorded with its count',
  cascade: 'rows changed by ON DELETE/ON UPDATE rules above audit.maxRowsPerStatement',
  cascade_read_failed: 'the read of rows the database changes by ON DELETE/ON UPDATE rules failed',
  unrecognized_write: 'a raw write whose kind the statement text does not tell',
};

export class FallbackReporter {
  private counter?: Counter;
  private counterMeter?: Meter;
  private readonly told = new Set<string>();

  constructor(
    private readonly diag: DiagLogger,
    private readonly meter: () => Meter,
  ) {}

  report(
    reason: CaptureFallbackReason,
    where: { table: string; dbSystem: string; namespace?: string },
    error?: unknown,
  ): void {
    this.counterFor().add(1, { reason });
    const { table } = where;
    const key = [reason, where.dbSystem, where.namespace ?? '', table].join('\u0000');
    if (this.told.has(key) || this.told.size > 10_000) return;
    this.told.add(key);
    const cause = error instanceof Error ? ` (${error.name}: ${error.message})` : '';
    this.diag.warn(
      `audit of table "${table}" fell back to a statement-level record, reason "${reason}": ${ADVICE[reason]}${cause}. Told once per reason and table; counted in ${METRIC_AUDIT_CAPTURE_FALLBACKS}.`,
    );
  }

  private counterFor(): Counter {
    const meter = this.meter();
    if (!this.counter || this.counterMeter !== meter) {
      this.counterMeter = meter;
      this.counter = meter.createCounter(METRIC_AUDIT_CAPTURE_FALLBACKS, {
        description: 'Row-level audit captures that became statement-level records, by reason',
        unit: '{record}',
      });
    }
    return this.counter;
  }
}
