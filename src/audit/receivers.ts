import { diag } from '@opentelemetry/api';
import type { Transaction } from 'sequelize';
import type { AuditEvent } from '../types';

/**
 * Something that takes audit events straight from the instrumentation, without the span
 * pipeline. The `AuditSpanProcessor` registers itself as one.
 */
export interface AuditEventReceiver {
  receiveAuditEvent(event: AuditEvent): void;
  /**
   * Transactional durability: called with a transaction's events just before its COMMIT is
   * sent, so a receiver can insert them inside that transaction (data and audit commit or roll
   * back together). A receiver that implements it gets those events here instead of through
   * the span pipeline or `receiveAuditEvent`.
   */
  persistWithinTransaction?(events: readonly AuditEvent[], transaction: Transaction): Promise<void>;
}

/*
 * The registry lives on globalThis so that two copies of this package in one process (a
 * nested node_modules) still meet: audit completeness must not depend on module identity.
 *
 * Rule of delivery (one path per event, never both):
 * - the audit span is recording and carries the whole event in its attributes: the span
 *   pipeline delivers it (the processor's onEnd);
 * - otherwise (not sampled, or values kept out of spans): the instrumentation hands the event
 *   to every registered receiver directly and marks the span in `directlyDelivered`, so the
 *   processor's onEnd skips it.
 */
interface Registry {
  receivers: Set<AuditEventReceiver>;
  directlyDelivered: WeakSet<object>;
}

const REGISTRY_KEY = Symbol.for('otel-sequelize-audit.receivers.v1');

function registry(): Registry {
  const holder = globalThis as { [REGISTRY_KEY]?: Registry };
  holder[REGISTRY_KEY] ??= { receivers: new Set(), directlyDelivered: new WeakSet() };
  return holder[REGISTRY_KEY];
}

/** Registers a receiver; returns the function that removes it. */
export function registerAuditReceiver(receiver: AuditEventReceiver): () => void {
  registry().receivers.add(receiver);
  return () => registry().receivers.delete(receiver);
}

export function hasAuditReceivers(): boolean {
  return registry().receivers.size > 0;
}

/**
 * Hands an event to every receiver (but those in `skip`, which already have it); marks `span`
 * (if any) as delivered directly.
 */
export function deliverDirectly(
  event: AuditEvent,
  span?: object,
  skip?: ReadonlySet<AuditEventReceiver>,
): void {
  const { receivers, directlyDelivered } = registry();
  if (span) directlyDelivered.add(span);
  for (const receiver of receivers) {
    if (skip?.has(receiver)) continue;
    try {
      receiver.receiveAuditEvent(event);
    } catch (error) {
      diag.error('otel-sequelize-audit: an audit receiver failed to take an event', error);
    }
  }
}

/** The registered receivers that persist events inside the application's transaction. */
export function transactionalReceivers(): AuditEventReceiver[] {
  return [...registry().receivers].filter(
    (receiver) => typeof receiver.persistWithinTransaction === 'function',
  );
}

export function wasDeliveredDirectly(span: object): boolean {
  return registry().directlyDelivered.has(span);
}
