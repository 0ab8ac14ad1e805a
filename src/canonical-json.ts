import canonicalize from 'canonicalize';

/*
 * Canonical JSON: the JSON Canonicalization Scheme (JCS, RFC 8785) — object keys sorted by
 * UTF-16 code unit, no whitespace, numbers and strings as ECMAScript serializes them — through
 * the `canonicalize` package. Before it, values JSON cannot hold are mapped the way this package
 * always has: `undefined` members left out, non-finite numbers as null, bigints as strings,
 * objects with `toJSON` (Date, Buffer) through it. The same value always gives the same text,
 * whatever the key order it was built with or the store it was read back from, which is what
 * the hash chain and the Merkle leaves need. One canonicalizer for hashing, storing, exporting.
 */

type JsonScalar = string | number | boolean | null;
/** A JSON value as `JSON.parse` returns it. */
export type JsonValue = JsonScalar | JsonValue[] | { [key: string]: JsonValue };

interface WithToJson {
  toJSON(): unknown;
}

function hasToJson(value: object): value is WithToJson {
  return typeof (value as Partial<WithToJson>).toJSON === 'function';
}

/** The canonical (RFC 8785) JSON text of `value`; `undefined` for values JSON cannot hold (functions, symbols, undefined). */
export function canonicalJson(value: unknown): string | undefined {
  // Plain data whose keys already come sorted: JSON.stringify writes exactly the JCS text
  // (ECMAScript number and string serialization are what RFC 8785 prescribes).
  if (isCanonicalOrdered(value)) return JSON.stringify(value);
  if (isPlainData(value)) return canonicalize(value);
  const plain = toPlainJson(value);
  return plain === undefined ? undefined : canonicalize(plain);
}

/** True for JSON data in any key order: nothing `toPlainJson` would have to map. */
function isPlainData(value: unknown): boolean {
  return isJsonData(value, false);
}

/** `value` with what JSON cannot hold mapped to what it can (see the header); undefined for nothing. */
function toPlainJson(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return value.toString();
    case 'object':
      if (value === null) return null;
      if (Array.isArray(value)) return value.map((item) => toPlainJson(item) ?? null);
      if (hasToJson(value)) return toPlainJson(value.toJSON());
      return plainObject(value as Record<string, unknown>);
    default:
      return undefined;
  }
}

function plainObject(record: Record<string, unknown>): Record<string, unknown> {
  const plain: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    const member = toPlainJson(record[key]);
    if (member !== undefined) plain[key] = member;
  }
  return plain;
}

/**
 * True when `value` is plain JSON data (what `JSON.parse` returns: finite numbers, strings,
 * booleans, null, arrays, plain objects without undefined members) whose object keys already
 * come in canonical (sorted) order. For such a value `JSON.stringify` gives the canonical text,
 * several times faster than `canonicalJson`. (Integer-like keys iterate in numeric order,
 * so objects with them usually fail the check and take the slow path.)
 */
export function isCanonicalOrdered(value: unknown): boolean {
  return isJsonData(value, true);
}

/** Plain JSON data (see `isCanonicalOrdered`); with `sorted`, object keys in code-unit order too. */
function isJsonData(value: unknown, sorted: boolean): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      if (value === null) return true;
      if (Array.isArray(value)) return value.every((item) => isJsonData(item, sorted));
      return isJsonObject(value, sorted);
    default:
      return false;
  }
}

function isJsonObject(value: object, sorted: boolean): boolean {
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  let previous: string | undefined;
  for (const key in value) {
    if (sorted && previous !== undefined && !(previous < key)) return false;
    if (!isJsonData((value as Record<string, unknown>)[key], sorted)) return false;
    previous = key;
  }
  return true;
}

/** `value` as plain JSON data (what any store gives back after storing it). */
export function toJsonValue(value: unknown): JsonValue {
  if (isCanonicalOrdered(value)) return value as JsonValue;
  const text = canonicalJson(value);
  return text === undefined ? null : (JSON.parse(text) as JsonValue);
}
