import * as crypto from 'node:crypto';
import type { AuditEvent, AuditRecord } from '../types';
import { canonicalJson, isCanonicalOrdered, toJsonValue } from '../canonical-json';

/*
 * The hash chain, in one place. Each record of a stream links to the one before it:
 *   hash = SHA-256( prevHash (hex, '' for the first record) || canonical JSON of the event )
 * The event content excludes the chain fields (stream, seq, prevHash, hash): order is proven by
 * the links, so a reordered, removed or inserted record breaks the link after it.
 */

/** Where a record sits in its stream. */
export interface ChainLink {
  stream: string;
  seq: number;
  prevHash: string | null;
}

/**
 * The event as every store gives it back: occurredAt as ISO 8601 with milliseconds in UTC,
 * JSON-safe before/after values, optional members left out rather than null or undefined.
 * Members are assigned in canonical (sorted) key order, so that the canonical text of a
 * normalized event is usually plain `JSON.stringify` (see `hashNormalized`).
 */
export function normalizeEvent(event: AuditEvent): AuditEvent {
  return normalize(event).event;
}

/** A normalized event, and whether its values are in canonical order (see `hashNormalized`). */
interface Normalized {
  event: AuditEvent;
  ordered: boolean;
}

function normalize(event: AuditEvent): Normalized {
  const actor = normalizeActor(event.actor);
  const after = jsonObjectOrNull(event.after);
  const before = jsonObjectOrNull(event.before);
  const normalized = {} as AuditEvent;
  if (actor) normalized.actor = actor;
  if (typeof event.affectedRows === 'number' && Number.isFinite(event.affectedRows)) {
    normalized.affectedRows = event.affectedRows;
  }
  normalized.after = after.value;
  normalized.before = before.value;
  normalized.changedFields = (event.changedFields ?? []).map(String);
  normalized.dbSystem = String(event.dbSystem);
  normalized.eventId = String(event.eventId);
  normalized.granularity = event.granularity === 'statement' ? 'statement' : 'row';
  // Absent or empty metadata adds nothing, so records without it hash as they always did.
  const metadata = normalizeMetadata(event.metadata);
  if (metadata) normalized.metadata = metadata;
  copyText(normalized, 'model', event.model);
  copyText(normalized, 'namespace', event.namespace);
  normalized.occurredAt = normalizeTimestamp(event.occurredAt);
  normalized.operation = event.operation;
  if (event.outcome === 'committed' || event.outcome === 'rolled_back') {
    normalized.outcome = event.outcome;
  }
  copyText(normalized, 'reason', event.reason);
  normalized.recordId =
    event.recordId === null || event.recordId === undefined ? null : String(event.recordId);
  copyText(normalized, 'requestId', event.requestId);
  copyText(normalized, 'spanId', event.spanId);
  copyText(normalized, 'statement', event.statement);
  normalized.table = String(event.table);
  copyText(normalized, 'tenantId', event.tenantId);
  copyText(normalized, 'traceId', event.traceId);
  copyText(normalized, 'transactionId', event.transactionId);
  return { event: normalized, ordered: after.ordered && before.ordered };
}

function normalizeActor(actor: AuditEvent['actor']): AuditEvent['actor'] {
  if (actor?.id === undefined || actor.id === null) return undefined;
  return actor.type === undefined || actor.type === null
    ? { id: String(actor.id) }
    : { id: String(actor.id), type: String(actor.type) };
}

/**
 * SHA-256 (hex) of the previous hash followed by the canonical JSON of the event content (the
 * event fields of `event`, normalized; chain fields are ignored).
 */
export function hashRecord(prevHash: string | null, event: AuditEvent): string {
  return hashNormalized(prevHash, normalize(event));
}

/** SHA-256 hex of a string: the one-shot `crypto.hash` where Node has it (20.12+), else a Hash. */
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text).digest('hex');

function hashNormalized(prevHash: string | null, { event, ordered }: Normalized): string {
  // A normalized event has its own members in sorted order; when its values do too, the
  // canonical text is what JSON.stringify writes, at a fraction of the cost.
  const text = ordered ? JSON.stringify(event) : (canonicalJson(event) ?? '');
  return sha256Hex((prevHash ?? '') + text);
}

/** Places an event in a chain. The event is normalized first, so the hash survives any store. */
export function sealEvent(event: AuditEvent, link: ChainLink): AuditRecord {
  const normalized = normalize(event);
  const hash = hashNormalized(link.prevHash, normalized);
  // The normalized copy is ours: it becomes the record (one allocation less per record).
  return Object.assign(normalized.event, {
    stream: link.stream,
    seq: link.seq,
    prevHash: link.prevHash,
    hash,
  });
}

const CANONICAL_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function normalizeTimestamp(value: string): string {
  if (CANONICAL_TIMESTAMP.test(value) && !Number.isNaN(Date.parse(value))) return value;
  const time = new Date(value).getTime();
  return Number.isNaN(time) ? new Date(0).toISOString() : new Date(time).toISOString();
}

/** A before/after value as a plain JSON object (or null), and whether its keys come in canonical order. */
function jsonObjectOrNull(value: Record<string, unknown> | null | undefined): {
  value: Record<string, unknown> | null;
  ordered: boolean;
} {
  if (value === null || value === undefined) return { value: null, ordered: true };
  if (isCanonicalOrdered(value)) return { value, ordered: true };
  const json = toJsonValue(value);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return { value: null, ordered: true };
  }
  return { value: json, ordered: isCanonicalOrdered(json) };
}

/** Metadata with its keys sorted and only text, finite numbers and booleans kept. */
function normalizeMetadata(metadata: AuditEvent['metadata']): AuditEvent['metadata'] {
  if (!metadata || typeof metadata !== 'object') return undefined;
  const keys = Object.keys(metadata).sort();
  if (keys.length === 0) return undefined;
  const result: NonNullable<AuditEvent['metadata']> = {};
  for (const key of keys) {
    const value: unknown = metadata[key];
    if (typeof value === 'string' || typeof value === 'boolean') result[key] = value;
    else if (typeof value === 'number' && Number.isFinite(value)) result[key] = value;
    else if (value !== null && value !== undefined) result[key] = String(value);
  }
  return result;
}

type OptionalText =
  | 'namespace'
  | 'model'
  | 'tenantId'
  | 'reason'
  | 'requestId'
  | 'traceId'
  | 'spanId'
  | 'transactionId'
  | 'statement';

function copyText(target: AuditEvent, key: OptionalText, value: string | null | undefined): void {
  if (value !== undefined && value !== null) target[key] = String(value);
}
