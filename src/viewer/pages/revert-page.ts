import type { RevertPlan } from '../../query/trail-types';
import { layout } from './layout';
import { markup, path } from './markup';
import type { Markup } from './markup';
import { valueView } from './value-view';

const ACTION_TEXT: Record<RevertPlan['action'], string> = {
  none: 'Nothing to do: the row already has these values.',
  update: 'Update the live row with these values.',
  restore: 'Restore the soft-deleted row, then write these values.',
  insert: 'The row is gone: create it again with these values.',
  delete: 'The row did not exist at that version: delete it.',
};

export function revertPage(plan: RevertPlan): Markup {
  const rows = Object.entries(plan.values).map(
    ([field, value]) =>
      markup`<tr><th scope="row">${field}</th><td>${valueView(plan.current.lastValues?.[field])}</td><td>${valueView(value)}</td></tr>`,
  );
  const unrecoverable =
    plan.unrecoverableFields.length > 0
      ? markup`<p class="warning" role="note">The trail holds only a redacted or truncated value of ${plan.unrecoverableFields.join(', ')}: these cannot be restored from it.</p>`
      : '';
  const values =
    rows.length > 0
      ? markup`<table class="diff"><caption>Values to write</caption><thead><tr><th scope="col">Field</th><th scope="col">Now</th><th scope="col">Write</th></tr></thead><tbody>${rows}</tbody></table>`
      : '';
  return layout(
    `Revert ${plan.table}#${plan.recordId}`,
    'none',
    markup`<h1>Revert <code>${plan.table}#${plan.recordId}</code> to version ${plan.toVersion}</h1>
<p class="notice" role="note">This is a plan only: the viewer never writes. Apply it through your model, so that the change is audited too.</p>
<p class="plan-action">Action: <strong class="action-${plan.action}">${plan.action}</strong>. ${ACTION_TEXT[plan.action]}</p>
${unrecoverable}
${values}
<details><summary>The plan as JSON</summary><pre class="value">${JSON.stringify(plan, null, 2)}</pre></details>
<p><a href="${path('history', plan.table, plan.recordId)}#v${plan.toVersion}">Back to the history</a></p>`,
  );
}
