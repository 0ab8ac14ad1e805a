import type { AuditTrail } from '../query/audit-trail';
import type { ChangesPage, HistoryPage, RevertPlan } from '../query/trail-types';
import type { AuditRecord } from '../types';
import { badRequest, notFound } from './http-problem';
import { parseKey, positiveIntOf, requireRow, requireTable } from './request-query';
import type { SearchRequest } from './request-query';

/*
 * Every read the pages and the API make, through the trail and the store's read methods only:
 * the viewer never writes.
 */

/** One page of matching records, newest first (keyset cursor, never OFFSET). */
export async function searchRecords(
  trail: AuditTrail,
  search: SearchRequest,
): Promise<ChangesPage> {
  const page = await trail.changes(
    { ...search.query, order: 'desc' },
    { limit: search.limit, pageToken: search.pageToken },
  );
  // Only when nothing matched: is it the table that is unknown? (a lookup the store may sort)
  if (page.records.length === 0 && search.query.table !== undefined) {
    await requireTable(trail.store, search.query.table);
  }
  return page;
}

export async function rowHistory(
  trail: AuditTrail,
  table: string,
  id: string,
  page: { limit: number; pageToken?: string },
): Promise<HistoryPage> {
  const recordId = parseKey(id);
  await requireRow(trail.store, table, recordId);
  return trail.history(table, recordId, page);
}

/** The record at one place of one chain. */
export async function recordAt(
  trail: AuditTrail,
  stream: string,
  seqText: string,
): Promise<AuditRecord> {
  const seq = positiveIntOf('seq', seqText);
  const [record] = await trail.store.readStream(stream, seq, 1);
  if (record && record.seq === seq) return record;
  // Only on a miss: which streams there are (a GROUP BY over the whole table).
  const heads = await trail.store.streams();
  if (!heads.some((head) => head.stream === stream)) {
    const known = heads.map((h) => `"${h.stream}"`).join(', ') || 'no streams';
    throw notFound(`unknown stream "${stream}": the store has ${known}`);
  }
  throw notFound(`stream "${stream}" has no record at seq ${seq}`);
}

/** What to write to bring a row back to a version; computed only. */
export async function revertPlan(
  trail: AuditTrail,
  table: string,
  id: string,
  versionText: string,
): Promise<RevertPlan> {
  const recordId = parseKey(id);
  await requireRow(trail.store, table, recordId);
  const version = positiveIntOf('version', versionText);
  try {
    return await trail.revert(table, recordId, version);
  } catch (error) {
    if (error instanceof RangeError) throw badRequest(error.message);
    throw error;
  }
}
