import type { Sequelize } from 'sequelize';
import { AuditSpanProcessor, withAuditContext } from '../../../src';
import type { AuditStore } from '../../../src/store/audit-store';
import { installProvider } from '../../processor/support/harness';
import { configureInstrumentation } from '../../support/setup';
import { dataTypesOf } from '../../support/sequelize-majors';

export const MASTER_KEY = 'test master key: 32 bytes of it!';

/** The audit config of the people workload: three models with personal fields. */
export const PEOPLE_AUDIT = {
  models: {
    User: {
      personal: ['email', 'name'],
      subject: (row: Readonly<Record<string, unknown>>) => row.id as number,
    },
    Address: {
      personal: ['street'],
      subject: (row: Readonly<Record<string, unknown>>) => row.userId as number,
    },
    Order: {
      personal: ['shipTo'],
      subject: (row: Readonly<Record<string, unknown>>) => row.userId as number,
    },
  },
};

export function definePeople(sequelize: Sequelize) {
  const DataTypes = dataTypesOf(sequelize);
  const User = sequelize.define(
    'User',
    {
      id: { type: DataTypes.INTEGER, primaryKey: true },
      email: DataTypes.STRING,
      name: DataTypes.STRING,
      plan: DataTypes.STRING,
    },
    { tableName: 'users' },
  );
  const Address = sequelize.define(
    'Address',
    {
      id: { type: DataTypes.INTEGER, primaryKey: true },
      userId: DataTypes.INTEGER,
      street: DataTypes.STRING,
      city: DataTypes.STRING,
    },
    { tableName: 'addresses' },
  );
  const Order = sequelize.define(
    'Order',
    {
      id: { type: DataTypes.INTEGER, primaryKey: true },
      userId: DataTypes.INTEGER,
      shipTo: DataTypes.STRING,
      total: DataTypes.INTEGER,
    },
    { tableName: 'orders' },
  );
  return { User, Address, Order };
}

/**
 * Two people (users#1 alice, users#2 bob), each with an address and an order, changed and
 * (alice's order) deleted; the records go through an AuditSpanProcessor with encryption.
 * Returns the span exporter of the run.
 */
export async function runPeopleWorkload(
  sequelize: Sequelize,
  store: AuditStore,
  spoolDirectory: string,
  masterKey: string | undefined = MASTER_KEY,
) {
  configureInstrumentation({ audit: PEOPLE_AUDIT });
  const { User, Address, Order } = definePeople(sequelize);
  await sequelize.sync({ force: true });
  const processor = new AuditSpanProcessor({
    store,
    streamId: 'people',
    closeStoreOnShutdown: false,
    spool: { directory: spoolDirectory },
    ...(masterKey === undefined ? {} : { encryption: { masterKey } }),
  });
  const provider = installProvider(processor);
  try {
    await withAuditContext({ actor: { id: 'support', type: 'user' } }, async () => {
      await User.create({ id: 1, email: 'alice@example.com', name: 'Alice Liddell', plan: 'free' });
      await User.create({ id: 2, email: 'bob@example.com', name: 'Bob Builder', plan: 'free' });
      await Address.create({ id: 10, userId: 1, street: '1 Rabbit Hole', city: 'Oxford' });
      await Address.create({ id: 20, userId: 2, street: '2 Site Road', city: 'Bristol' });
      await Order.create({ id: 100, userId: 1, shipTo: 'Alice at Rabbit Hole', total: 5 });
      await Order.create({ id: 200, userId: 2, shipTo: 'Bob at Site Road', total: 7 });
      await User.update({ email: 'alice@wonderland.example', plan: 'pro' }, { where: { id: 1 } });
      await (await Order.findByPk(100))?.destroy();
    });
    await processor.forceFlush();
    return provider.exporter.getFinishedSpans();
  } finally {
    provider.restore();
    await processor.shutdown();
  }
}

/** Every text any record of alice holds in clear, as it would show up in a dump. */
export const ALICE_VALUES = [
  'alice@example.com',
  'alice@wonderland.example',
  'Alice Liddell',
  '1 Rabbit Hole',
  'Alice at Rabbit Hole',
];
