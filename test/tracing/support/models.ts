import { dataTypesOf } from '../../support/dialects';
import type { ModelStatic, Model, Sequelize } from 'sequelize';

export interface TracedModels {
  User: ModelStatic<Model>;
  Order: ModelStatic<Model>;
}

/** Two small models on lower-case tables, so raw SQL reads the same on every dialect. */
export function defineModels(sequelize: Sequelize): TracedModels {
  const DataTypes = dataTypesOf(sequelize);
  const User = sequelize.define(
    'User',
    {
      name: { type: DataTypes.STRING, allowNull: false },
      email: { type: DataTypes.STRING, unique: true },
      visits: { type: DataTypes.INTEGER, defaultValue: 0 },
    },
    { tableName: 'users' },
  );
  const Order = sequelize.define('Order', { total: DataTypes.INTEGER }, { tableName: 'orders' });
  User.hasMany(Order);
  Order.belongsTo(User);
  return { User, Order };
}
