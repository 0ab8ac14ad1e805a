import type { AuditActor } from '../../types';
import type { FieldChange } from '../../query/trail-types';
import type { Colors } from '../output';

/** Longest value shown in a table cell; `--json` has the whole value. */
export const MAX_CELL_CHARS = 120;

/** A value as people read it: strings bare, absent fields as a dash, the rest as JSON; long ones cut. */
export function formatValue(value: unknown, maxChars = MAX_CELL_CHARS): string {
  if (value === undefined) return '—';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}

export function formatActor(actor: AuditActor | undefined): string {
  if (!actor) return '—';
  return actor.type ? `${actor.id} (${actor.type})` : actor.id;
}

/** `status: paid → refunded`, the new value highlighted. */
export function formatChange(change: FieldChange, colors: Colors): string {
  const to = colors.green(colors.bold(formatValue(change.to)));
  if (change.from === undefined) return `${change.field} = ${to}`;
  if (change.to === undefined)
    return `${change.field}: ${colors.red(formatValue(change.from))} → —`;
  return `${change.field}: ${colors.red(formatValue(change.from))} → ${to}`;
}

/** The trace of a record: a link when a URL template is set, else the bare trace id. */
export function formatTrace(traceId: string | undefined, template: string | undefined): string {
  if (!traceId) return '—';
  return template ? traceUrl(template, traceId) : traceId;
}

export function traceUrl(template: string, traceId: string): string {
  return template.split('{traceId}').join(traceId);
}

/** `orders#42` */
export function rowName(table: string, recordId: string | null): string {
  return recordId === null ? `${table} (statement)` : `${table}#${recordId}`;
}
