// Erasure by crypto-shredding: personal fields are encrypted per data subject before they are
// hashed; erasing a subject destroys its key, and the trail still verifies.
import { NodeSDK } from '@opentelemetry/sdk-node';
import { DataTypes, Sequelize } from 'sequelize';
import {
  AuditSpanProcessor,
  AuditTrail,
  SequelizeAuditInstrumentation,
  SqlAuditStore,
  withAuditContext,
} from '../../src';

// In production the master key comes from a secret manager (or a `keyProvider` callback).
const masterKey = process.env.AUDIT_MASTER_KEY ?? 'example master key, 32 bytes long';
const store = new SqlAuditStore({ url: 'sqlite::memory:' });
const processor = new AuditSpanProcessor({ store, encryption: { masterKey } });
const sdk = new NodeSDK({
  spanProcessors: [processor],
  instrumentations: [
    new SequelizeAuditInstrumentation({
      audit: {
        models: {
          User: { personal: ['email', 'name'], subject: (row) => String(row.id) },
          Address: { personal: ['street'], subject: (row) => String(row.userId) },
        },
      },
    }),
  ],
});
sdk.start();

async function main(): Promise<void> {
  const sequelize = new Sequelize({ dialect: 'sqlite', storage: ':memory:', logging: false });
  const User = sequelize.define('User', { email: DataTypes.STRING, name: DataTypes.STRING });
  const Address = sequelize.define('Address', {
    userId: DataTypes.INTEGER,
    street: DataTypes.STRING,
  });
  await sequelize.sync();
  await withAuditContext({ actor: { id: 'shop' } }, async () => {
    const alice = await User.create({ email: 'alice@example.com', name: 'Alice' });
    await Address.create({ userId: alice.get('id'), street: '1 Rabbit Hole' });
    await User.create({ email: 'bob@example.com', name: 'Bob' });
  });
  await processor.forceFlush();

  const trail = new AuditTrail(store, { encryption: { masterKey } });
  const show = async (label: string, table: string, id: number, fields: string[]) => {
    const row = await trail.asOf(table, id, new Date());
    console.log(label, JSON.stringify(Object.fromEntries(fields.map((f) => [f, row?.[f]]))));
  };
  await show('before:', 'Users', 1, ['email', 'name']);
  const erased = await trail.erase('1', { actor: { id: 'dpo' }, reason: 'GDPR request 7' });
  console.log(`erased subject 1: ${erased.keysDestroyed.length} key, ${erased.records} records`);
  await show('after:', 'Users', 1, ['email', 'name']);
  await show('address:', 'Addresses', 1, ['userId', 'street']);
  await show('bob:', 'Users', 2, ['email', 'name']);
  console.log('verify:', (await trail.verify()).ok);
  await sdk.shutdown();
  await sequelize.close();
}

void main();
