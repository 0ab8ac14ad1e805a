import { diag, metrics, ValueType } from '@opentelemetry/api';
import type { Counter, MeterProvider } from '@opentelemetry/api';
import type { Transaction } from 'sequelize';
import type { AuditEvent } from '../types';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../version';

/** Audit records that no receiver took (audit on, no `AuditSpanProcessor` registered). */
export const METRIC_RECORDS_UNDELIVERED = 'audit.records.undelivered';

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
 * One delivery path: the instrumentation hands every event to every registered receiver
 * directly, whatever the sampler decided and whichever tracer provider it was given. The
 * audit span is only the view trace backends show (it is marked in `directlyDelivered`).
 */
interface Registry {
  receivers: Set<AuditEventReceiver>;
  directlyDelivered: WeakSet<object>;
  /** The one warning about records nobody receives has been logged. */
  warnedUndelivered?: boolean;
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
  const state = registry();
  const { receivers, directlyDelivered } = state;
  if (span) directlyDelivered.add(span);
  if (receivers.size === 0) {
    countUndelivered(state, event);
    return;
  }
  for (const receiver of receivers) {
    if (skip?.has(receiver)) continue;
    try {
      receiver.receiveAuditEvent(event);
    } catch (error) {
      diag.error('otel-sequelize-audit: an audit receiver failed to take an event', error);
    }
  }
}

const counters = new WeakMap<MeterProvider, Counter>();

function countUndelivered(state: Registry, event: AuditEvent): void {
  const provider = metrics.getMeterProvider();
  let counter = counters.get(provider);
  if (!counter) {
    counter = provider
      .getMeter(PACKAGE_NAME, PACKAGE_VERSION)
      .createCounter(METRIC_RECORDS_UNDELIVERED, {
        description: 'Audit records no AuditSpanProcessor received (none is registered)',
        unit: '{record}',
        valueType: ValueType.INT,
      });
    counters.set(provider, counter);
  }
  counter.add(1, { 'db.collection.name': event.table });
  if (state.warnedUndelivered) return;
  state.warnedUndelivered = true;
  diag.warn(
    `otel-sequelize-audit: audit record ${event.eventId} (${event.operation} ${event.table}) has no receiver and is not stored: audit is on but no AuditSpanProcessor exists in this process. ` +
      'Create one with a store, e.g. new AuditSpanProcessor({ store: new SqlAuditStore({ sequelize }) }) among the NodeSDK spanProcessors, ' +
      `or turn audit off with { audit: { enabled: false } }. Records without a receiver are counted in "${METRIC_RECORDS_UNDELIVERED}"; this warning is logged once.`,
  );
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
