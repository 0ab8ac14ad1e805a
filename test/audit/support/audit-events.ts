import assert from 'node:assert/strict';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { AuditEvent, AuditEventReceiver } from '../../../src';
import { attributesToEvent, auditSpanToEvent, registerAuditReceiver } from '../../../src';
import { wasDeliveredDirectly } from '../../../src/audit/receivers';
import { spanExporter } from '../../support/setup';

/**
 * Every audit event the instrumentation delivered since the last reset, through either path:
 * audit spans that reached the span pipeline carrying the event, and events handed to
 * receivers directly (unsampled spans, values kept out of spans).
 */
export class AuditEventCollector implements AuditEventReceiver {
  readonly direct: AuditEvent[] = [];
  private unregister?: () => void;

  start(): this {
    this.unregister = registerAuditReceiver(this);
    return this;
  }

  stop(): void {
    this.unregister?.();
  }

  receiveAuditEvent(event: AuditEvent): void {
    this.direct.push(event);
  }

  /** Forgets every event delivered so far (and every finished span). */
  reset(): void {
    this.direct.length = 0;
    spanExporter.reset();
  }

  /**
   * Audit spans that the span pipeline delivers (not delivered directly). Each span's
   * attributes must read back as exactly the event the span hands to a processor.
   */
  pipelineEvents(): AuditEvent[] {
    return auditSpans()
      .filter((span) => !wasDeliveredDirectly(span))
      .map((span) => {
        const event = auditSpanToEvent(span);
        assert.deepEqual(attributesToEvent(span.attributes, originOf(span)), event);
        return event;
      })
      .filter((event): event is AuditEvent => event !== undefined);
  }

  /** All delivered events, in delivery order within each path. */
  all(): AuditEvent[] {
    return [...this.pipelineEvents(), ...this.direct].sort(byOccurrence);
  }
}

export function auditSpans(): ReadableSpan[] {
  return spanExporter.getFinishedSpans().filter((span) => span.name.startsWith('audit '));
}

/** The trace identity an audit span gives its event: its trace, and its parent span. */
function originOf(span: ReadableSpan): { traceId?: string; spanId?: string } {
  const parent = span.parentSpanContext;
  return parent ? { traceId: span.spanContext().traceId, spanId: parent.spanId } : {};
}

function byOccurrence(a: AuditEvent, b: AuditEvent): number {
  return a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0;
}
