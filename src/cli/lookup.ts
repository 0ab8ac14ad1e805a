import type { AuditStore } from '../store/audit-store';
import { recordIdOf } from '../query/record-key';
import { badInput } from './cli-error';
import { rowName } from './render/values';

/** Fails with a clear line when the trail has no record of the table. */
export async function requireTable(store: AuditStore, table: string): Promise<void> {
  const [any] = await store.find({ table }, { limit: 1 });
  if (!any) {
    throw badInput(`unknown table "${table}": the audit trail has no records for it`);
  }
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
