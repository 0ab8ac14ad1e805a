import { canonicalJson } from './canonical-json';

/*
 * The one text form of a primary key, used where records are written and where they are
 * looked up: a single key is its value as text; a composite key is canonical JSON (keys
 * sorted, no spaces) of every part as text. Parts are text because drivers disagree on how
 * they read numbers back (PostgreSQL returns BIGINT as a string, the caller passes a number):
 * `{ a: 1, b: '2' }` and `{ a: '1', b: 2 }` name the same row.
 */

/** A key part as text; `null` for a missing part. */
export function keyPartText(value: unknown): string | null {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value);
    case 'undefined':
      return null;
    default:
      if (value === null) return null;
      if (value instanceof Date) {
        return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
      }
      if (Buffer.isBuffer(value)) return value.toString('base64');
      return canonicalJson(value) ?? String(value);
  }
}

/**
 * The record id of a row: the text of its one key column, or canonical JSON of its key
 * columns for a composite key; `null` when the row has no key (or a single key part is null).
 *
 * @example
 * recordIdOfKey({ id: 42 })                      // '42'
 * recordIdOfKey({ tenant: '7', id: 42n })        // '{"id":"42","tenant":"7"}'
 * recordIdOfKey({ tenant: 7, id: 42 }, ['id'])   // '42'
 */
export function recordIdOfKey(
  values: Readonly<Record<string, unknown>>,
  keyColumns: readonly string[] = Object.keys(values),
): string | null {
  if (keyColumns.length === 0) return null;
  if (keyColumns.length === 1) return keyPartText(values[keyColumns[0]]);
  const key: Record<string, string | null> = {};
  for (const column of keyColumns) key[column] = keyPartText(values[column]);
  return canonicalJson(key) ?? null;
}
