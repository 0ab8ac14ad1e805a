import type { AuditRecord } from '../../types';
import { changesOf } from '../../query/row-fold';
import type { Colors } from '../output';
import { createTable } from './table';
import { formatActor, formatChange, formatTrace, rowName } from './values';

/** A table of records across rows (changes, export preview). */
export function recordsTable(
  records: readonly AuditRecord[],
  colors: Colors,
  traceTemplate?: string,
): string {
  const table = createTable(['time', 'row', 'operation', 'actor', 'changes', 'trace']);
  for (const record of records) {
    table.push([
      record.occurredAt,
      rowName(record.table, record.recordId),
      record.operation,
      formatActor(record.actor),
      describeChanges(record, colors),
      formatTrace(record.traceId, traceTemplate),
    ]);
  }
  return table.toString();
}

/** What a record did, one field per line; a statement-level record shows its statement. */
export function describeChanges(record: AuditRecord, colors: Colors): string {
  if (record.operation === 'delete') return colors.red('row deleted');
  const lines = changesOf(record).map((change) => formatChange(change, colors));
  if (record.granularity === 'statement') {
    lines.push(colors.dim(`${record.affectedRows ?? '?'} rows: ${record.statement ?? ''}`));
  }
  return lines.join('\n');
}

/** One line per record, for `tail`. */
export function recordLine(record: AuditRecord, colors: Colors, traceTemplate?: string): string {
  const changes = describeChanges(record, colors).split('\n').join(', ');
  const trace = record.traceId ? `  ${colors.dim(formatTrace(record.traceId, traceTemplate))}` : '';
  return `${record.occurredAt} ${colors.bold(record.operation)} ${rowName(record.table, record.recordId)} by ${formatActor(record.actor)}: ${changes}${trace}`;
}
