import type { AuditEvent } from '../src/types';

/** About ten fields and ~500 bytes of values per record, as the issue asks. */
export function benchEvent(i: number): AuditEvent {
  const row = (version: string) => ({
    id: i,
    email: `customer.${i}@example.com`,
    name: `Customer number ${i} ${version}`,
    street: `${i % 977} Long Street Name, Building ${i % 13}`,
    city: 'Amsterdam',
    country: 'NL',
    status: version === 'old' ? 'pending' : 'active',
    balance: (i * 1.37).toFixed(2),
    note: `a free text note about the customer, revision ${version}, padded to size`,
    updatedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i % 60)).toISOString(),
  });
  return {
    eventId: `bench-${process.pid}-${Date.now().toString(36)}-${i}`,
    occurredAt: new Date(Date.UTC(2026, 0, 1) + i).toISOString(),
    operation: 'update',
    granularity: 'row',
    dbSystem: 'postgresql',
    namespace: 'shop',
    table: 'customers',
    model: 'Customer',
    recordId: String(i),
    changedFields: ['status', 'name'],
    before: row('old'),
    after: row('new'),
    actor: { id: `user-${i % 50}`, type: 'user' },
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
  };
}
