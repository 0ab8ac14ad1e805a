import assert from 'node:assert/strict';
import { parseMoment, parsePoint, parseVersion } from '../../src/cli/parse-args';
import { redactUrl } from '../../src/cli/store-errors';

describe('CLI argument parsing', () => {
  const now = Date.parse('2026-11-28T12:00:00.000Z');

  it('reads ISO 8601 dates and times, and durations ago', () => {
    assert.equal(parseMoment('2026-11-27', now).toISOString(), '2026-11-27T00:00:00.000Z');
    assert.equal(
      parseMoment('2026-11-27T22:30:00Z', now).toISOString(),
      '2026-11-27T22:30:00.000Z',
    );
    assert.equal(
      parseMoment('2026-11-27T22:30:00.250+01:00', now).toISOString(),
      '2026-11-27T21:30:00.250Z',
    );
    assert.equal(parseMoment('12h', now).toISOString(), '2026-11-28T00:00:00.000Z');
    assert.equal(parseMoment('7d', now).toISOString(), '2026-11-21T12:00:00.000Z');
  });

  it('rejects what is not a calendar date', () => {
    for (const text of ['yesterday', '2026-02-30', '2026-13-01', '27/11/2026', '1', '12x', '']) {
      assert.throws(() => parseMoment(text, now), /is not a date/, text);
    }
  });

  it('tells versions from moments', () => {
    assert.equal(parsePoint('3'), 3);
    assert.ok(parsePoint('2026-11-27') instanceof Date);
    assert.throws(() => parseVersion('0'), /versions start at 1/);
    assert.throws(() => parsePoint('later'), /neither a version number/);
  });

  it('hides the password of a store URL in messages', () => {
    assert.equal(
      redactUrl('postgres://audit:s3cret@db:5432/app?table=audit_log'),
      'postgres://audit:***@db:5432/app?table=audit_log',
    );
    assert.equal(redactUrl('sqlite:audit.db'), 'sqlite:audit.db');
  });
});
