import type { IntegrityReport, StreamIntegrity } from '../integrity-report';
import { layout } from './layout';
import { markup, path } from './markup';
import type { Markup } from './markup';

function streamRow(entry: StreamIntegrity, first: boolean): Markup {
  const status = entry.ok
    ? markup`<span class="badge ok">OK</span>`
    : markup`<span class="badge broken">BROKEN</span>`;
  const where = entry.firstBreak
    ? markup`<a href="${path('record', entry.stream, entry.firstBreak.seq)}">seq ${entry.firstBreak.seq}</a>: ${entry.firstBreak.reason}`
    : markup`<span class="muted">intact</span>`;
  const mark = first ? markup` class="first-break" aria-label="first break"` : '';
  return markup`<tr${mark}><th scope="row">${entry.stream}</th><td>${entry.records}</td><td>${status}</td><td>${where}</td></tr>`;
}

/** The result of a verify run: overall status, one row per stream, the first break highlighted. */
export function integrityResult(report: IntegrityReport): Markup {
  const firstBroken = report.perStream.find((s) => !s.ok);
  const rows = report.perStream.map((s) => streamRow(s, s === firstBroken));
  const overall = report.ok
    ? markup`<p class="verdict ok" role="status"><span class="badge ok">OK</span> ${report.records} records in ${report.streams} streams, every chain intact (checked ${report.checkedAt}).</p>`
    : markup`<p class="verdict broken" role="alert"><span class="badge broken">BROKEN</span> first break: stream ${report.firstBreak?.stream} at seq ${report.firstBreak?.seq}: ${report.firstBreak?.reason} (checked ${report.checkedAt}).</p>`;
  return markup`${overall}<table class="streams"><caption>Per stream</caption><thead><tr><th scope="col">Stream</th><th scope="col">Records checked</th><th scope="col">Status</th><th scope="col">First break</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export function integrityPage(report: IntegrityReport | undefined): Markup {
  return layout(
    'Integrity',
    'integrity',
    markup`<h1>Integrity of the hash chains</h1>
<p>Walks every writer's chain and reports, per stream, whether each record still matches its hash and links to the one before.</p>
<form method="get" action="/integrity" class="verify-form"><input type="hidden" name="run" value="1"><button type="submit" id="run-verify">Run verify</button></form>
<div id="verify-progress" class="progress" hidden><label for="verify-bar">Checking records</label> <progress id="verify-bar" max="1" value="0"></progress> <span id="verify-count" aria-live="polite"></span></div>
<div id="verify-result" aria-live="polite">${report ? integrityResult(report) : markup`<p class="muted">Not run yet.</p>`}</div>`,
  );
}
