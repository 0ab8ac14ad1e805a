/*
 * Canonical JSON of column values: what an audit record stores for a value, the same on every
 * dialect and never an exception. Dates become ISO strings, Buffers base64 (capped), BigInt
 * and DECIMAL strings, JSON columns stay JSON with sorted keys; what cannot be represented is
 * replaced by a visible marker.
 */

import { isoStringOf } from './iso-time';

/** A value as stored in an audit record. */
export type CanonicalValue =
  string | number | boolean | null | CanonicalValue[] | { [key: string]: CanonicalValue };

export const MARKER_CIRCULAR = '[circular]';
export const MARKER_FUNCTION = '[function]';
export const MARKER_INVALID_DATE = '[invalid date]';
export const MARKER_SYMBOL = '[symbol]';
export const MARKER_UNSERIALIZABLE = '[unserializable]';

/** A UTF-16 code unit takes at most 3 bytes in UTF-8 (a surrogate pair, two units, takes 4). */
const MAX_UTF8_BYTES_PER_UNIT = 3;

/** The marker written in place of (or after the kept part of) a value that was too large. */
export function truncationMarker(originalBytes: number): string {
  return `[truncated: ${originalBytes} bytes]`;
}

/** Converts any value to its canonical form; never throws. */
export function toCanonical(value: unknown, maxValueBytes: number): CanonicalValue {
  // Most column values are short strings and finite numbers: no conversion, no measure.
  if (typeof value === 'string' && value.length * MAX_UTF8_BYTES_PER_UNIT <= maxValueBytes) {
    return value;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (value === null || value === undefined) return null;
  try {
    if (value instanceof Date) return capValue(canonicalDate(value), maxValueBytes);
    return capValue(convert(value, new Set(), maxValueBytes), maxValueBytes);
  } catch {
    return MARKER_UNSERIALIZABLE;
  }
}

function convert(value: unknown, seen: Set<object>, maxBytes: number): CanonicalValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value.toString();
    case 'undefined':
      return null;
    case 'function':
      return MARKER_FUNCTION;
    case 'symbol':
      return MARKER_SYMBOL;
    default:
      return convertObject(value as object | null, seen, maxBytes);
  }
}

function convertObject(value: object | null, seen: Set<object>, maxBytes: number): CanonicalValue {
  if (value === null) return null;
  if (value instanceof Date) return canonicalDate(value);
  if (ArrayBuffer.isView(value)) {
    return bytesToBase64(Buffer.from(value.buffer, value.byteOffset, value.byteLength), maxBytes);
  }
  if (seen.has(value)) return MARKER_CIRCULAR;
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => convert(item, seen, maxBytes));
    if (hasToJSON(value)) return convert(value.toJSON(), seen, maxBytes);
    const result: { [key: string]: CanonicalValue } = {};
    for (const key of Object.keys(value).sort()) {
      result[key] = convert((value as Record<string, unknown>)[key], seen, maxBytes);
    }
    return result;
  } finally {
    seen.delete(value);
  }
}

function canonicalDate(date: Date): string {
  const ms = date.getTime();
  return Number.isNaN(ms) ? MARKER_INVALID_DATE : isoStringOf(ms);
}

/** Base64 of the bytes, encoding only what fits in `maxBytes` (a 10 MB blob is never copied whole). */
function bytesToBase64(bytes: Buffer, maxBytes: number): string {
  const encodedLength = Math.ceil(bytes.length / 3) * 4;
  if (encodedLength <= maxBytes) return bytes.toString('base64');
  const marker = truncationMarker(bytes.length);
  const kept = Math.max(0, Math.floor((maxBytes - marker.length) / 4) * 3);
  return bytes.subarray(0, kept).toString('base64') + marker;
}

function hasToJSON(value: object): value is { toJSON(): unknown } {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

function capValue(value: CanonicalValue, maxBytes: number): CanonicalValue {
  if (typeof value === 'string') {
    const bytes = Buffer.byteLength(value);
    if (bytes <= maxBytes) return value;
    const marker = truncationMarker(bytes);
    return truncateString(value, Math.max(0, maxBytes - marker.length)) + marker;
  }
  if (value === null || typeof value !== 'object') return value;
  const bytes = Buffer.byteLength(JSON.stringify(value));
  return bytes <= maxBytes ? value : truncationMarker(bytes);
}

/** The longest prefix of `text` within `maxBytes` UTF-8 bytes, never splitting a character. */
function truncateString(text: string, maxBytes: number): string {
  const cut = Buffer.from(text).subarray(0, maxBytes).toString('utf8');
  return cut.endsWith('\uFFFD') ? cut.slice(0, -1) : cut;
}

/** Serialized size of a canonical value, in UTF-8 bytes. */
export function canonicalBytes(value: CanonicalValue): number {
  return Buffer.byteLength(JSON.stringify(value));
}
