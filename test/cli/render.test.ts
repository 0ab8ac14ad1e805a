import assert from 'node:assert/strict';
import pc from 'picocolors';
import { formatChange, formatTrace, formatValue } from '../../src/cli/render/values';

describe('CLI rendering of values', () => {
  const plain = pc.createColors(false);

  it('shows strings bare, other values as JSON, absent ones as a dash, and cuts long ones', () => {
    assert.equal(formatValue('paid'), 'paid');
    assert.equal(formatValue(null), 'null');
    assert.equal(formatValue({ a: [1, 2] }), '{"a":[1,2]}');
    assert.equal(formatValue(undefined), '—');
    const cut = formatValue('x'.repeat(500));
    assert.equal(cut.length, 120);
    assert.ok(cut.endsWith('…'));
  });

  it('writes a change as set, changed or removed', () => {
    assert.equal(
      formatChange({ field: 'status', from: undefined, to: 'new' }, plain),
      'status = new',
    );
    assert.equal(
      formatChange({ field: 'status', from: 'new', to: 'paid' }, plain),
      'status: new → paid',
    );
    assert.equal(formatChange({ field: 'note', from: 'x', to: undefined }, plain), 'note: x → —');
  });

  it('links a trace through the URL template, or shows the bare id', () => {
    const id = '4bf92f3577b34da6a3ce929d0e0e4736';
    assert.equal(
      formatTrace(id, 'http://jaeger:16686/trace/{traceId}'),
      `http://jaeger:16686/trace/${id}`,
    );
    assert.equal(formatTrace(id, undefined), id);
    assert.equal(formatTrace(undefined, 'http://x/{traceId}'), '—');
  });
});
