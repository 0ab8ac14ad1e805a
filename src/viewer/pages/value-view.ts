import { REDACTED_MARKER } from '../../semconv';
import type { AuditActor } from '../../types';
import { markup } from './markup';
import type { Markup } from './markup';

/** Values longer than this are folded (a summary that opens to the whole value). */
const FOLD_CHARS = 80;
const KEYED_HASH = /^hmac-sha256:[0-9a-f]{64}$/;
const TRUNCATED = /^\[truncated: (\d+) bytes\]$/;

/** A stored value as text: marked when redacted or truncated, folded when long. */
export function valueView(value: unknown): Markup {
  if (value === undefined) return markup`<span class="absent">—</span>`;
  if (value === null) return markup`<span class="null">null</span>`;
  if (value === REDACTED_MARKER) return markup`<span class="badge redacted">redacted</span>`;
  if (typeof value === 'string' && KEYED_HASH.test(value)) {
    return markup`<span class="badge redacted" title="${value}">redacted (keyed hash)</span>`;
  }
  const truncated = typeof value === 'string' ? TRUNCATED.exec(value) : null;
  if (truncated) {
    return markup`<span class="badge truncated">truncated (${truncated[1]} bytes)</span>`;
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  if (text.length <= FOLD_CHARS && !text.includes('\n')) {
    return markup`<span class="value">${text}</span>`;
  }
  return markup`<details class="fold"><summary>${text.slice(0, FOLD_CHARS).split('\n').join(' ')}… <span class="muted">(${text.length} characters)</span></summary><pre class="value">${text}</pre></details>`;
}

export function actorView(actor: AuditActor | undefined): Markup {
  if (!actor) return markup`<span class="absent">—</span>`;
  return actor.type
    ? markup`${actor.id} <span class="muted">(${actor.type})</span>`
    : markup`${actor.id}`;
}

const OPERATION_LABEL: Record<string, string> = {
  insert: 'insert',
  update: 'update',
  delete: 'delete',
  soft_delete: 'soft delete',
  restore: 'restore',
};

export function operationView(operation: string): Markup {
  return markup`<span class="badge op op-${operation}">${OPERATION_LABEL[operation] ?? operation}</span>`;
}

export function timeView(iso: string): Markup {
  return markup`<time datetime="${iso}">${iso.replace('T', ' ').replace('Z', ' UTC')}</time>`;
}

export function traceView(traceId: string | undefined, link: string | undefined): Markup {
  if (!traceId) return markup`<span class="absent">—</span>`;
  if (!link) return markup`<code>${traceId}</code>`;
  return markup`<a class="trace" href="${link}" rel="noreferrer noopener" target="_blank">trace ${traceId.slice(0, 8)}…<span class="visually-hidden"> (${traceId}, opens in a new tab)</span></a>`;
}
