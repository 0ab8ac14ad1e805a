import type { AuditEvent, AuditRecord } from '../../types';
import type { ColumnKind } from './sql-dialect';
import { readTimestamp } from './sql-dialect';

/*
 * The audit table's columns and the mapping between a record and a row, in one list so that
 * DDL, inserts and reads never disagree.
 */

/** A value ready to be written, tagged with how to write it. */
export type CellValue = string | number | null;

export interface AuditColumn {
  name: string;
  kind: ColumnKind;
  nullable: boolean;
  /** The value of this column for a record; `null` for SQL NULL. */
  write(record: AuditEvent & Partial<AuditRecord>): CellValue;
}

const json = (value: unknown): string | null =>
  value === null || value === undefined ? null : JSON.stringify(value);
const text = (value: string | undefined | null): string | null => value ?? null;

export const AUDIT_COLUMNS: readonly AuditColumn[] = [
  { name: 'event_id', kind: 'key', nullable: false, write: (r) => r.eventId },
  { name: 'stream', kind: 'key', nullable: false, write: (r) => r.stream ?? null },
  { name: 'seq', kind: 'bigint', nullable: true, write: (r) => r.seq ?? null },
  { name: 'prev_hash', kind: 'hash', nullable: true, write: (r) => r.prevHash ?? null },
  { name: 'hash', kind: 'hash', nullable: true, write: (r) => r.hash ?? null },
  { name: 'occurred_at', kind: 'timestamp', nullable: false, write: (r) => r.occurredAt },
  { name: 'operation', kind: 'shortText', nullable: false, write: (r) => r.operation },
  { name: 'granularity', kind: 'shortText', nullable: false, write: (r) => r.granularity },
  { name: 'db_system', kind: 'shortText', nullable: false, write: (r) => r.dbSystem },
  { name: 'namespace', kind: 'key', nullable: true, write: (r) => text(r.namespace) },
  { name: 'table_name', kind: 'key', nullable: false, write: (r) => r.table },
  { name: 'model', kind: 'key', nullable: true, write: (r) => text(r.model) },
  { name: 'record_id', kind: 'key', nullable: true, write: (r) => r.recordId },
  { name: 'changed_fields', kind: 'json', nullable: false, write: (r) => json(r.changedFields) },
  { name: 'before_values', kind: 'json', nullable: true, write: (r) => json(r.before) },
  { name: 'after_values', kind: 'json', nullable: true, write: (r) => json(r.after) },
  { name: 'actor_id', kind: 'key', nullable: true, write: (r) => text(r.actor?.id) },
  { name: 'actor_type', kind: 'shortText', nullable: true, write: (r) => text(r.actor?.type) },
  { name: 'tenant_id', kind: 'key', nullable: true, write: (r) => text(r.tenantId) },
  { name: 'reason', kind: 'text', nullable: true, write: (r) => text(r.reason) },
  { name: 'request_id', kind: 'key', nullable: true, write: (r) => text(r.requestId) },
  { name: 'trace_id', kind: 'shortText', nullable: true, write: (r) => text(r.traceId) },
  { name: 'span_id', kind: 'shortText', nullable: true, write: (r) => text(r.spanId) },
  { name: 'transaction_id', kind: 'key', nullable: true, write: (r) => text(r.transactionId) },
  { name: 'outcome', kind: 'shortText', nullable: true, write: (r) => text(r.outcome) },
  { name: 'statement', kind: 'text', nullable: true, write: (r) => text(r.statement) },
  { name: 'affected_rows', kind: 'bigint', nullable: true, write: (r) => r.affectedRows ?? null },
  {
    name: 'capture_fallback',
    kind: 'shortText',
    nullable: true,
    write: (r) => text(r.captureFallback),
  },
  { name: 'metadata', kind: 'json', nullable: true, write: (r) => json(r.metadata) },
  { name: 'key_id', kind: 'shortText', nullable: true, write: (r) => text(r.keyId) },
  { name: 'subject_id', kind: 'key', nullable: true, write: (r) => text(r.subjectId) },
  {
    name: 'personal_fields',
    kind: 'json',
    nullable: true,
    write: (r) => (r.personalFields?.length ? json(r.personalFields) : null),
  },
];

/** A row as the driver returns it. */
export type AuditRow = Record<string, unknown>;

function parseJson(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return JSON.parse(value.toString('utf8'));
  return typeof value === 'string' ? JSON.parse(value) : value;
}

function optionalText(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : String(value);
}

function assignText<K extends keyof AuditEvent>(event: AuditEvent, key: K, value: unknown) {
  const textValue = optionalText(value);
  if (textValue !== undefined) (event as unknown as Record<string, unknown>)[key] = textValue;
}

/** The event fields of a row (sealed or not). */
export function rowToEvent(row: AuditRow): AuditEvent {
  const event: AuditEvent = {
    eventId: String(row.event_id),
    occurredAt: readTimestamp(row.occurred_at),
    operation: String(row.operation) as AuditEvent['operation'],
    granularity: row.granularity === 'statement' ? 'statement' : 'row',
    dbSystem: String(row.db_system),
    table: String(row.table_name),
    recordId: optionalText(row.record_id) ?? null,
    changedFields: (parseJson(row.changed_fields) as string[] | null) ?? [],
    before: parseJson(row.before_values) as Record<string, unknown> | null,
    after: parseJson(row.after_values) as Record<string, unknown> | null,
  };
  assignText(event, 'namespace', row.namespace);
  assignText(event, 'model', row.model);
  const actorId = optionalText(row.actor_id);
  if (actorId !== undefined) {
    const actorType = optionalText(row.actor_type);
    event.actor = actorType === undefined ? { id: actorId } : { id: actorId, type: actorType };
  }
  assignText(event, 'tenantId', row.tenant_id);
  assignText(event, 'reason', row.reason);
  assignText(event, 'requestId', row.request_id);
  assignText(event, 'traceId', row.trace_id);
  assignText(event, 'spanId', row.span_id);
  assignText(event, 'transactionId', row.transaction_id);
  if (row.outcome === 'committed' || row.outcome === 'rolled_back') event.outcome = row.outcome;
  assignText(event, 'statement', row.statement);
  if (row.affected_rows !== null && row.affected_rows !== undefined) {
    event.affectedRows = Number(row.affected_rows);
  }
  assignText(event, 'captureFallback', row.capture_fallback);
  const metadata = sortedMetadata(parseJson(row.metadata) as AuditEvent['metadata'] | null);
  if (metadata) event.metadata = metadata;
  assignText(event, 'subjectId', row.subject_id);
  const personal = parseJson(row.personal_fields) as string[] | null;
  if (personal?.length) event.personalFields = personal;
  return event;
}

/** Metadata with its keys in code-unit order again (PostgreSQL's JSONB reorders them). */
function sortedMetadata(metadata: AuditEvent['metadata'] | null): AuditEvent['metadata'] {
  if (!metadata || typeof metadata !== 'object') return undefined;
  const keys = Object.keys(metadata).sort();
  if (keys.length === 0) return undefined;
  const sorted: NonNullable<AuditEvent['metadata']> = {};
  for (const key of keys) sorted[key] = metadata[key];
  return sorted;
}

/** A sealed row as a record. */
export function rowToRecord(row: AuditRow): AuditRecord {
  const record: AuditRecord = {
    ...rowToEvent(row),
    stream: String(row.stream),
    seq: Number(row.seq),
    prevHash: optionalText(row.prev_hash) ?? null,
    hash: String(row.hash),
  };
  const keyId = optionalText(row.key_id);
  if (keyId !== undefined) record.keyId = keyId;
  return record;
}
