import type { ChangesPage } from '../../query/trail-types';
import type { SearchParams } from '../request-query';
import { filterForm } from './filter-form';
import { layout } from './layout';
import { markup, withQuery } from './markup';
import type { Markup } from './markup';
import { RECORD_TABLE_HEAD, recordRow } from './record-rows';

export function searchPage(
  params: SearchParams,
  page: ChangesPage,
  traceUrl: string | undefined,
  limit: number,
): Markup {
  const next = page.nextPageToken
    ? markup`<a class="next" rel="next" href="${withQuery('/', { ...params, limit: String(limit), pageToken: page.nextPageToken })}">Older records →</a>`
    : markup`<span class="muted">End of the trail for these filters.</span>`;
  const rows = page.records.map((record) => recordRow(record, traceUrl));
  const results =
    page.records.length === 0
      ? markup`<p class="empty">No records match these filters.</p>`
      : markup`<table class="records" aria-describedby="results-title">${RECORD_TABLE_HEAD}<tbody>${rows}</tbody></table>`;
  return layout(
    'Search',
    'search',
    markup`<h1>Search the audit trail</h1>
${filterForm('/', params, 'Search')}
<section aria-labelledby="results-title">
<h2 id="results-title">Records, newest first <span class="muted">(${page.records.length} on this page)</span></h2>
${results}
<p class="pager">${next}</p>
</section>`,
  );
}

/** The search form as typed, with the reason the search was refused. */
export function searchProblemPage(params: SearchParams, message: string): Markup {
  return layout(
    'Search',
    'search',
    markup`<h1>Search the audit trail</h1>
${filterForm('/', params, 'Search')}
<p class="problem" role="alert">${message}</p>`,
  );
}
