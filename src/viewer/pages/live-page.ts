import type { SearchParams } from '../request-query';
import { filterForm } from './filter-form';
import { layout } from './layout';
import { markup, withQuery } from './markup';
import type { Markup } from './markup';
import { RECORD_TABLE_HEAD } from './record-rows';

/** New records as they arrive; the script fills the table from `/api/live` (server-sent events). */
export function livePage(params: SearchParams, traceUrl: string | undefined): Markup {
  const source = withQuery('/api/live', { ...params });
  return layout(
    'Live',
    'live',
    markup`<h1>Live: records as they arrive</h1>
${filterForm('/live', params, 'Follow')}
<p id="live-status" class="muted" role="status" aria-live="polite">Connecting… (this page needs JavaScript)</p>
<table class="records" id="live" data-source="${source}" data-trace-url="${traceUrl ?? ''}" aria-label="Live records, newest first">${RECORD_TABLE_HEAD}<tbody id="live-rows"></tbody></table>`,
  );
}
