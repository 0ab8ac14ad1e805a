/*
 * ISO 8601 text of a time in milliseconds. The rows of one write share their timestamps
 * (`createdAt`, `updatedAt` and the record's own `occurredAt` fall in the same millisecond),
 * and the writes of one second share everything up to the milliseconds, so that prefix is
 * kept and reused: `Date.prototype.toISOString` is one of the costlier steps of building a
 * record.
 */

let secondStart = Number.NaN;
let secondPrefix = '';
let lastMs = Number.NaN;
let lastText = '';

/** `new Date(ms).toISOString()`, for a valid time. */
export function isoStringOf(ms: number): string {
  if (ms === lastMs) return lastText;
  const millis = ms - secondStart;
  if (millis >= 0 && millis < 1000 && Number.isInteger(millis)) {
    lastText = `${secondPrefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
  } else {
    lastText = new Date(ms).toISOString();
    // Years outside 0000–9999 are written with a sign and six digits: not worth a prefix.
    const usable = lastText.length === 24 && Number.isInteger(ms);
    secondStart = usable ? ms - Number(lastText.slice(20, 23)) : Number.NaN;
    secondPrefix = lastText.slice(0, 20);
  }
  lastMs = ms;
  return lastText;
}
