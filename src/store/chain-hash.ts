import { createHash } from 'node:crypto';
import type { AuditEvent, AuditRecord } from '../types';
import { canonicalJson, toJsonValue } from './canonical-json';

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
 */
export function normalizeEvent(event: AuditEvent): AuditEvent {
  const normalized: AuditEvent = {
    eventId: String(event.eventId),
    occurredAt: normalizeTimestamp(event.occurredAt),
    operation: event.operation,
    granularity: event.granularity === 'statement' ? 'statement' : 'row',
    dbSystem: String(event.dbSystem),
    table: String(event.table),
    recordId:
      event.recordId === null || event.recordId === undefined ? null : String(event.recordId),
    changedFields: (event.changedFields ?? []).map(String),
    before: jsonObjectOrNull(event.before),
    after: jsonObjectOrNull(event.after),
  };
  copyText(normalized, 'namespace', event.namespace);
  copyText(normalized, 'model', event.model);
  if (event.actor?.id !== undefined && event.actor.id !== null) {
    normalized.actor =
      event.actor.type === undefined || event.actor.type === null
        ? { id: String(event.actor.id) }
        : { id: String(event.actor.id), type: String(event.actor.type) };
  }
  copyText(normalized, 'tenantId', event.tenantId);
  copyText(normalized, 'reason', event.reason);
  copyText(normalized, 'requestId', event.requestId);
  copyText(normalized, 'traceId', event.traceId);
  copyText(normalized, 'spanId', event.spanId);
  copyText(normalized, 'transactionId', event.transactionId);
  if (event.outcome === 'committed' || event.outcome === 'rolled_back') {
    normalized.outcome = event.outcome;
  }
  copyText(normalized, 'statement', event.statement);
  if (typeof event.affectedRows === 'number' && Number.isFinite(event.affectedRows)) {
    normalized.affectedRows = event.affectedRows;
  }
  return normalized;
}

/**
 * SHA-256 (hex) of the previous hash followed by the canonical JSON of the event content (the
 * event fields of `event`, normalized; chain fields are ignored).
 */
export function hashRecord(prevHash: string | null, event: AuditEvent): string {
  return hashNormalized(prevHash, normalizeEvent(event));
}

function hashNormalized(prevHash: string | null, normalized: AuditEvent): string {
  return createHash('sha256')
    .update(prevHash ?? '')
    .update(canonicalJson(normalized) ?? '')
    .digest('hex');
}

/** Places an event in a chain. The event is normalized first, so the hash survives any store. */
export function sealEvent(event: AuditEvent, link: ChainLink): AuditRecord {
  const normalized = normalizeEvent(event);
  return {
    ...normalized,
    stream: link.stream,
    seq: link.seq,
    prevHash: link.prevHash,
    hash: hashNormalized(link.prevHash, normalized),
  };
}

function normalizeTimestamp(value: string): string {
  const time = new Date(value).getTime();
  return Number.isNaN(time) ? new Date(0).toISOString() : new Date(time).toISOString();
}

function jsonObjectOrNull(value: Record<string, unknown> | null | undefined) {
  if (value === null || value === undefined) return null;
  const json = toJsonValue(value);
  return json !== null && typeof json === 'object' && !Array.isArray(json) ? json : null;
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
