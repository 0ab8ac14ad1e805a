import { DataTypes, Model } from 'sequelize';
import type {
  CreationOptional,
  ForeignKey,
  InferAttributes,
  InferCreationAttributes,
  Sequelize,
} from 'sequelize';

export class Product extends Model<InferAttributes<Product>, InferCreationAttributes<Product>> {
  declare id: CreationOptional<number>;
  declare sku: string;
  declare title: string;
  declare category: string;
  declare priceCents: number;
  declare stock: number;
}

export class Order extends Model<InferAttributes<Order>, InferCreationAttributes<Order>> {
  declare id: CreationOptional<number>;
  declare productId: ForeignKey<number>;
  declare quantity: number;
  declare customer: string;
}

/** Defines the shop's tables (products are paranoid: deleting sets `deleted_at`). */
export async function defineShop(sequelize: Sequelize): Promise<void> {
  Product.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      sku: { type: DataTypes.STRING(32), allowNull: false, unique: true },
      title: { type: DataTypes.STRING(200), allowNull: false },
      category: { type: DataTypes.STRING(32), allowNull: false },
      priceCents: { type: DataTypes.INTEGER, allowNull: false },
      stock: { type: DataTypes.INTEGER, allowNull: false },
    },
    { sequelize, tableName: 'products', paranoid: true, underscored: true },
  );
  Order.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      quantity: { type: DataTypes.INTEGER, allowNull: false },
      customer: { type: DataTypes.STRING(100), allowNull: false },
    },
    { sequelize, tableName: 'orders', underscored: true },
  );
  Order.belongsTo(Product, { foreignKey: 'productId' });
  await sequelize.sync();
}

/** The product whose history the demo prints. */
export const TRACKED_SKU = 'BOOK-42';

export const CATALOG = [
  {
    sku: TRACKED_SKU,
    title: 'The Pragmatic Programmer',
    category: 'books',
    priceCents: 4200,
    stock: 5,
  },
  { sku: 'BOOK-07', title: 'Refactoring', category: 'books', priceCents: 3900, stock: 9 },
  { sku: 'MUG-01', title: 'Coffee mug', category: 'kitchen', priceCents: 1200, stock: 40 },
];
