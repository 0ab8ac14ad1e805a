import { canonicalJson } from '../canonical-json';
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
  return canonicalJson(key) ?? '';
}

/** Deep equality of two values as they would be stored (canonical JSON). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return canonicalJson(a) === canonicalJson(b);
}
