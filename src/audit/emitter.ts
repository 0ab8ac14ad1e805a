import { context, diag, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import type { Span, Tracer } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { AuditEvent } from '../types';
import { eventToAttributes } from './event-attributes';
import type { PendingAuditEvent } from './record-builder';
import { deliverDirectly } from './receivers';
import type { AuditEventReceiver } from './receivers';
import { suppressAudit } from './suppression';

/** How one batch of events is emitted. */
export interface EmitOptions {
  readonly tracer: Tracer;
  readonly omitValuesFromSpans: boolean;
  readonly outcome?: AuditEvent['outcome'];
  /** Receivers that already persisted these events inside the transaction. */
  readonly alreadyPersisted?: ReadonlySet<AuditEventReceiver>;
  /**
   * Called with each audit span before its event is delivered (the user's `recordHook`);
   * `persisted` says the event is stored already. It may add metadata to the event.
   */
  readonly beforeEmit?: (span: Span, event: AuditEvent, persisted: boolean) => void;
}

/**
 * Emits each event as an INTERNAL span `audit <OPERATION> <table>`, parented under the span
 * that was active when the row changed. One delivery path: every event is handed to the
 * receivers directly, so neither sampling nor the tracer provider can lose a record; the
 * span is the view trace backends show.
 */
export function emitAuditEvents(events: readonly PendingAuditEvent[], options: EmitOptions): void {
  if (events.length === 0) return;
  // The receivers and the processor may write to a database: never audit nor trace that.
  context.with(suppressTracing(suppressAudit(context.active())), () => {
    for (const pending of events) {
      try {
        emitOne(pending, options);
      } catch (error) {
        // One event that cannot be emitted must not cost the others theirs.
        diag.error(
          `otel-sequelize-audit: audit event ${pending.event.eventId} was not emitted`,
          error,
        );
      }
    }
  });
}

function emitOne(pending: PendingAuditEvent, options: EmitOptions): void {
  const { event } = pending;
  // Each pending event is emitted once, so it takes its outcome in place (no copy).
  if (options.outcome) event.outcome = options.outcome;
  const parent = pending.parent ? trace.setSpanContext(ROOT_CONTEXT, pending.parent) : ROOT_CONTEXT;
  const span = options.tracer.startSpan(
    spanName(event),
    {
      kind: SpanKind.INTERNAL,
      startTime: pending.startTime,
      attributes: eventToAttributes(event, { omitValues: options.omitValuesFromSpans }),
    },
    parent,
  );
  options.beforeEmit?.(span, event, (options.alreadyPersisted?.size ?? 0) > 0);
  // One delivery path: every event goes to the receivers directly; the span is only a view.
  deliverDirectly(event, span, options.alreadyPersisted);
  span.end();
}

/** `audit UPDATE users`, `audit SOFT_DELETE users`. */
export function spanName(event: AuditEvent): string {
  return `audit ${event.operation.toUpperCase()} ${event.table}`;
}
