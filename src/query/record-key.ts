import { canonicalJson } from '../canonical-json';
import { keyPartText, recordIdOfKey } from '../record-id';
import type { RecordKey } from './trail-types';

/**
 * The text form under which the audit side stores a primary key (src/record-id.ts, the one
 * encoding of the package): the value as text, or canonical JSON of the parts as text for a
 * composite key. An object with a single key stands for a plain key, so `{ id: 42 }` and `42`
 * name the same row.
 */
export function recordIdOf(key: RecordKey): string {
  if (typeof key !== 'object') return keyPartText(key) ?? '';
  const columns = Object.keys(key);
  if (columns.length === 0) {
    throw new TypeError('A record key object needs at least one column, e.g. { id: 42 }');
  }
  return recordIdOfKey(key, columns) ?? 'null';
}

/** Deep equality of two values as they would be stored (canonical JSON). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return canonicalJson(a) === canonicalJson(b);
}
