import assert from 'node:assert/strict';
import { toCanonical } from '../../src/audit/canonical-value';

describe('canonical audit values', () => {
  it('writes dates as ISO strings, BigInt as a string and JSON objects with sorted keys', () => {
    assert.equal(
      toCanonical(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)), 100),
      '2026-01-02T03:04:05.000Z',
    );
    assert.equal(toCanonical(2n ** 70n, 100), '1180591620717411303424');
    assert.equal(
      JSON.stringify(toCanonical({ b: 1, a: { d: 2, c: [3] } }, 100)),
      '{"a":{"c":[3],"d":2},"b":1}',
    );
    assert.equal(toCanonical('12.50', 100), '12.50');
  });

  it('writes Buffers as base64 and caps them with a visible marker without copying them whole', () => {
    assert.equal(toCanonical(Buffer.from('hello'), 100), 'aGVsbG8=');
    const blob = Buffer.alloc(10 * 1024 * 1024, 7);
    const capped = toCanonical(blob, 1024) as string;
    assert.ok(capped.endsWith('[truncated: 10485760 bytes]'));
    assert.ok(Buffer.byteLength(capped) <= 1024);
  });

  it('replaces circular references, functions, symbols and invalid dates by markers', () => {
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    assert.deepEqual(toCanonical(circular, 1000), { name: 'loop', self: '[circular]' });
    assert.equal(
      toCanonical(() => 1, 100),
      '[function]',
    );
    assert.equal(toCanonical(Symbol('s'), 100), '[symbol]');
    assert.equal(toCanonical(new Date('not a date'), 100), '[invalid date]');
    assert.equal(toCanonical(Number.NaN, 100), 'NaN');
  });

  it('truncates long strings on a character boundary and marks them', () => {
    const text = 'é'.repeat(100);
    const capped = toCanonical(text, 64) as string;
    assert.ok(capped.endsWith('[truncated: 200 bytes]'));
    assert.ok(!capped.includes('\uFFFD'));
    assert.ok(Buffer.byteLength(capped) <= 64);
  });

  it('never throws, even for an object whose toJSON throws', () => {
    const hostile = {
      toJSON() {
        throw new Error('boom');
      },
    };
    assert.equal(toCanonical(hostile, 100), '[unserializable]');
  });
});
