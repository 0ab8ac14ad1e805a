import type { AuditRecord } from '../../types';
import { traceLink } from '../viewer-options';
import { markup, path } from './markup';
import type { Markup } from './markup';
import { actorView, operationView, timeView, traceView } from './value-view';

export function recordHref(record: Pick<AuditRecord, 'stream' | 'seq'>): string {
  return path('record', record.stream, record.seq);
}

export function historyHref(table: string, recordId: string): string {
  return path('history', table, recordId);
}

/** The header of a table of records (search and live pages share it). */
export const RECORD_TABLE_HEAD = markup`<thead><tr><th scope="col">Time</th><th scope="col">Operation</th><th scope="col">Row</th><th scope="col">Actor</th><th scope="col">Changed fields</th><th scope="col">Trace</th><th scope="col">Record</th></tr></thead>`;

export function recordRow(record: AuditRecord, traceUrl: string | undefined): Markup {
  const row =
    record.recordId === null
      ? markup`${record.table} <span class="muted">(statement)</span>`
      : markup`<a href="${historyHref(record.table, record.recordId)}">${record.table}#${record.recordId}</a>`;
  const link = record.traceId ? traceLink(traceUrl, record.traceId) : undefined;
  return markup`<tr>
<td>${timeView(record.occurredAt)}</td>
<td>${operationView(record.operation)}</td>
<td>${row}</td>
<td>${actorView(record.actor)}</td>
<td>${record.changedFields.join(', ')}</td>
<td>${traceView(record.traceId, link)}</td>
<td><a href="${recordHref(record)}">${record.stream}:${record.seq}</a></td>
</tr>`;
}
