import assert from 'node:assert/strict';
import type { AuditEvent } from '../../src';
import { attributesToEvent, eventToAttributes } from '../../src/audit/event-attributes';

const fullEvent: AuditEvent = {
  eventId: '0b6d1f5e-2c47-4f58-9a43-3c2b9d1e7a10',
  occurredAt: '2026-01-02T03:04:05.678Z',
  operation: 'update',
  granularity: 'row',
  dbSystem: 'postgresql',
  namespace: 'shop',
  table: 'users',
  model: 'User',
  recordId: '42',
  changedFields: ['email', 'password'],
  before: { id: 42, email: 'a@example.com', password: '[REDACTED]' },
  after: { id: 42, email: 'b@example.com', password: '[REDACTED]' },
  actor: { id: 'u-1', type: 'user' },
  tenantId: 'acme',
  reason: 'ticket 991',
  requestId: 'req-7',
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  transactionId: 'tx-1',
  outcome: 'committed',
};

describe('audit event attributes', () => {
  it('reads back every field of an event written to span attributes', () => {
    const attributes = eventToAttributes(fullEvent);
    const origin = { traceId: fullEvent.traceId, spanId: fullEvent.spanId };
    assert.deepEqual(attributesToEvent(attributes, origin), fullEvent);
  });

  it('reads back a statement-level event with its where clause and affected rows', () => {
    const statementEvent: AuditEvent = {
      eventId: 'e-2',
      occurredAt: '2026-01-02T03:04:05.678Z',
      operation: 'delete',
      granularity: 'statement',
      dbSystem: 'sqlite',
      table: 'orders',
      recordId: null,
      changedFields: [],
      before: null,
      after: null,
      statement: 'DELETE FROM orders WHERE status = ?',
      affectedRows: 3,
    };
    assert.deepEqual(attributesToEvent(eventToAttributes(statementEvent)), statementEvent);
  });

  it('leaves before and after values out when asked to', () => {
    const attributes = eventToAttributes(fullEvent, { omitValues: true });
    assert.equal(attributes['audit.before'], undefined);
    assert.equal(attributes['audit.after'], undefined);
    assert.deepEqual(attributes['audit.changed_fields'], ['email', 'password']);
  });

  it('returns undefined for the attributes of a span that is not an audit span', () => {
    assert.equal(attributesToEvent({ 'db.system.name': 'sqlite' }), undefined);
    assert.equal(attributesToEvent({ 'audit.event.id': 'x', 'audit.operation': 'x' }), undefined);
  });
});
