import { createHash } from 'node:crypto';

/*
 * Values that go into bounded store columns (VARCHAR(255) keys, VARCHAR(64) short texts) are
 * cut at capture, so that no value (a 300-character actor id copied from a request header)
 * can make a store insert fail. A cut value ends with a visible marker holding a hash of the
 * full text, so two long values that share a prefix stay apart and the cut is plain to see.
 */

/** Column sizes of the SQL store (src/store/sql/sql-schema.ts: `key` and `shortText`). */
export const KEY_COLUMN_CHARS = 255;
export const SHORT_TEXT_COLUMN_CHARS = 64;
/** A generous bound for the free-text `reason`, stored in a TEXT column. */
export const REASON_CHARS = 4096;

/** `value` itself when it fits `maxChars` UTF-16 units; else its head and `…[cut sha256:…]`. */
export function boundedText(value: string, maxChars: number): string {
  if (value.length <= maxChars) return value;
  const digest = createHash('sha256').update(value).digest('hex').slice(0, 16);
  const marker = `…[cut sha256:${digest}]`;
  let head = value.slice(0, Math.max(0, maxChars - marker.length));
  // Never split a surrogate pair: a lone high surrogate is invalid UTF-8 for the store.
  const last = head.charCodeAt(head.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) head = head.slice(0, -1);
  return `${head}${marker}`.slice(0, maxChars);
}

/** `boundedText` for an optional value. */
export function boundedOptional(value: string | undefined, maxChars: number): string | undefined {
  return value === undefined ? undefined : boundedText(String(value), maxChars);
}
