import type { FieldChange, HistoryPage, RowStatus, RowVersion } from '../../query/trail-types';
import { traceLink } from '../viewer-options';
import { layout } from './layout';
import { markup, path, withQuery } from './markup';
import type { Markup } from './markup';
import { recordHref } from './record-rows';
import { actorView, operationView, timeView, traceView, valueView } from './value-view';

const STATUS_LABEL: Record<RowStatus, string> = {
  absent: 'not created yet',
  present: 'live',
  soft_deleted: 'soft-deleted (row kept, deletedAt set)',
  deleted: 'deleted',
};

function changeKind(change: FieldChange): 'added' | 'removed' | 'changed' {
  if (change.from === undefined) return 'added';
  if (change.to === undefined) return 'removed';
  return 'changed';
}

function diffTable(version: RowVersion): Markup {
  if (version.changes.length === 0) {
    return markup`<p class="muted">No field values recorded for this version.</p>`;
  }
  const rows = version.changes.map((change) => {
    const kind = changeKind(change);
    return markup`<tr class="diff-${kind}"><th scope="row">${change.field}</th><td><span class="kind kind-${kind}">${kind}</span></td><td class="before">${valueView(change.from)}</td><td class="after">${valueView(change.to)}</td></tr>`;
  });
  return markup`<table class="diff"><caption class="visually-hidden">Fields changed by version ${version.version}</caption><thead><tr><th scope="col">Field</th><th scope="col">Change</th><th scope="col">Before</th><th scope="col">After</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function versionItem(page: HistoryPage, version: RowVersion, traceUrl: string | undefined): Markup {
  const { record } = version;
  const link = version.traceId ? traceLink(traceUrl, version.traceId) : undefined;
  const revert = path('history', page.table, page.recordId, 'revert', version.version);
  const reason = record.reason ? markup`<div><dt>Reason</dt><dd>${record.reason}</dd></div>` : '';
  const request = record.requestId
    ? markup`<div><dt>Request</dt><dd><code>${record.requestId}</code></dd></div>`
    : '';
  return markup`<li class="version status-${version.status}" id="v${version.version}">
<article aria-labelledby="v${version.version}-title">
<h2 id="v${version.version}-title">Version ${version.version} ${operationView(version.operation)}</h2>
<dl class="meta">
<div><dt>When</dt><dd>${timeView(version.occurredAt)}</dd></div>
<div><dt>Who</dt><dd>${actorView(version.actor)}</dd></div>
${reason}${request}
<div><dt>Row after</dt><dd class="row-status">${STATUS_LABEL[version.status]}</dd></div>
<div><dt>Trace</dt><dd>${traceView(version.traceId, link)}</dd></div>
</dl>
${diffTable(version)}
<p class="version-links"><a href="${recordHref(record)}">Record ${record.stream}:${record.seq}</a> · <a href="${revert}">Revert to this version…</a></p>
</article>
</li>`;
}

export function historyPage(page: HistoryPage, traceUrl: string | undefined): Markup {
  const base = path('history', page.table, page.recordId);
  const next = page.nextPageToken
    ? markup`<p class="pager"><a rel="next" href="${withQuery(base, { pageToken: page.nextPageToken })}">Later versions →</a></p>`
    : '';
  const items = page.versions.map((v) => versionItem(page, v, traceUrl));
  const last = page.versions[page.versions.length - 1];
  const summary = last
    ? markup`<p class="summary">${page.versions.length} version${page.versions.length === 1 ? '' : 's'} on this page; after version ${last.version} the row is <strong>${STATUS_LABEL[last.status]}</strong>.</p>`
    : '';
  return layout(
    `History of ${page.table}#${page.recordId}`,
    'none',
    markup`<h1>History of <code>${page.table}#${page.recordId}</code></h1>
${summary}
<p><a href="${withQuery('/', { table: page.table, recordId: page.recordId })}">Search this row's records</a></p>
<ol class="timeline">${items}</ol>
${next}`,
  );
}
