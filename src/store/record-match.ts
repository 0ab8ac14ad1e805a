import type { AuditRecord } from '../types';
import type { AuditCursor, AuditRecordFilter } from './audit-store';

/*
 * The filter and order contract of `AuditStore.find`, for stores that filter in memory
 * (JSONL). The SQL store expresses the same rules in SQL.
 */

export function matchesFilter(record: AuditRecord, filter: AuditRecordFilter): boolean {
  const time = Date.parse(record.occurredAt);
  return (
    (filter.table === undefined || record.table === filter.table) &&
    (filter.recordId === undefined || record.recordId === filter.recordId) &&
    (filter.actorId === undefined || record.actor?.id === filter.actorId) &&
    (filter.operation === undefined || record.operation === filter.operation) &&
    (filter.stream === undefined || record.stream === filter.stream) &&
    (filter.traceId === undefined || record.traceId === filter.traceId) &&
    (filter.eventId === undefined || record.eventId === filter.eventId) &&
    (filter.subjectId === undefined || record.subjectId === filter.subjectId) &&
    (filter.since === undefined || time >= filter.since.getTime()) &&
    (filter.until === undefined || time < filter.until.getTime()) &&
    (filter.metadata === undefined || metadataMatches(record, filter.metadata))
  );
}

/** Every filter key is in the record's metadata with the same text form. */
function metadataMatches(
  record: AuditRecord,
  wanted: NonNullable<AuditRecordFilter['metadata']>,
): boolean {
  const metadata = record.metadata;
  return Object.keys(wanted).every(
    (key) =>
      metadata !== undefined &&
      Object.prototype.hasOwnProperty.call(metadata, key) &&
      String(metadata[key]) === String(wanted[key]),
  );
}

/** Order by (occurredAt, stream, seq), ascending. */
export function compareByCursor(a: AuditCursor, b: AuditCursor): number {
  const at = Date.parse(a.occurredAt) - Date.parse(b.occurredAt);
  if (at !== 0) return at;
  if (a.stream !== b.stream) return a.stream < b.stream ? -1 : 1;
  return a.seq - b.seq;
}
