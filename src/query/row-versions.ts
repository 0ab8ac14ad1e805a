import type { AuditStore } from '../store/audit-store';
import type { AuditRecord } from '../types';
import { readRecords } from './read-records';
import { applyRecord, changesOf, statusAfter, UNSEEN_ROW } from './row-fold';
import type { FoldedRow } from './row-fold';
import type { AsOfOptions, RowState, RowStatus, RowVersion } from './trail-types';

/** A version of a row together with the whole row after it. */
export interface FoldedVersion {
  version: RowVersion;
  row: FoldedRow;
}

export function toVersion(record: AuditRecord, version: number, status: RowStatus): RowVersion {
  return {
    version,
    occurredAt: record.occurredAt,
    operation: record.operation,
    actor: record.actor,
    traceId: record.traceId,
    ...(record.metadata && { metadata: record.metadata }),
    status,
    changes: changesOf(record),
    record,
  };
}

/** Numbers records as versions, continuing from a version and status. */
export function numberVersions(
  records: readonly AuditRecord[],
  previousVersion: number,
  previousStatus: RowStatus,
): RowVersion[] {
  let status = previousStatus;
  return records.map((record, index) => {
    status = statusAfter(status, record.operation);
    return toVersion(record, previousVersion + index + 1, status);
  });
}

/** Walks a row's records oldest first, folding the row as it goes. */
export async function* foldedVersions(
  store: AuditStore,
  table: string,
  recordId: string,
  batchSize: number,
  until?: Date,
): AsyncGenerator<FoldedVersion> {
  let row = UNSEEN_ROW;
  let version = 0;
  for await (const record of readRecords(store, { table, recordId, until }, { batchSize })) {
    row = applyRecord(row, record);
    version += 1;
    yield { version: toVersion(record, version, row.status), row };
  }
}

/** The public state of a folded row. */
export function rowState(
  table: string,
  recordId: string,
  folded: FoldedVersion | undefined,
  options: AsOfOptions = {},
): RowState {
  const row = folded?.row ?? UNSEEN_ROW;
  const visible =
    row.status === 'present' || (row.status === 'soft_deleted' && options.includeSoftDeleted);
  return {
    table,
    recordId,
    row: visible ? { ...row.values } : null,
    status: row.status,
    version: folded?.version,
    lastValues: row.values ? { ...row.values } : null,
  };
}
