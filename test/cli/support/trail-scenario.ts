import { sealEvent } from '../../../src/store/chain-hash';
import type { AuditStore } from '../../../src/store/audit-store';
import type { AuditEvent, AuditRecord } from '../../../src/types';

/** Moments of the scenario, between its steps, for `--at` and `--since`. */
export interface ScenarioMoments {
  beforeAll: Date;
  afterCreate: Date;
  afterPaid: Date;
  afterBulkRefund: Date;
  afterSoftDelete: Date;
  afterRestore: Date;
  end: Date;
}

export interface Scenario {
  moments: ScenarioMoments;
  records: number;
  streams: string[];
  traceIds: string[];
}

const ALICE = { id: 'alice', type: 'user' };
const JOB = { id: 'nightly-job', type: 'service' };

/**
 * The life of a small shop, as audit records: orders#42 is created and paid by alice,
 * refunded by the nightly job in a bulk update together with orders#43, soft-deleted and
 * restored; orders#43 is deleted; order line {orderId: 42, line: 1} (a composite key) is
 * created and changed; users#1 has a redacted password.
 */
export async function fillScenario(store: AuditStore, stream = 'cli-test'): Promise<Scenario> {
  const chain = new Chain(stream, Date.parse('2026-11-20T08:00:00.000Z'));
  const moments: Partial<ScenarioMoments> = { beforeAll: chain.moment() };
  chain.add({
    operation: 'insert',
    table: 'orders',
    recordId: '42',
    actor: ALICE,
    after: { id: 42, status: 'new', total: 10, deletedAt: null },
  });
  chain.add({
    operation: 'insert',
    table: 'orders',
    recordId: '43',
    actor: ALICE,
    after: { id: 43, status: 'new', total: 7, deletedAt: null },
  });
  chain.add({
    operation: 'insert',
    table: 'order_lines',
    recordId: '{"line":1,"orderId":42}',
    actor: ALICE,
    after: { orderId: 42, line: 1, sku: 'A-1', qty: 1 },
  });
  chain.add({
    operation: 'insert',
    table: 'users',
    recordId: '1',
    actor: ALICE,
    after: { id: 1, name: 'Alice', password: '[REDACTED]' },
  });
  moments.afterCreate = chain.moment();
  chain.add({
    operation: 'update',
    table: 'orders',
    recordId: '42',
    actor: ALICE,
    before: { status: 'new' },
    after: { status: 'paid' },
    changedFields: ['status'],
  });
  chain.add({
    operation: 'update',
    table: 'order_lines',
    recordId: '{"line":1,"orderId":42}',
    actor: ALICE,
    before: { qty: 1 },
    after: { qty: 3 },
    changedFields: ['qty'],
  });
  moments.afterPaid = chain.moment();
  for (const id of [42, 43]) {
    chain.add({
      operation: 'update',
      table: 'orders',
      recordId: String(id),
      actor: JOB,
      reason: 'refund run',
      transactionId: 'tx-refund',
      before: { status: id === 42 ? 'paid' : 'new', total: id === 42 ? 10 : 7 },
      after: { status: 'refunded', total: 0 },
      changedFields: ['status', 'total'],
    });
  }
  moments.afterBulkRefund = chain.moment();
  chain.add({
    operation: 'soft_delete',
    table: 'orders',
    recordId: '42',
    actor: JOB,
    before: { deletedAt: null },
    after: { deletedAt: '2026-11-20T08:00:20.000Z' },
    changedFields: ['deletedAt'],
  });
  chain.add({
    operation: 'delete',
    table: 'orders',
    recordId: '43',
    actor: JOB,
    before: { id: 43, status: 'refunded', total: 0, deletedAt: null },
  });
  moments.afterSoftDelete = chain.moment();
  chain.add({
    operation: 'restore',
    table: 'orders',
    recordId: '42',
    actor: ALICE,
    before: { deletedAt: '2026-11-20T08:00:20.000Z' },
    after: { deletedAt: null },
    changedFields: ['deletedAt'],
  });
  moments.afterRestore = chain.moment();
  moments.end = chain.moment();
  await store.append(chain.records);
  return {
    moments: moments as ScenarioMoments,
    records: chain.records.length,
    streams: [stream],
    traceIds: [...new Set(chain.records.map((r) => r.traceId ?? ''))],
  };
}

/** Seals events one after the other into one stream, one second apart. */
class Chain {
  readonly records: AuditRecord[] = [];
  private clock: number;

  constructor(
    private readonly stream: string,
    start: number,
  ) {
    this.clock = start;
  }

  /** A moment between two records. */
  moment(): Date {
    this.clock += 500;
    return new Date(this.clock);
  }

  add(
    event: Omit<
      AuditEvent,
      'eventId' | 'occurredAt' | 'granularity' | 'dbSystem' | 'changedFields' | 'before' | 'after'
    > &
      Partial<AuditEvent>,
  ): void {
    this.clock += 500;
    const previous = this.records[this.records.length - 1];
    const n = this.records.length + 1;
    this.records.push(
      sealEvent(
        {
          eventId: `${this.stream}-${n}`,
          occurredAt: new Date(this.clock).toISOString(),
          granularity: 'row',
          dbSystem: 'sqlite',
          changedFields: [],
          before: null,
          after: null,
          traceId: `4bf92f3577b34da6a3ce929d0e0e${String(4700 + n)}`,
          ...event,
        },
        { stream: this.stream, seq: n, prevHash: previous?.hash ?? null },
      ),
    );
  }
}
