import type { AuditStore } from '../store/audit-store';
import { recordIdOf } from '../query/record-key';
import { closestName } from '../store/store-mode';
import { badInput } from './cli-error';
import { rowName } from './render/values';

/**
 * Fails with a clear line when the trail has no record of the table, suggesting the stored
 * name it most likely meant (`orders` → `Orders`) and listing the stored ones.
 */
export async function requireTable(store: AuditStore, table: string): Promise<void> {
  const [any] = await store.find({ table }, { limit: 1 });
  if (any) return;
  const stored = (await store.recordTables?.()) ?? [];
  const suggestion = closestName(table, stored);
  const hint = suggestion ? `; did you mean "${suggestion}"?` : '';
  const listed =
    stored.length > 0 ? ` (tables in the trail: ${listed10(stored)})` : ' (the trail is empty)';
  throw badInput(`unknown table "${table}": the audit trail has no records for it${hint}${listed}`);
}

/**
 * Fails with exit 2 when the trail holds nothing at all (no record, no checkpoint), so that a
 * mistyped store never reads as "ok".
 */
export async function requireRecords(store: AuditStore): Promise<void> {
  const [any] = await store.find({}, { limit: 1 });
  if (any || ((await store.checkpointStreams?.()) ?? []).length > 0) return;
  throw badInput(
    `the audit trail in ${store.name} is empty (no records, no checkpoints); check --store, or let the application write records first`,
  );
}

function listed10(names: readonly string[]): string {
  const shown = names.slice(0, 10).join(', ');
  return names.length > 10 ? `${shown}, and ${names.length - 10} more` : shown;
}

/** Fails with a clear line when the trail has no record of the table or of the row. */
export async function requireRow(store: AuditStore, table: string, id: string): Promise<string> {
  await requireTable(store, table);
  const recordId = parseRecordKey(id);
  const [any] = await store.find({ table, recordId }, { limit: 1 });
  if (!any) throw badInput(`no audit records for ${rowName(table, recordId)}`);
  return recordId;
}

/**
 * A key given on the command line: `42`, or a composite key as JSON (`'{"orderId":7,"line":2}'`)
 * in any column order.
 */
export function parseRecordKey(text: string): string {
  if (!text.trimStart().startsWith('{')) return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badInput(`record id ${text} looks like a composite key but is not valid JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw badInput(`record id ${text} must be a JSON object of key columns`);
  }
  return recordIdOf(parsed as Record<string, string | number | boolean | null>);
}
