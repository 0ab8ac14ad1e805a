import type { ReadableSpan } from './sdk-span-types';
import { auditSpanToEvent } from '../audit/event-attributes';
import type { AuditEvent } from '../types';

/**
 * What the application's thread queues: the finished audit span itself (converted to an
 * event later, in the background) or an event handed over directly.
 */
export type QueueItem = ReadableSpan | AuditEvent;

function isSpan(item: QueueItem): item is ReadableSpan {
  return typeof (item as Partial<ReadableSpan>).spanContext === 'function';
}

export function toAuditEvent(item: QueueItem): AuditEvent | undefined {
  return isSpan(item) ? auditSpanToEvent(item) : item;
}

export function toAuditEvents(items: readonly QueueItem[]): AuditEvent[] {
  const events: AuditEvent[] = [];
  for (const item of items) {
    const event = toAuditEvent(item);
    if (event) events.push(event);
  }
  return events;
}
