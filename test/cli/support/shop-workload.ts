import { setTimeout as sleep } from 'node:timers/promises';
import { dataTypesOf } from '../../support/dialects';
import type { Sequelize } from 'sequelize';
import { AuditSpanProcessor, withAuditContext } from '../../../src';
import type { AuditStore } from '../../../src/store/audit-store';
import { installProvider } from '../../processor/support/harness';

/** Moments between the steps of the workload, for `--at`, `--since` and `--until`. */
export interface WorkloadMoments {
  start: Date;
  afterCreate: Date;
  afterPaid: Date;
  afterBulkRefund: Date;
  afterDeletes: Date;
  afterRestore: Date;
}

export interface ShopTrail {
  moments: WorkloadMoments;
  /** Records in the store. */
  records: number;
  stream: string;
}

const ALICE = { actor: { id: 'alice', type: 'user' } };
const NIGHTLY = { actor: { id: 'nightly-job', type: 'service' }, reason: 'refund run' };

function defineModels(sequelize: Sequelize) {
  const DataTypes = dataTypesOf(sequelize);
  const Order = sequelize.define(
    'Order',
    {
      id: { type: DataTypes.INTEGER, primaryKey: true },
      status: DataTypes.STRING,
      total: DataTypes.INTEGER,
    },
    { tableName: 'orders', paranoid: true },
  );
  const OrderLine = sequelize.define(
    'OrderLine',
    {
      orderId: { type: DataTypes.INTEGER, primaryKey: true },
      line: { type: DataTypes.INTEGER, primaryKey: true },
      sku: DataTypes.STRING,
      qty: DataTypes.INTEGER,
    },
    { tableName: 'order_lines' },
  );
  const User = sequelize.define(
    'User',
    {
      id: { type: DataTypes.INTEGER, primaryKey: true },
      name: DataTypes.STRING,
      password: DataTypes.STRING,
    },
    { tableName: 'users' },
  );
  return { Order, OrderLine, User };
}

/** A moment strictly after everything so far and strictly before anything that follows. */
async function moment(): Promise<Date> {
  await sleep(5);
  const now = new Date();
  await sleep(5);
  return now;
}

/**
 * A small shop under the instrumentation: orders#42 is created and paid by alice, refunded
 * by the nightly job in one bulk update together with orders#43, soft-deleted (paranoid) and
 * restored; orders#43 is deleted for good; the order line {orderId: 42, line: 1} (a composite
 * key) is created and changed; users#1 has a password (redacted). An `AuditSpanProcessor`
 * beside the exporting one persists the audit records into `store`, in one chain.
 */
export async function runShopWorkload(
  sequelize: Sequelize,
  store: AuditStore,
  spoolDirectory: string,
  stream = 'cli-workload',
): Promise<ShopTrail> {
  const { Order, OrderLine, User } = defineModels(sequelize);
  await sequelize.sync({ force: true });
  const processor = new AuditSpanProcessor({
    store,
    streamId: stream,
    closeStoreOnShutdown: false,
    spool: { directory: spoolDirectory },
  });
  const provider = installProvider(processor);
  try {
    const start = await moment();
    await withAuditContext(ALICE, async () => {
      await Order.create({ id: 42, status: 'new', total: 10 });
      await Order.create({ id: 43, status: 'new', total: 7 });
      await OrderLine.create({ orderId: 42, line: 1, sku: 'A-1', qty: 1 });
      await User.create({ id: 1, name: 'Alice', password: 's3cret' });
    });
    const afterCreate = await moment();
    await withAuditContext(ALICE, async () => {
      await (await Order.findByPk(42))?.update({ status: 'paid' });
      await OrderLine.update({ qty: 3 }, { where: { orderId: 42, line: 1 } });
    });
    const afterPaid = await moment();
    await withAuditContext(NIGHTLY, () =>
      Order.update({ status: 'refunded', total: 0 }, { where: { id: [42, 43] } }),
    );
    const afterBulkRefund = await moment();
    await withAuditContext(NIGHTLY, async () => {
      await Order.destroy({ where: { id: 42 } });
      await Order.destroy({ where: { id: 43 }, force: true });
    });
    const afterDeletes = await moment();
    await withAuditContext(ALICE, () => Order.restore({ where: { id: 42 } }));
    const afterRestore = await moment();
    await processor.shutdown();
    return {
      moments: { start, afterCreate, afterPaid, afterBulkRefund, afterDeletes, afterRestore },
      records: await store.count({ stream }),
      stream,
    };
  } finally {
    provider.restore();
    await processor.shutdown();
  }
}
