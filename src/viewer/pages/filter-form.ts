import { OPERATIONS } from '../../cli/parse-args';
import type { SearchParams } from '../request-query';
import { markup } from './markup';
import type { Markup } from './markup';

function field(
  name: keyof SearchParams,
  label: string,
  value: string | undefined,
  hint = '',
): Markup {
  return markup`<div class="field"><label for="f-${name}">${label}</label><input id="f-${name}" name="${name}" value="${value ?? ''}"${hint ? markup` placeholder="${hint}"` : ''}></div>`;
}

/** The filters of the search and live pages, as a plain GET form. */
export function filterForm(action: string, params: SearchParams, submit: string): Markup {
  const options = OPERATIONS.map(
    (op) =>
      markup`<option value="${op}"${params.operation === op ? markup` selected` : ''}>${op}</option>`,
  );
  return markup`<form class="filters" method="get" action="${action}" role="search" aria-label="Filter records">
${field('table', 'Table', params.table, 'orders')}
${field('recordId', 'Record id', params.recordId, '42 or {"a":1,"b":2}')}
${field('actor', 'Actor id', params.actor)}
<div class="field"><label for="f-operation">Operation</label><select id="f-operation" name="operation"><option value="">any</option>${options}</select></div>
${field('traceId', 'Trace id', params.traceId)}
${field('since', 'Since', params.since, '2026-11-27 or 12h')}
${field('until', 'Until', params.until, '2026-11-28T10:00:00Z')}
<div class="actions"><button type="submit">${submit}</button></div>
</form>`;
}
