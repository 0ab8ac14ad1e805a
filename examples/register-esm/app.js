// An ES module application ("type": "module") with no telemetry file of its own. Start it with
//   node --import otel-sequelize-audit/register app.js
import { DataTypes, Sequelize } from 'sequelize';
import { withAuditContext } from 'otel-sequelize-audit';

const sequelize = new Sequelize({ dialect: 'sqlite', storage: ':memory:', logging: false });
const User = sequelize.define('user', { email: DataTypes.STRING, password: DataTypes.STRING });
await sequelize.sync();

await withAuditContext({ actor: { id: 'alice', type: 'user' } }, async () => {
  const user = await User.create({ email: 'alice@example.com', password: 'hunter2' });
  await user.update({ email: 'alice@example.org' });
});
console.log('users:', await User.count());
await sequelize.close();
// Nothing else to do: the process ends, and the register entry flushes spans and records.
