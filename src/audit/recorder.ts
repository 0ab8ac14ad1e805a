import { context, trace } from '@opentelemetry/api';
import type { DiagLogger, Meter, Tracer } from '@opentelemetry/api';
import type { TransactionLike } from '../sequelize/internal-types';
import type { AuditSettings } from './audit-settings';
import { getAuditContext } from './context';
import { statementSpanOfActiveCall } from './statement-span';
import { isoStringOf } from './iso-time';
import { emitAuditEvents } from './emitter';
import { FallbackReporter } from './fallback-reporter';
import type { CaptureFallbackReason } from './fallback-reporter';
import type { EmitOptions } from './emitter';
import { buildRowEvent, buildStatementEvent } from './record-builder';
import type {
  CaptureOrigin,
  PendingAuditEvent,
  RowChange,
  StatementChange,
} from './record-builder';
import type { RecordPolicies } from './record-hooks';
import { TransactionBuffers } from './transaction-buffer';

/** What the recorder needs from the instrumentation, read on every use (config can change). */
export interface RecorderDeps {
  tracer(): Tracer;
  settings(): AuditSettings;
  /** The user's hooks and noise rules (`recordHook`, `shouldRecord`, `ignoreChangesTo`, ...). */
  readonly policies: RecordPolicies;
  diag: DiagLogger;
  meter(): Meter;
}

/**
 * Turns captured changes into audit events and sends them on their way: held in the
 * transaction's buffer until COMMIT, or emitted at once for an autocommit write (the event
 * is handed to the span pipeline / receivers before the application's call resolves).
 */
export class AuditRecorder {
  readonly buffers = new TransactionBuffers();
  private readonly fallbacks: FallbackReporter;

  constructor(private readonly deps: RecorderDeps) {
    this.fallbacks = new FallbackReporter(deps.diag, deps.meter);
  }

  get settings(): AuditSettings {
    return this.deps.settings();
  }

  /** The origin of a change happening now, in the current async context. */
  originNow(transaction: TransactionLike | undefined): CaptureOrigin {
    const active = context.active();
    const activeSpan = trace.getSpan(active)?.spanContext();
    const spanContext =
      activeSpan && trace.isSpanContextValid(activeSpan) ? activeSpan : statementSpanOfActiveCall();
    const occurredAtMs = Date.now();
    return {
      occurredAt: isoStringOf(occurredAtMs),
      occurredAtMs,
      auditContext: getAuditContext(active),
      spanContext,
      transactionId: transaction?.id,
    };
  }

  recordRows(changes: readonly RowChange[], transaction: TransactionLike | undefined): void {
    if (changes.length === 0) return;
    const origin = this.originNow(transaction);
    const settings = this.settings;
    const events: PendingAuditEvent[] = [];
    for (const change of changes) {
      const pending = buildRowEvent(change, origin, settings);
      if (pending && this.admits(pending, origin, settings)) events.push(pending);
    }
    this.dispatch(events, transaction);
  }

  recordStatement(change: StatementChange, transaction: TransactionLike | undefined): void {
    const origin = this.originNow(transaction);
    const pending = buildStatementEvent(change, origin);
    if (this.admits(pending, origin, this.settings)) this.dispatch([pending], transaction);
  }

  /**
   * The events a capture built itself (access and schema records) that the user's policies
   * keep (`onlyOperations`, `shouldRecord`), each given the context's metadata. The capture
   * sends them on with `emit` or the transaction buffers.
   */
  admitted(events: readonly PendingAuditEvent[], origin: CaptureOrigin): PendingAuditEvent[] {
    const settings = this.settings;
    return events.filter((pending) => this.admits(pending, origin, settings));
  }

  private admits(pending: PendingAuditEvent, origin: CaptureOrigin, settings: AuditSettings) {
    return this.deps.policies.admit(pending.event, origin.auditContext, settings);
  }

  /**
   * A statement-level record standing in for row-level ones that could not be had, with its
   * reason; counted and told once through the diag logger.
   */
  recordFallback(
    change: StatementChange,
    reason: CaptureFallbackReason,
    transaction: TransactionLike | undefined,
    error?: unknown,
  ): void {
    this.fallbacks.report(reason, change, error);
    this.recordStatement({ ...change, captureFallback: reason }, transaction);
  }

  /** Emits events now (after a commit, or for autocommit writes). */
  emit(
    events: readonly PendingAuditEvent[],
    options: Pick<EmitOptions, 'outcome' | 'alreadyPersisted'> = {},
  ): void {
    const settings = this.settings;
    emitAuditEvents(events, {
      tracer: this.deps.tracer(),
      omitValuesFromSpans: settings.omitValuesFromSpans,
      beforeEmit: (span, event, persisted) =>
        this.deps.policies.beforeEmit(span, event, settings, persisted),
      ...options,
    });
  }

  private dispatch(events: readonly PendingAuditEvent[], transaction: TransactionLike | undefined) {
    if (events.length === 0) return;
    if (transaction && !transaction.finished) this.buffers.add(transaction, events);
    else this.emit(events, { outcome: 'committed' });
  }
}
