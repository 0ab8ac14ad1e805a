/*
 * Canonical JSON: object keys sorted by code unit, no whitespace, `undefined` members left out,
 * non-finite numbers as null, bigints as strings, objects with `toJSON` (Date, Buffer) through
 * it. The same value always gives the same text, whatever the key order it was built with or
 * the store it was read back from, which is what the hash chain needs.
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

/** The canonical JSON text of `value`; `undefined` for values JSON cannot hold (functions, symbols, undefined). */
export function canonicalJson(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      // String() and JSON.stringify() agree on every finite number (-0 included).
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return `"${value.toString()}"`;
    case 'object':
      return value === null ? 'null' : canonicalObject(value);
    default:
      return undefined;
  }
}

function canonicalObject(value: object): string | undefined {
  if (Array.isArray(value)) return canonicalArray(value);
  if (hasToJson(value)) return canonicalJson(value.toJSON());
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length > 1) keys.sort();
  let text = '{';
  for (const key of keys) {
    const member = canonicalJson(record[key]);
    if (member === undefined) continue;
    text += `${text.length > 1 ? ',' : ''}${JSON.stringify(key)}:${member}`;
  }
  return `${text}}`;
}

function canonicalArray(items: readonly unknown[]): string {
  let text = '[';
  for (let i = 0; i < items.length; i += 1) {
    text += `${i > 0 ? ',' : ''}${canonicalJson(items[i]) ?? 'null'}`;
  }
  return `${text}]`;
}

/**
 * True when `value` is plain JSON data (what `JSON.parse` returns: finite numbers, strings,
 * booleans, null, arrays, plain objects without undefined members) whose object keys already
 * come in canonical (sorted) order. For such a value `JSON.stringify` gives the canonical text,
 * several times faster than `canonicalJson`. (Integer-like keys iterate in numeric order,
 * so objects with them usually fail the check and take the slow path.)
 */
export function isCanonicalOrdered(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      if (value === null) return true;
      if (Array.isArray(value)) return value.every(isCanonicalOrdered);
      return isCanonicalObject(value);
    default:
      return false;
  }
}

function isCanonicalObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  let previous: string | undefined;
  for (const key in value) {
    if (previous !== undefined && !(previous < key)) return false;
    if (!isCanonicalOrdered((value as Record<string, unknown>)[key])) return false;
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
