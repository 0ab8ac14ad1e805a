import type { Attributes } from '@opentelemetry/api';
import { ATTR_AUDIT_METADATA_PREFIX } from '../semconv';
import type { AuditMetadataValue } from '../types';
import { truncationMarker } from './canonical-value';
import type { FieldRedactor } from './redaction';

/*
 * Metadata is user data on every record: it is bounded and redacted like row values before it
 * reaches a span or a store, and a value of the wrong shape is turned into something storable
 * instead of failing the write.
 */

/** At most this many metadata keys per record; the rest are dropped and counted. */
export const MAX_METADATA_KEYS = 32;
/** Metadata keys are cut to this many characters. */
export const MAX_METADATA_KEY_LENGTH = 64;
/** Text metadata values are cut to this many UTF-8 bytes (with a truncation marker). */
export const MAX_METADATA_VALUE_BYTES = 1024;
/** The key that says how many keys were dropped over `MAX_METADATA_KEYS`. */
export const METADATA_TRUNCATED_KEY = '_truncated';

/** Metadata as a record carries it. */
export type RecordMetadata = Record<string, AuditMetadataValue>;

const UNSAFE_KEY_CHARACTERS = /[^A-Za-z0-9_.:-]/g;

/**
 * Bounded, redacted metadata with keys in code-unit order (so the record's canonical JSON is
 * built as is); `undefined` when nothing is left. Never throws.
 */
export function boundMetadata(
  raw: Readonly<Record<string, unknown>> | undefined,
  redactor: FieldRedactor,
): RecordMetadata | undefined {
  return limitKeys(storableEntries(raw, redactor));
}

/**
 * `base` (already bounded) with `extra` bounded and merged over it, the key limit applied to
 * the whole; `undefined` when both are empty. Values of `base` are not redacted twice.
 */
export function mergeMetadata(
  base: RecordMetadata | undefined,
  extra: Readonly<Record<string, unknown>> | undefined,
  redactor: FieldRedactor,
): RecordMetadata | undefined {
  const added = storableEntries(extra, redactor);
  if (added.length === 0) return base;
  const replaced = new Set(added.map(([key]) => key));
  const kept = Object.entries(base ?? {}).filter(([key]) => !replaced.has(key));
  return limitKeys([...kept, ...added]);
}

type Entry = [string, AuditMetadataValue];

/** The storable, redacted entries of raw metadata (the last one wins for a repeated key). */
function storableEntries(
  raw: Readonly<Record<string, unknown>> | undefined,
  redactor: FieldRedactor,
): Entry[] {
  if (!raw || typeof raw !== 'object') return [];
  const entries = new Map<string, AuditMetadataValue>();
  for (const [rawKey, rawValue] of Object.entries(raw)) {
    const value = storableValue(rawValue);
    if (value === undefined) continue;
    const key = safeKey(rawKey);
    if (!redactor.isRedacted(key)) entries.set(key, value);
    else if (!redactor.dropsFields) entries.set(key, redactedValue(redactor, value));
  }
  return [...entries];
}

/** The first `MAX_METADATA_KEYS` entries in key order, and a count of the others. */
function limitKeys(entries: Entry[]): RecordMetadata | undefined {
  if (entries.length === 0) return undefined;
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const kept = entries.slice(0, MAX_METADATA_KEYS);
  const metadata: RecordMetadata = {};
  for (const [key, value] of kept) metadata[key] = value;
  const dropped = entries.length - kept.length;
  if (dropped > 0) metadata[METADATA_TRUNCATED_KEY] = `[truncated: ${dropped} keys]`;
  return sortedKeys(metadata);
}

/** Writes `audit.metadata.<key>` attributes. */
export function addMetadataAttributes(
  attributes: Attributes,
  metadata: RecordMetadata | undefined,
): void {
  if (!metadata) return;
  for (const key of Object.keys(metadata)) {
    attributes[ATTR_AUDIT_METADATA_PREFIX + key] = metadata[key];
  }
}

/** Reads `audit.metadata.<key>` attributes back; `undefined` when there are none. */
export function metadataFromAttributes(attributes: Attributes): RecordMetadata | undefined {
  const found: RecordMetadata = {};
  let foundSome = false;
  for (const name of Object.keys(attributes)) {
    if (!name.startsWith(ATTR_AUDIT_METADATA_PREFIX)) continue;
    const value = attributes[name];
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      continue;
    }
    found[name.slice(ATTR_AUDIT_METADATA_PREFIX.length)] = value;
    foundSome = true;
  }
  return foundSome ? sortedKeys(found) : undefined;
}

function safeKey(key: string): string {
  const safe = key.replace(UNSAFE_KEY_CHARACTERS, '_') || '_';
  return safe.length > MAX_METADATA_KEY_LENGTH ? safe.slice(0, MAX_METADATA_KEY_LENGTH) : safe;
}

/** Strings, finite numbers and booleans as they are; other values as bounded text or dropped. */
function storableValue(value: unknown): AuditMetadataValue | undefined {
  switch (typeof value) {
    case 'string':
      return boundText(value);
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return boundText(value.toString());
    case 'object':
      if (value === null) return undefined;
      return boundText(textOf(value));
    default:
      return undefined;
  }
}

function textOf(value: object): string {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '[unserializable]';
  }
}

function boundText(text: string): string {
  if (text.length * 3 <= MAX_METADATA_VALUE_BYTES) return text;
  const bytes = Buffer.byteLength(text);
  if (bytes <= MAX_METADATA_VALUE_BYTES) return text;
  const marker = truncationMarker(bytes);
  const cut = Buffer.from(text)
    .subarray(0, Math.max(0, MAX_METADATA_VALUE_BYTES - marker.length))
    .toString('utf8');
  return (cut.endsWith('\uFFFD') ? cut.slice(0, -1) : cut) + marker;
}

function redactedValue(redactor: FieldRedactor, value: AuditMetadataValue): AuditMetadataValue {
  const redacted = redactor.redactValue(value);
  return typeof redacted === 'string' ||
    typeof redacted === 'number' ||
    typeof redacted === 'boolean'
    ? redacted
    : String(redacted);
}

function sortedKeys(metadata: RecordMetadata): RecordMetadata {
  const keys = Object.keys(metadata);
  let sorted = true;
  for (let i = 1; i < keys.length && sorted; i += 1) sorted = keys[i - 1] < keys[i];
  if (sorted) return metadata;
  const result: RecordMetadata = {};
  for (const key of keys.sort()) result[key] = metadata[key];
  return result;
}
