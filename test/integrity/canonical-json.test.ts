import assert from 'node:assert/strict';
import { canonicalJson } from '../../src/canonical-json';

/* RFC 8785 (JSON Canonicalization Scheme) test vectors: sections 3.2.2, 3.2.3 and Appendix B. */

function fromBits(hex: string): number {
  return Buffer.from(hex, 'hex').readDoubleBE(0);
}

describe('canonical JSON (RFC 8785)', () => {
  it('serializes the example of section 3.2.2 as the RFC does', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        '"string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",' +
        '"literals": [null, true, false]}',
    ) as unknown;
    assert.equal(
      canonicalJson(input),
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts property names by UTF-16 code units as in section 3.2.3', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    assert.equal(
      canonicalJson(input),
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control",' +
        '"\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",' +
        '"\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('serializes the numbers of Appendix B as the RFC does', () => {
    const vectors: Array<[string, string]> = [
      ['0000000000000000', '0'],
      ['8000000000000000', '0'],
      ['0000000000000001', '5e-324'],
      ['8000000000000001', '-5e-324'],
      ['7fefffffffffffff', '1.7976931348623157e+308'],
      ['ffefffffffffffff', '-1.7976931348623157e+308'],
      ['4340000000000000', '9007199254740992'],
      ['c340000000000000', '-9007199254740992'],
      ['4430000000000000', '295147905179352830000'],
      ['44b52d02c7e14af5', '9.999999999999997e+22'],
      ['44b52d02c7e14af6', '1e+23'],
      ['44b52d02c7e14af7', '1.0000000000000001e+23'],
      ['444b1ae4d6e2ef4e', '999999999999999700000'],
      ['444b1ae4d6e2ef4f', '999999999999999900000'],
      ['444b1ae4d6e2ef50', '1e+21'],
      ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
      ['3eb0c6f7a0b5ed8d', '0.000001'],
      ['41b3de4355555553', '333333333.3333332'],
      ['41b3de4355555554', '333333333.33333325'],
      ['41b3de4355555555', '333333333.3333333'],
      ['41b3de4355555556', '333333333.3333334'],
      ['41b3de4355555557', '333333333.33333343'],
      ['becbf647612f3696', '-0.0000033333333333333333'],
      ['43143ff3c1cb0959', '1424953923781206.2'],
    ];
    for (const [bits, expected] of vectors) {
      assert.equal(canonicalJson(fromBits(bits)), expected, bits);
      assert.equal(canonicalJson({ b: [fromBits(bits)], a: 1 }), `{"a":1,"b":[${expected}]}`);
    }
  });

  it('gives the same text whatever the key order and nesting the value was built with', () => {
    const a = canonicalJson({ z: { y: 1, x: [{ b: 2, a: 1 }] }, a: 'é' });
    const b = canonicalJson({ a: 'é', z: { x: [{ a: 1, b: 2 }], y: 1 } });
    assert.equal(a, b);
    assert.equal(a, '{"a":"é","z":{"x":[{"a":1,"b":2}],"y":1}}');
  });

  it('maps what JSON cannot hold: undefined members out, non-finite numbers null, bigints as strings, dates through toJSON', () => {
    assert.equal(
      canonicalJson({
        u: undefined,
        n: Number.NaN,
        i: -Infinity,
        big: 12n,
        at: new Date(0),
        f: () => 1,
      }),
      '{"at":"1970-01-01T00:00:00.000Z","big":"12","i":null,"n":null}',
    );
    assert.equal(canonicalJson([undefined, 1]), '[null,1]');
    assert.equal(canonicalJson(undefined), undefined);
  });
});
