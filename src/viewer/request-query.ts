import { parseMoment, OPERATIONS } from '../cli/parse-args';
import { recordIdOf } from '../query/record-key';
import type { ChangesQuery } from '../query/trail-types';
import type { AuditStore } from '../store/audit-store';
import type { AuditOperation } from '../types';
import { badRequest, notFound } from './http-problem';
import { MAX_PAGE_SIZE } from './viewer-options';

/** The search filters as the pages and `GET /api/records` take them (query parameters). */
export interface SearchParams {
  table?: string;
  recordId?: string;
  actor?: string;
  operation?: AuditOperation;
  traceId?: string;
  since?: string;
  until?: string;
}

export const FILTER_NAMES = [
  'table',
  'recordId',
  'actor',
  'operation',
  'traceId',
  'since',
  'until',
] as const;
const PAGING_NAMES = ['pageToken', 'limit'];
const MAX_TEXT = 512;
const TRACE_ID = /^[0-9a-f]{32}$/i;

/** A search request, checked: the filters as typed, the query for the trail, and paging. */
export interface SearchRequest {
  params: SearchParams;
  query: ChangesQuery;
  limit: number;
  pageToken?: string;
}

/** Reads and checks the search parameters; unknown names and malformed values are a 400. */
export function parseSearch(
  url: URL,
  defaultLimit: number,
  allowed: readonly string[] = [...FILTER_NAMES, ...PAGING_NAMES],
): SearchRequest {
  const params: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    if (!allowed.includes(name)) {
      throw badRequest(`unknown parameter "${name}": use ${allowed.join(', ')}`);
    }
    if (value.length > MAX_TEXT) {
      throw badRequest(
        `parameter "${name}" is ${value.length} characters long; at most ${MAX_TEXT}`,
      );
    }
    if (value.trim() !== '') params[name] = value.trim();
  }
  const search: SearchParams = {
    table: params.table,
    recordId: params.recordId,
    actor: params.actor,
    operation: params.operation === undefined ? undefined : operationOf(params.operation),
    traceId: params.traceId === undefined ? undefined : traceIdOf(params.traceId),
    since: params.since,
    until: params.until,
  };
  if (search.recordId !== undefined && search.table === undefined) {
    throw badRequest(`recordId "${search.recordId}" needs a table: add table=...`);
  }
  const query: ChangesQuery = {
    table: search.table,
    recordId: search.recordId === undefined ? undefined : parseKey(search.recordId),
    actor: search.actor,
    operation: search.operation,
    traceId: search.traceId,
    since: search.since === undefined ? undefined : momentOf('since', search.since),
    until: search.until === undefined ? undefined : momentOf('until', search.until),
  };
  return {
    params: search,
    query,
    limit: params.limit === undefined ? defaultLimit : limitOf(params.limit),
    pageToken: params.pageToken,
  };
}

function operationOf(text: string): AuditOperation {
  const operation = OPERATIONS.find((o) => o === text);
  if (!operation) {
    throw badRequest(`unknown operation "${text}": use one of ${OPERATIONS.join(', ')}`);
  }
  return operation;
}

function traceIdOf(text: string): string {
  if (!TRACE_ID.test(text)) {
    throw badRequest(`trace id "${text}" is not 32 hexadecimal digits`);
  }
  return text.toLowerCase();
}

function momentOf(name: string, text: string): Date {
  try {
    return parseMoment(text);
  } catch (error) {
    throw badRequest(`${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function limitOf(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > MAX_PAGE_SIZE) {
    throw badRequest(`limit "${text}" must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  }
  return value;
}

/** A primary key from a URL: `42`, or a composite key as JSON in any column order. */
export function parseKey(text: string): string {
  if (!text.trimStart().startsWith('{')) return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badRequest(`record id ${text} looks like a composite key but is not valid JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw badRequest(`record id ${text} must be a JSON object of key columns`);
  }
  const columns = parsed as Record<string, unknown>;
  const values = Object.values(columns);
  if (values.length === 0 || values.some((v) => v !== null && typeof v === 'object')) {
    throw badRequest(`record id ${text} must map key columns to plain values`);
  }
  return recordIdOf(columns as Record<string, string | number | boolean | null>);
}

/** A 404 with the reason when the trail has no record of the table. */
export async function requireTable(store: AuditStore, table: string): Promise<void> {
  const [first] = await store.find({ table }, { limit: 1 });
  if (!first) throw notFound(`unknown table "${table}": the audit trail has no records for it`);
}

/** A 404 with the reason when the trail has no record of the row (or of its table). */
export async function requireRow(
  store: AuditStore,
  table: string,
  recordId: string,
): Promise<void> {
  // The row first: its index lookup is cheap; the table check only runs on a miss.
  const [first] = await store.find({ table, recordId }, { limit: 1 });
  if (first) return;
  await requireTable(store, table);
  throw notFound(`no audit records for ${table}#${recordId}`);
}

export function positiveIntOf(name: string, text: string): number {
  const value = Number(text);
  if (!/^\d{1,15}$/.test(text) || value < 1) {
    throw badRequest(`${name} "${text}" must be a positive whole number`);
  }
  return value;
}

/** The filters as typed, unchecked (to fill the form in again after a bad request). */
export function typedParams(url: URL): SearchParams {
  const get = (name: string) => url.searchParams.get(name)?.slice(0, MAX_TEXT) || undefined;
  const operation = OPERATIONS.find((o) => o === get('operation'));
  return {
    table: get('table'),
    recordId: get('recordId'),
    actor: get('actor'),
    operation,
    traceId: get('traceId'),
    since: get('since'),
    until: get('until'),
  };
}
