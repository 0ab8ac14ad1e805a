/* The viewer's only script: progressive enhancement of the live and integrity pages.
 * Stored values are only ever set as text (textContent), never parsed as markup. */
/* global document, window, EventSource */
'use strict';

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function link(href, text) {
  const a = el('a', text);
  a.setAttribute('href', href);
  return a;
}

function path() {
  return '/' + Array.prototype.map.call(arguments, (s) => encodeURIComponent(String(s))).join('/');
}

function cell(row, content) {
  const td = el('td');
  if (typeof content === 'string') td.textContent = content;
  else td.appendChild(content);
  row.appendChild(td);
}

function recordRow(record, traceTemplate) {
  const tr = el('tr', undefined, 'arrived');
  const time = el('time', record.occurredAt.replace('T', ' ').replace('Z', ' UTC'));
  time.setAttribute('datetime', record.occurredAt);
  cell(tr, time);
  cell(tr, el('span', record.operation.replace('_', ' '), 'badge op op-' + record.operation));
  cell(
    tr,
    record.recordId === null
      ? el('span', record.table + ' (statement)')
      : link(path('history', record.table, record.recordId), record.table + '#' + record.recordId),
  );
  cell(
    tr,
    record.actor
      ? record.actor.id + (record.actor.type ? ' (' + record.actor.type + ')' : '')
      : '—',
  );
  cell(tr, (record.changedFields || []).join(', '));
  if (record.traceId && traceTemplate) {
    const a = link(
      traceTemplate.split('{traceId}').join(encodeURIComponent(record.traceId)),
      'trace ' + record.traceId.slice(0, 8) + '…',
    );
    a.setAttribute('rel', 'noreferrer noopener');
    a.setAttribute('target', '_blank');
    a.className = 'trace';
    cell(tr, a);
  } else {
    cell(tr, record.traceId || '—');
  }
  cell(tr, link(path('record', record.stream, record.seq), record.stream + ':' + record.seq));
  return tr;
}

function startLive(table) {
  const rows = document.getElementById('live-rows');
  const status = document.getElementById('live-status');
  const template = table.getAttribute('data-trace-url') || '';
  const source = new EventSource(table.getAttribute('data-source'));
  let count = 0;
  source.addEventListener('ready', () => {
    status.textContent = 'Following: new records appear at the top.';
    table.setAttribute('data-ready', 'true');
  });
  source.addEventListener('record', (event) => {
    const record = JSON.parse(event.data);
    rows.insertBefore(recordRow(record, template), rows.firstChild);
    count += 1;
    status.textContent =
      'Following: ' + count + ' new record' + (count === 1 ? '' : 's') + ' so far.';
  });
  source.addEventListener('problem', (event) => {
    status.textContent = 'Stopped: ' + JSON.parse(event.data).error;
    source.close();
  });
  source.addEventListener('error', () => {
    if (source.readyState === EventSource.CLOSED)
      status.textContent = 'Disconnected; reload to follow again.';
    else status.textContent = 'Reconnecting…';
  });
  window.addEventListener('pagehide', () => source.close());
}

function verdict(report) {
  const p = el('p', undefined, 'verdict ' + (report.ok ? 'ok' : 'broken'));
  p.setAttribute('role', report.ok ? 'status' : 'alert');
  p.appendChild(el('span', report.ok ? 'OK' : 'BROKEN', 'badge ' + (report.ok ? 'ok' : 'broken')));
  const b = report.firstBreak;
  p.appendChild(
    document.createTextNode(
      report.ok
        ? ' ' +
            report.records +
            ' records in ' +
            report.streams +
            ' streams, every chain intact (checked ' +
            report.checkedAt +
            ').'
        : ' first break: stream ' +
            b.stream +
            ' at seq ' +
            b.seq +
            ': ' +
            b.reason +
            ' (checked ' +
            report.checkedAt +
            ').',
    ),
  );
  return p;
}

function streamTable(report) {
  const table = el('table', undefined, 'streams');
  table.appendChild(el('caption', 'Per stream'));
  const head = el('thead');
  const hr = el('tr');
  for (const name of ['Stream', 'Records checked', 'Status', 'First break']) {
    const th = el('th', name);
    th.setAttribute('scope', 'col');
    hr.appendChild(th);
  }
  head.appendChild(hr);
  table.appendChild(head);
  const body = el('tbody');
  let marked = false;
  for (const entry of report.perStream) {
    const tr = el('tr');
    if (!entry.ok && !marked) {
      tr.className = 'first-break';
      tr.setAttribute('aria-label', 'first break');
      marked = true;
    }
    const th = el('th', entry.stream);
    th.setAttribute('scope', 'row');
    tr.appendChild(th);
    cell(tr, String(entry.records));
    cell(tr, el('span', entry.ok ? 'OK' : 'BROKEN', 'badge ' + (entry.ok ? 'ok' : 'broken')));
    if (entry.firstBreak) {
      const td = el('td');
      td.appendChild(
        link(path('record', entry.stream, entry.firstBreak.seq), 'seq ' + entry.firstBreak.seq),
      );
      td.appendChild(document.createTextNode(': ' + entry.firstBreak.reason));
      tr.appendChild(td);
    } else {
      cell(tr, el('span', 'intact', 'muted'));
    }
    body.appendChild(tr);
  }
  table.appendChild(body);
  return table;
}

function startIntegrity(form) {
  const button = document.getElementById('run-verify');
  const progress = document.getElementById('verify-progress');
  const bar = document.getElementById('verify-bar');
  const count = document.getElementById('verify-count');
  const result = document.getElementById('verify-result');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    button.disabled = true;
    progress.hidden = false;
    bar.removeAttribute('value');
    count.textContent = 'starting…';
    result.replaceChildren(el('p', 'Verifying…', 'muted'));
    const source = new EventSource('/api/verify/events');
    source.addEventListener('progress', (e) => {
      const p = JSON.parse(e.data);
      bar.max = Math.max(p.total, 1);
      bar.value = p.done;
      count.textContent = p.done + ' of ' + p.total + ' records (' + p.stream + ')';
    });
    source.addEventListener('result', (e) => {
      const report = JSON.parse(e.data);
      source.close();
      bar.max = Math.max(report.records, 1);
      bar.value = report.records;
      count.textContent = report.records + ' records checked';
      result.replaceChildren(verdict(report), streamTable(report));
      button.disabled = false;
    });
    source.addEventListener('problem', (e) => {
      source.close();
      result.replaceChildren(el('p', 'Verify failed: ' + JSON.parse(e.data).error, 'problem'));
      button.disabled = false;
    });
    source.addEventListener('error', () => {
      if (source.readyState !== EventSource.CLOSED) return;
      button.disabled = false;
    });
  });
}

document.addEventListener('DOMContentLoaded', () => {
  const live = document.getElementById('live');
  if (live) startLive(live);
  const verifyForm = document.querySelector('.verify-form');
  if (verifyForm) startIntegrity(verifyForm);
});
