import type { RecordKey } from './trail-types';

/**
 * The text form under which the audit side stores a primary key: the value as text, or
 * canonical JSON (keys sorted, no spaces) for a composite key. An object with a single key
 * stands for a plain key, so `{ id: 42 }` and `42` name the same row.
 */
export function recordIdOf(key: RecordKey): string {
  if (typeof key === 'string') return key;
  if (typeof key === 'number' || typeof key === 'bigint') return String(key);
  const columns = Object.keys(key).sort();
  if (columns.length === 0) throw new TypeError('A record key object needs at least one column');
  if (columns.length === 1) return String(key[columns[0]]);
  return canonicalJson(key);
}

/** JSON with object keys sorted at every depth, so equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  }
  return sorted;
}

/** Deep equality of two values as they would be stored (canonical JSON). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return canonicalJson(a) === canonicalJson(b);
}
