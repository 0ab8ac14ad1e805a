import assert from 'node:assert/strict';
import { isoStringOf } from '../../src/audit/iso-time';

/** Every text must equal `toISOString`, whatever order the times come in. */
function assertSameAsDate(times: readonly number[]): void {
  for (const ms of times) assert.equal(isoStringOf(ms), new Date(ms).toISOString(), `at ${ms}`);
}

describe('ISO text of record times', () => {
  const start = Date.UTC(2026, 11, 31, 23, 59, 58, 990);

  it('matches toISOString across second, day and year boundaries', () => {
    assertSameAsDate(Array.from({ length: 5_000 }, (_, index) => start + index));
  });

  it('matches toISOString when times go backwards and jump', () => {
    assertSameAsDate([start + 1500, start + 10, start + 999, start + 1000, start - 1, start + 1]);
  });

  it('matches toISOString before 1970, at the epoch and outside the years 0000–9999', () => {
    assertSameAsDate([-1, 0, -999, -1000, -1001, 999, 1000]);
    assertSameAsDate([-62_167_219_200_001, -62_167_219_200_000, 253_402_300_799_999]);
    assertSameAsDate([253_402_300_800_000, 253_402_300_800_001, 8.64e15, -8.64e15]);
  });

  it('matches toISOString for fractional milliseconds', () => {
    assertSameAsDate([start + 0.5, start + 1, start + 1.25, start + 2]);
  });
});
