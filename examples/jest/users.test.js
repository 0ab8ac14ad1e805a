/* global afterAll, beforeAll, expect, test */
const { DataTypes, Sequelize } = require('sequelize');
const { withAuditContext } = require('otel-sequelize-audit');

const sequelize = new Sequelize({ dialect: 'sqlite', storage: ':memory:', logging: false });
const User = sequelize.define('user', { email: DataTypes.STRING });

beforeAll(() => sequelize.sync());
afterAll(() => sequelize.close());

test('renames a user', async () => {
  await withAuditContext({ actor: { id: 'jest', type: 'test' } }, async () => {
    const user = await User.create({ email: 'carol@example.com' });
    await user.update({ email: 'carol@example.org' });
  });
  expect((await User.findByPk(1)).email).toBe('carol@example.org');
});
