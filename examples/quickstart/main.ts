// Load telemetry first, so the SDK is running before the application's modules load.
import { auditProcessor, auditStore, sdk } from './telemetry';
import { DataTypes, Sequelize } from 'sequelize';
import { AuditTrail, withAuditContext } from '../../src';

async function main(): Promise<void> {
  const sequelize = new Sequelize({ dialect: 'sqlite', storage: ':memory:', logging: false });
  const User = sequelize.define('user', { email: DataTypes.STRING, password: DataTypes.STRING });
  await sequelize.sync();

  // Say who acts: every row change inside is audited with that actor.
  await withAuditContext({ actor: { id: 'alice', type: 'user' } }, async () => {
    const user = await User.create({ email: 'alice@example.com', password: 'hunter2' });
    await user.update({ email: 'alice@example.org' });
  });

  // Read the row's history back and verify the hash chain.
  await auditProcessor.forceFlush();
  const trail = new AuditTrail(auditStore);
  for (const v of (await trail.history('users', 1)).versions)
    console.log(`v${v.version} ${v.operation}`, v.actor, v.changes);
  console.log('verify:', await trail.verify());
  await sdk.shutdown();
  await sequelize.close();
}

void main(); // on failure Node prints the rejection and exits with 1
