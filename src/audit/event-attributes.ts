import type { Attributes, AttributeValue, SpanContext } from '@opentelemetry/api';
import {
  ATTR_DB_COLLECTION_NAME,
  ATTR_DB_NAMESPACE,
  ATTR_DB_SYSTEM_NAME,
} from '@opentelemetry/semantic-conventions';
import {
  ATTR_AUDIT_ACTOR_ID,
  ATTR_AUDIT_ACTOR_TYPE,
  ATTR_AUDIT_AFTER,
  ATTR_AUDIT_BEFORE,
  ATTR_AUDIT_CAPTURE_FALLBACK,
  ATTR_AUDIT_CHANGED_FIELDS,
  ATTR_AUDIT_EVENT_ID,
  ATTR_AUDIT_GRANULARITY,
  ATTR_AUDIT_MODEL,
  ATTR_AUDIT_OCCURRED_AT,
  ATTR_AUDIT_OPERATION,
  ATTR_AUDIT_OUTCOME,
  ATTR_AUDIT_PERSONAL_FIELDS,
  ATTR_AUDIT_REASON,
  ATTR_AUDIT_RECORD_ID,
  ATTR_AUDIT_REQUEST_ID,
  ATTR_AUDIT_STATEMENT_AFFECTED_ROWS,
  ATTR_AUDIT_STATEMENT_WHERE,
  ATTR_AUDIT_SUBJECT_ID,
  ATTR_AUDIT_TENANT_ID,
  ATTR_AUDIT_TRANSACTION_ID,
} from '../semconv';
import type { AuditEvent, AuditGranularity, AuditOperation } from '../types';
import { addMetadataAttributes, metadataFromAttributes } from './metadata';

/*
 * The audit span is the transport of an audit event: every field of the event is written to
 * an attribute, and `attributesToEvent` reads the same event back. Trace and span ids are not
 * attributes: they are the audit span's own trace id and its parent (the span that was active
 * when the row changed), see `auditSpanToEvent`.
 */

const OPERATIONS: readonly AuditOperation[] = [
  'insert',
  'update',
  'delete',
  'soft_delete',
  'restore',
  'unknown',
  'erasure',
  'access',
  'schema',
];

/** Options of `eventToAttributes`. */
export interface EventToAttributesOptions {
  /** Leave `audit.before` / `audit.after` out (config `omitValuesFromSpans`). @default false */
  omitValues?: boolean;
}

/** The attributes of the audit span that carries `event`. */
export function eventToAttributes(
  event: AuditEvent,
  options: EventToAttributesOptions = {},
): Attributes {
  const attributes: Attributes = {
    [ATTR_AUDIT_EVENT_ID]: event.eventId,
    [ATTR_AUDIT_OCCURRED_AT]: event.occurredAt,
    [ATTR_AUDIT_OPERATION]: event.operation,
    [ATTR_AUDIT_GRANULARITY]: event.granularity,
    [ATTR_DB_SYSTEM_NAME]: event.dbSystem,
    [ATTR_DB_COLLECTION_NAME]: event.table,
    [ATTR_AUDIT_CHANGED_FIELDS]: [...event.changedFields],
  };
  setIfDefined(attributes, ATTR_DB_NAMESPACE, event.namespace);
  setIfDefined(attributes, ATTR_AUDIT_MODEL, event.model);
  setIfDefined(attributes, ATTR_AUDIT_RECORD_ID, event.recordId ?? undefined);
  if (!options.omitValues) {
    // Personal values never travel on spans: only the store gets them (encrypted, with `encryption`).
    const personal = event.personalFields;
    setIfDefined(
      attributes,
      ATTR_AUDIT_BEFORE,
      jsonOrUndefined(withoutFields(event.before, personal)),
    );
    setIfDefined(
      attributes,
      ATTR_AUDIT_AFTER,
      jsonOrUndefined(withoutFields(event.after, personal)),
    );
  }
  setIfDefined(attributes, ATTR_AUDIT_SUBJECT_ID, event.subjectId);
  if (event.personalFields?.length) {
    attributes[ATTR_AUDIT_PERSONAL_FIELDS] = [...event.personalFields];
  }
  setIfDefined(attributes, ATTR_AUDIT_ACTOR_ID, event.actor?.id);
  setIfDefined(attributes, ATTR_AUDIT_ACTOR_TYPE, event.actor?.type);
  setIfDefined(attributes, ATTR_AUDIT_TENANT_ID, event.tenantId);
  setIfDefined(attributes, ATTR_AUDIT_REASON, event.reason);
  setIfDefined(attributes, ATTR_AUDIT_REQUEST_ID, event.requestId);
  setIfDefined(attributes, ATTR_AUDIT_TRANSACTION_ID, event.transactionId);
  setIfDefined(attributes, ATTR_AUDIT_OUTCOME, event.outcome);
  setIfDefined(attributes, ATTR_AUDIT_STATEMENT_WHERE, event.statement);
  setIfDefined(attributes, ATTR_AUDIT_STATEMENT_AFFECTED_ROWS, event.affectedRows);
  addMetadataAttributes(attributes, event.metadata);
  setIfDefined(attributes, ATTR_AUDIT_CAPTURE_FALLBACK, event.captureFallback);
  return attributes;
}

/** Trace identity of an audit event, taken from the span that carried it. */
export interface AuditEventOrigin {
  traceId?: string;
  spanId?: string;
}

/**
 * Reads an audit event back from audit span attributes; `undefined` when the attributes are
 * not those of an audit span (no `audit.event.id` or no valid operation).
 */
export function attributesToEvent(
  attributes: Attributes,
  origin: AuditEventOrigin = {},
): AuditEvent | undefined {
  const eventId = stringAttr(attributes, ATTR_AUDIT_EVENT_ID);
  const operation = stringAttr(attributes, ATTR_AUDIT_OPERATION) as AuditOperation | undefined;
  if (!eventId || !operation || !OPERATIONS.includes(operation)) return undefined;
  const actorId = stringAttr(attributes, ATTR_AUDIT_ACTOR_ID);
  const actorType = stringAttr(attributes, ATTR_AUDIT_ACTOR_TYPE);
  const event: AuditEvent = {
    eventId,
    occurredAt: stringAttr(attributes, ATTR_AUDIT_OCCURRED_AT) ?? new Date(0).toISOString(),
    operation,
    granularity: granularityOf(attributes),
    dbSystem: stringAttr(attributes, ATTR_DB_SYSTEM_NAME) ?? 'other_sql',
    table: stringAttr(attributes, ATTR_DB_COLLECTION_NAME) ?? '',
    recordId: stringAttr(attributes, ATTR_AUDIT_RECORD_ID) ?? null,
    changedFields: stringArrayAttr(attributes, ATTR_AUDIT_CHANGED_FIELDS),
    before: objectAttr(attributes, ATTR_AUDIT_BEFORE),
    after: objectAttr(attributes, ATTR_AUDIT_AFTER),
  };
  assignIfDefined(event, 'namespace', stringAttr(attributes, ATTR_DB_NAMESPACE));
  assignIfDefined(event, 'model', stringAttr(attributes, ATTR_AUDIT_MODEL));
  if (actorId !== undefined)
    event.actor = actorType ? { id: actorId, type: actorType } : { id: actorId };
  assignIfDefined(event, 'tenantId', stringAttr(attributes, ATTR_AUDIT_TENANT_ID));
  assignIfDefined(event, 'reason', stringAttr(attributes, ATTR_AUDIT_REASON));
  assignIfDefined(event, 'requestId', stringAttr(attributes, ATTR_AUDIT_REQUEST_ID));
  assignIfDefined(event, 'traceId', origin.traceId);
  assignIfDefined(event, 'spanId', origin.spanId);
  assignIfDefined(event, 'transactionId', stringAttr(attributes, ATTR_AUDIT_TRANSACTION_ID));
  const outcome = stringAttr(attributes, ATTR_AUDIT_OUTCOME);
  if (outcome === 'committed' || outcome === 'rolled_back') event.outcome = outcome;
  assignIfDefined(event, 'statement', stringAttr(attributes, ATTR_AUDIT_STATEMENT_WHERE));
  const affected = attributes[ATTR_AUDIT_STATEMENT_AFFECTED_ROWS];
  if (typeof affected === 'number') event.affectedRows = affected;
  assignIfDefined(event, 'metadata', metadataFromAttributes(attributes));
  assignIfDefined(event, 'captureFallback', stringAttr(attributes, ATTR_AUDIT_CAPTURE_FALLBACK));
  assignIfDefined(event, 'subjectId', stringAttr(attributes, ATTR_AUDIT_SUBJECT_ID));
  const personal = stringArrayAttr(attributes, ATTR_AUDIT_PERSONAL_FIELDS);
  if (personal.length) event.personalFields = personal;
  return event;
}

/** The parts of a finished span (`ReadableSpan`) that `auditSpanToEvent` reads. */
export interface AuditSpanLike {
  readonly attributes: Attributes;
  spanContext(): SpanContext;
  readonly parentSpanContext?: SpanContext;
}

/*
 * The event an audit span started here carries, kept on the span itself under a private
 * symbol: reading it back (the processor does, for every record) then needs no parsing of the
 * attributes it was just written to. A symbol property costs a fraction of a WeakMap entry
 * per span. The attributes still carry the same event for every other reader (exporters, a
 * processor in another copy of this package).
 */
const CARRIED_EVENT = Symbol('otel-sequelize-audit carried event');

interface EventCarrier {
  [CARRIED_EVENT]?: AuditEvent;
}

/** Remembers the event an audit span carries in its attributes (in full: values included). */
export function rememberCarriedEvent(span: object, event: AuditEvent): void {
  (span as EventCarrier)[CARRIED_EVENT] = event;
}

/**
 * Reads the audit event an audit span carries, with its trace id and the id of the span that
 * was active when the row changed (the audit span's parent). `undefined` for other spans.
 */
export function auditSpanToEvent(span: AuditSpanLike): AuditEvent | undefined {
  const carried = (span as EventCarrier)[CARRIED_EVENT];
  if (carried) return carried;
  const parent = span.parentSpanContext;
  const origin = parent ? { traceId: span.spanContext().traceId, spanId: parent.spanId } : {};
  return attributesToEvent(span.attributes, origin);
}

function granularityOf(attributes: Attributes): AuditGranularity {
  return stringAttr(attributes, ATTR_AUDIT_GRANULARITY) === 'statement' ? 'statement' : 'row';
}

function setIfDefined(attributes: Attributes, key: string, value: AttributeValue | undefined) {
  if (value !== undefined) attributes[key] = value;
}

function assignIfDefined<K extends keyof AuditEvent>(
  event: AuditEvent,
  key: K,
  value: AuditEvent[K] | undefined,
): void {
  if (value !== undefined) event[key] = value;
}

/** `values` without `fields` (a copy when any is there). */
function withoutFields(
  values: Record<string, unknown> | null,
  fields: readonly string[] | undefined,
): Record<string, unknown> | null {
  if (!values || !fields?.length || !fields.some((field) => field in values)) return values;
  const kept: Record<string, unknown> = {};
  for (const key of Object.keys(values)) if (!fields.includes(key)) kept[key] = values[key];
  return kept;
}

function jsonOrUndefined(value: Record<string, unknown> | null): string | undefined {
  return value === null ? undefined : JSON.stringify(value);
}

function stringAttr(attributes: Attributes, key: string): string | undefined {
  const value = attributes[key];
  return typeof value === 'string' ? value : undefined;
}

function stringArrayAttr(attributes: Attributes, key: string): string[] {
  const value = attributes[key];
  if (!Array.isArray(value)) return [];
  return value.filter((item): item is string => typeof item === 'string');
}

function objectAttr(attributes: Attributes, key: string): Record<string, unknown> | null {
  const text = stringAttr(attributes, key);
  if (text === undefined) return null;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
