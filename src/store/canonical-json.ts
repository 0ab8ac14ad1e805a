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
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return JSON.stringify(value.toString());
    case 'object':
      return value === null ? 'null' : canonicalObject(value);
    default:
      return undefined;
  }
}

function canonicalObject(value: object): string | undefined {
  if (hasToJson(value)) return canonicalJson(value.toJSON());
  if (Array.isArray(value)) {
    return `[${value.map((item: unknown) => canonicalJson(item) ?? 'null').join(',')}]`;
  }
  const members: string[] = [];
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record).sort()) {
    const text = canonicalJson(record[key]);
    if (text !== undefined) members.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${members.join(',')}}`;
}

/** `value` as plain JSON data (what any store gives back after storing it). */
export function toJsonValue(value: unknown): JsonValue {
  const text = canonicalJson(value);
  return text === undefined ? null : (JSON.parse(text) as JsonValue);
}
