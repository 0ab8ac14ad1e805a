import type { AuditRecord } from '../../types';
import { traceLink } from '../viewer-options';
import { layout } from './layout';
import { markup, path } from './markup';
import type { Markup } from './markup';
import { historyHref } from './record-rows';
import { actorView, operationView, timeView, traceView, valueView } from './value-view';

function item(label: string, value: Markup | string | number | undefined | null): Markup {
  const shown =
    value === undefined || value === null || value === ''
      ? markup`<span class="absent">—</span>`
      : value;
  return markup`<div><dt>${label}</dt><dd>${shown}</dd></div>`;
}

function imageTable(title: string, values: Record<string, unknown> | null): Markup {
  if (!values) return markup`<h2>${title}</h2><p class="muted">none</p>`;
  const rows = Object.keys(values)
    .sort()
    .map(
      (field) => markup`<tr><th scope="row">${field}</th><td>${valueView(values[field])}</td></tr>`,
    );
  return markup`<h2>${title}</h2><table class="image"><thead><tr><th scope="col">Field</th><th scope="col">Value</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** Every field of one record, its place in its chain, and the trace link. */
export function recordPage(record: AuditRecord, traceUrl: string | undefined): Markup {
  const link = record.traceId ? traceLink(traceUrl, record.traceId) : undefined;
  const previous =
    record.seq > 1
      ? markup` · <a rel="prev" href="${path('record', record.stream, record.seq - 1)}">previous in chain</a>`
      : '';
  const next = markup` · <a rel="next" href="${path('record', record.stream, record.seq + 1)}">next in chain</a>`;
  const row =
    record.recordId === null
      ? markup`${record.table} (statement)`
      : markup`<a href="${historyHref(record.table, record.recordId)}">${record.table}#${record.recordId}</a>`;
  return layout(
    `Record ${record.stream}:${record.seq}`,
    'none',
    markup`<h1>Record <code>${record.stream}:${record.seq}</code> ${operationView(record.operation)}</h1>
<dl class="fields">
${item('Event id', markup`<code>${record.eventId}</code>`)}
${item('When', timeView(record.occurredAt))}
${item('Row', row)}
${item('Model', record.model)}
${item('Database', `${record.dbSystem}${record.namespace ? ` / ${record.namespace}` : ''}`)}
${item('Granularity', record.granularity)}
${item('Changed fields', record.changedFields.join(', '))}
${item('Actor', actorView(record.actor))}
${item('Tenant', record.tenantId)}
${item('Reason', record.reason)}
${item('Request id', record.requestId)}
${item('Transaction', record.transactionId)}
${item('Outcome', record.outcome)}
${item('Statement', record.statement)}
${item('Affected rows', record.affectedRows)}
${item('Trace', traceView(record.traceId, link))}
${item('Span', record.spanId)}
</dl>
<section aria-labelledby="chain-title">
<h2 id="chain-title">Place in the chain</h2>
<dl class="fields">
${item('Stream', record.stream)}
${item('Seq', record.seq)}
${item('Previous hash', record.prevHash ? markup`<code class="hash">${record.prevHash}</code>` : undefined)}
${item('Hash', markup`<code class="hash">${record.hash}</code>`)}
</dl>
<p>${markup`<a href="/integrity">Verify the chains</a>`}${previous}${next}</p>
</section>
${imageTable('Before', record.before)}
${imageTable('After', record.after)}`,
  );
}
