import { randomUUID } from 'node:crypto';
import type { SpanContext } from '@opentelemetry/api';
import type { AuditContext, AuditEvent, AuditOperation } from '../types';
import { recordIdOfKey } from '../record-id';
import type { AuditSettings } from './audit-settings';
import {
  KEY_COLUMN_CHARS,
  REASON_CHARS,
  SHORT_TEXT_COLUMN_CHARS,
  boundedOptional,
  boundedText,
} from './bounded-text';
import { canonicalBytes, toCanonical, truncationMarker } from './canonical-value';
import type { CanonicalValue } from './canonical-value';
import { fieldPlanOf } from './field-plan';
import type { FieldPlan } from './field-plan';
import type { ModelInfo } from './model-info';
import { markPersonalData } from './personal-data';
import { changedFields } from './row-diff';
import type { RawRow } from './row-diff';

/** Where and when a change happened, taken when the row changed (not when it is emitted). */
export interface CaptureOrigin {
  readonly occurredAt: string;
  /** `occurredAt` in milliseconds since the epoch: the audit span's start time. */
  readonly occurredAtMs: number;
  readonly auditContext?: Readonly<AuditContext>;
  /** The span active when the row changed: the audit span's parent. */
  readonly spanContext?: SpanContext;
  readonly transactionId?: string;
}

/** One changed row: its values before and after (null for an insert / a delete). */
export interface RowChange {
  readonly info: ModelInfo;
  readonly before: RawRow | null;
  readonly after: RawRow | null;
}

/** A whole statement recorded as one record (raw SQL, capped bulk writes, keyless models). */
export interface StatementChange {
  readonly operation: AuditOperation;
  readonly table: string;
  readonly dbSystem: string;
  readonly namespace?: string;
  readonly model?: string;
  readonly statement?: string;
  readonly affectedRows?: number;
  /** Why a row-level capture became this record (`audit.capture.fallback`). */
  readonly captureFallback?: string;
}

/** An audit event waiting to be emitted, with the span it is to be parented under. */
export interface PendingAuditEvent {
  readonly event: AuditEvent;
  readonly parent?: SpanContext;
  /** When the row changed, in milliseconds since the epoch. */
  readonly startTime: number;
}

type CanonicalRow = Record<string, CanonicalValue>;

/** The audit event of a row change; `undefined` when the change changed nothing. */
export function buildRowEvent(
  change: RowChange,
  origin: CaptureOrigin,
  settings: AuditSettings,
): PendingAuditEvent | undefined {
  const { info } = change;
  const plan = fieldPlanOf(info, settings);
  const changed = changedFields(change.before, change.after, plan.fields);
  if (change.before && change.after && changed.length === 0) return undefined;
  const before = change.before && canonicalRow(change.before, plan, settings.maxValueBytes);
  const after = change.after && canonicalRow(change.after, plan, settings.maxValueBytes);
  fitRecordSize(before, after, settings.maxRecordBytes);
  const event = baseEvent(origin, {
    operation: operationOf(change, info),
    granularity: 'row',
    dbSystem: info.dbSystem,
    table: info.table,
    recordId: recordIdOf(change.after ?? change.before, info.primaryKeys),
    changedFields: changed,
    before,
    after,
  });
  if (info.namespace !== undefined) event.namespace = boundedText(info.namespace, KEY_COLUMN_CHARS);
  event.model = boundedText(info.name, KEY_COLUMN_CHARS);
  markPersonalData(event, change.after ?? change.before, settings.personalOf(info.name));
  return { event, parent: origin.spanContext, startTime: origin.occurredAtMs };
}

/** The audit event of a statement-level change. */
export function buildStatementEvent(
  change: StatementChange,
  origin: CaptureOrigin,
): PendingAuditEvent {
  const event = baseEvent(origin, {
    operation: change.operation,
    granularity: 'statement',
    dbSystem: change.dbSystem,
    table: change.table,
    recordId: null,
    changedFields: [],
    before: null,
    after: null,
  });
  if (change.namespace !== undefined)
    event.namespace = boundedText(change.namespace, KEY_COLUMN_CHARS);
  if (change.model !== undefined) event.model = boundedText(change.model, KEY_COLUMN_CHARS);
  if (change.statement !== undefined) event.statement = change.statement;
  if (change.affectedRows !== undefined) event.affectedRows = change.affectedRows;
  if (change.captureFallback !== undefined) event.captureFallback = change.captureFallback;
  return { event, parent: origin.spanContext, startTime: origin.occurredAtMs };
}

/** What every event has, whatever its granularity. */
type EventCore = Pick<
  AuditEvent,
  | 'operation'
  | 'granularity'
  | 'dbSystem'
  | 'table'
  | 'recordId'
  | 'changedFields'
  | 'before'
  | 'after'
>;

/** The event with its id and what the origin knows (actor, request, trace, transaction). */
function baseEvent(origin: CaptureOrigin, core: EventCore): AuditEvent {
  const event: AuditEvent = { eventId: randomUUID(), occurredAt: origin.occurredAt, ...core };
  event.table = boundedText(core.table, KEY_COLUMN_CHARS);
  const { auditContext, spanContext } = origin;
  if (auditContext?.actor) event.actor = boundedActor(auditContext.actor);
  const tenant = boundedOptional(auditContext?.tenant, KEY_COLUMN_CHARS);
  if (tenant !== undefined) event.tenantId = tenant;
  const reason = boundedOptional(auditContext?.reason, REASON_CHARS);
  if (reason !== undefined) event.reason = reason;
  const requestId = boundedOptional(
    auditContext?.requestId ?? spanContext?.traceId,
    KEY_COLUMN_CHARS,
  );
  if (requestId !== undefined) event.requestId = requestId;
  if (spanContext) {
    event.traceId = spanContext.traceId;
    event.spanId = spanContext.spanId;
  }
  const transactionId = boundedOptional(origin.transactionId, KEY_COLUMN_CHARS);
  if (transactionId !== undefined) event.transactionId = transactionId;
  return event;
}

/** The context's actor with every part cut to its store column (a copy, never the caller's). */
function boundedActor(actor: NonNullable<AuditContext['actor']>): NonNullable<AuditEvent['actor']> {
  const bounded: NonNullable<AuditEvent['actor']> = {
    ...actor,
    id: boundedText(String(actor.id), KEY_COLUMN_CHARS),
  };
  if (actor.type !== undefined)
    bounded.type = boundedText(String(actor.type), SHORT_TEXT_COLUMN_CHARS);
  return bounded;
}

/**
 * The kept fields of a row as canonical values, keys in canonical order, redacted fields
 * dropped, masked or hashed (decided once per model by the field plan, not per field and write).
 */
function canonicalRow(row: RawRow, plan: FieldPlan, maxValueBytes: number): CanonicalRow {
  const { fields, exactNumeric, redacted } = plan;
  const { redactor } = plan.rules;
  const canonical: CanonicalRow = {};
  for (const index of plan.valueOrder) {
    const field = fields[index];
    if (!(field in row) || (redacted[index] && redactor.dropsFields)) continue;
    const value = row[field];
    const kept =
      typeof value === 'number' && exactNumeric[index]
        ? String(value)
        : toCanonical(value, maxValueBytes);
    canonical[field] = redacted[index] ? redactor.redactValue(kept) : kept;
  }
  return canonical;
}

function operationOf(change: RowChange, info: ModelInfo): AuditOperation {
  if (!change.before) return 'insert';
  if (!change.after) return 'delete';
  if (info.deletedAt) {
    const wasDeleted = change.before[info.deletedAt] != null;
    const isDeleted = change.after[info.deletedAt] != null;
    if (!wasDeleted && isDeleted) return 'soft_delete';
    if (wasDeleted && !isDeleted) return 'restore';
  }
  return 'update';
}

/**
 * The primary key in the package's one record-id encoding (src/record-id.ts), cut to the
 * store's key column.
 */
export function recordIdOf(row: RawRow | null, primaryKeys: readonly string[]): string | null {
  if (!row || primaryKeys.length === 0) return null;
  const id = recordIdOfKey(row, primaryKeys);
  return id === null ? null : boundedText(id, KEY_COLUMN_CHARS);
}

/** Replaces the largest values by truncation markers until before + after fit the cap. */
function fitRecordSize(
  before: CanonicalRow | null,
  after: CanonicalRow | null,
  maxRecordBytes: number,
): void {
  if (upperBoundBytes(before) + upperBoundBytes(after) <= maxRecordBytes) return;
  let total = (before ? canonicalBytes(before) : 0) + (after ? canonicalBytes(after) : 0);
  if (total <= maxRecordBytes) return;
  const entries = [before, after]
    .filter((row): row is CanonicalRow => row !== null)
    .flatMap((row) =>
      Object.keys(row).map((field) => ({ row, field, bytes: canonicalBytes(row[field]) })),
    )
    .sort((a, b) => b.bytes - a.bytes);
  for (const { row, field, bytes } of entries) {
    if (total <= maxRecordBytes) return;
    const marker = truncationMarker(bytes);
    row[field] = marker;
    total -= bytes - canonicalBytes(marker);
  }
}

/**
 * A cheap bound on the serialized size of a flat row (no JSON.stringify of the whole row):
 * every UTF-16 unit of a string takes at most 6 bytes once escaped, a number at most 24.
 * Most rows are far below the cap, and this spares them the exact measure.
 */
function upperBoundBytes(row: CanonicalRow | null): number {
  if (!row) return 0;
  let bytes = 2;
  for (const key of Object.keys(row)) {
    const value = row[key];
    bytes += key.length * 6 + 4;
    if (typeof value === 'string') bytes += value.length * 6 + 2;
    else if (value !== null && typeof value === 'object') bytes += canonicalBytes(value);
    else bytes += 24;
  }
  return bytes;
}
