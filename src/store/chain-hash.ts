import * as crypto from 'node:crypto';
import type { AuditEvent, AuditRecord } from '../types';
import { canonicalJson, isCanonicalOrdered, toJsonValue } from '../canonical-json';
import type { ChainKey } from '../integrity/chain-key';
import { leafHash } from '../integrity/merkle-hash';

/*
 * The hash chain, in one place. Each record of a stream links to the one before it:
 *   hash = SHA-256( prevHash (hex, '' for the first record) || canonical JSON of the event )
 * or, with a chain key, HMAC-SHA-256(key, prevHash || content) where content is the SHA-256
 * (hex) of the canonical JSON of the event, and the record names the key's id.
 * The event content excludes the chain fields (stream, seq, prevHash, hash, keyId): order is
 * proven by the links, so a reordered, removed or inserted record breaks the link after it.
 *
 * Each record is also a leaf of its stream's Merkle tree (RFC 9162, leaf index seq - 1) over
 * the canonical JSON of { chain: { hash, keyId, prevHash, seq, stream }, content }, so that a
 * proof of inclusion binds the record's content and its place without needing the chain key.
 * (The content digest is computed once per record and serves both, so the keyed chain and the
 * tree cost about one more short hash per record than the plain chain.)
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
  copyText(normalized, 'captureFallback', event.captureFallback);
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
  // Absent personal fields and subject add nothing, so older records hash as they always did.
  if (event.personalFields?.length) normalized.personalFields = event.personalFields.map(String);
  copyText(normalized, 'reason', event.reason);
  normalized.recordId =
    event.recordId === null || event.recordId === undefined ? null : String(event.recordId);
  copyText(normalized, 'requestId', event.requestId);
  copyText(normalized, 'spanId', event.spanId);
  copyText(normalized, 'statement', event.statement);
  copyText(normalized, 'subjectId', event.subjectId);
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
export function hashRecord(prevHash: string | null, event: AuditEvent, key?: ChainKey): string {
  return chainHash(prevHash, eventText(normalize(event)), key);
}

/** SHA-256 hex of a string: the one-shot `crypto.hash` where Node has it (20.12+), else a Hash. */
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text).digest('hex');

function eventText({ event, ordered }: Normalized): string {
  // A normalized event has its own members in sorted order; when its values do too, the
  // canonical text is what JSON.stringify writes, at a fraction of the cost.
  return ordered ? JSON.stringify(event) : (canonicalJson(event) ?? '');
}

function chainHash(
  prevHash: string | null,
  text: string,
  key: ChainKey | undefined,
  content?: string,
): string {
  if (!key) return sha256Hex((prevHash ?? '') + text);
  return crypto
    .createHmac('sha256', key.key)
    .update((prevHash ?? '') + (content ?? sha256Hex(text)))
    .digest('hex');
}

/** The Merkle leaf hash of a record over its content digest (see the header). */
function leafOf(record: AuditRecord, content: string): Buffer {
  // Members in sorted order, so JSON.stringify gives their canonical text.
  const chain: Record<string, unknown> = { hash: record.hash };
  if (record.keyId !== undefined) chain.keyId = record.keyId;
  chain.prevHash = record.prevHash;
  chain.seq = record.seq;
  chain.stream = record.stream;
  return leafHash(`{"chain":${JSON.stringify(chain)},"content":"${content}"}`);
}

/** The Merkle leaf hash of a stored record. */
export function recordLeaf(record: AuditRecord): Buffer {
  return leafOf(record, sha256Hex(eventText(normalize(record))));
}

/** What a stored record's hash should be (with `key`, or plain SHA-256), and its leaf. */
export function recheckRecord(
  record: AuditRecord,
  key: ChainKey | undefined,
): { hash: string; leaf: Buffer } {
  const text = eventText(normalize(record));
  const content = sha256Hex(text);
  return { hash: chainHash(record.prevHash, text, key, content), leaf: leafOf(record, content) };
}

/** A sealed record and its Merkle leaf hash. */
export interface SealedRecord {
  record: AuditRecord;
  leaf: Buffer;
}

/** Places an event in a chain. The event is normalized first, so the hash survives any store. */
export function sealEvent(event: AuditEvent, link: ChainLink, key?: ChainKey): AuditRecord {
  return sealEventWithLeaf(event, link, key, false).record;
}

/** `sealEvent`, and the record's Merkle leaf from the same canonical text (computed once). */
export function sealEventWithLeaf(
  event: AuditEvent,
  link: ChainLink,
  key: ChainKey | undefined,
  withLeaf = true,
): SealedRecord {
  const normalized = normalize(event);
  const text = eventText(normalized);
  const content = key || withLeaf ? sha256Hex(text) : undefined;
  const hash = chainHash(link.prevHash, text, key, content);
  // The normalized copy is ours: it becomes the record (one allocation less per record).
  const record: AuditRecord = Object.assign(normalized.event, {
    stream: link.stream,
    seq: link.seq,
    prevHash: link.prevHash,
    hash,
  });
  if (key) record.keyId = key.keyId;
  return { record, leaf: content && withLeaf ? leafOf(record, content) : EMPTY_LEAF };
}

const EMPTY_LEAF = Buffer.alloc(0);

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
  | 'captureFallback'
  | 'namespace'
  | 'model'
  | 'tenantId'
  | 'reason'
  | 'requestId'
  | 'traceId'
  | 'spanId'
  | 'transactionId'
  | 'statement'
  | 'subjectId';

function copyText(target: AuditEvent, key: OptionalText, value: string | null | undefined): void {
  if (value !== undefined && value !== null) target[key] = String(value);
}
