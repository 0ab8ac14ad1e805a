/*
 * ISO 8601 text of a time in milliseconds. The rows of one write share their timestamps
 * (`createdAt`, `updatedAt` and the record's own `occurredAt` fall in the same millisecond),
 * so the last conversion is kept and reused: `Date.prototype.toISOString` is one of the
 * costlier steps of building a record.
 */

let lastMs = Number.NaN;
let lastText = '';

/** `new Date(ms).toISOString()`, for a valid time. */
export function isoStringOf(ms: number): string {
  if (ms !== lastMs) {
    lastText = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastText;
}
