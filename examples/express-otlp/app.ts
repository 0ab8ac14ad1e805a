import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { DataTypes, Model, Op, Sequelize } from 'sequelize';
import type { InferAttributes, InferCreationAttributes, CreationOptional } from 'sequelize';
import { AuditTrail, auditMiddleware } from '../../src';
import type { AuditStore } from '../../src';

export class Product extends Model<InferAttributes<Product>, InferCreationAttributes<Product>> {
  declare id: CreationOptional<number>;
  declare sku: string;
  declare name: string;
  declare priceCents: number;
}

/** Connects to a URL (`postgres://...`, `sqlite:/tmp/shop.sqlite`, `sqlite::memory:`) and defines the model. */
export async function connectDatabase(url: string): Promise<Sequelize> {
  const sequelize = url.startsWith('sqlite:')
    ? new Sequelize({ dialect: 'sqlite', storage: url.slice('sqlite:'.length), logging: false })
    : new Sequelize(url, { logging: false });
  Product.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      sku: { type: DataTypes.STRING(32), allowNull: false, unique: true },
      name: { type: DataTypes.STRING(200), allowNull: false },
      priceCents: { type: DataTypes.INTEGER, allowNull: false },
    },
    { sequelize, tableName: 'products', paranoid: true, underscored: true },
  );
  await sequelize.sync();
  return sequelize;
}

async function findProduct(req: Request, res: Response): Promise<Product | null> {
  const product = await Product.findByPk(Number(req.params.id));
  if (!product) res.status(404).json({ error: `no product ${req.params.id}` });
  return product;
}

/** The shop API. The actor of every change comes from the request (here a header). */
export function createApp(sequelize: Sequelize, store: AuditStore): express.Express {
  const app = express();
  app.use(express.json());
  app.use(
    auditMiddleware<Request>((req) => ({
      actor: { id: req.get('x-user-id') ?? 'anonymous', type: 'user' },
      reason: req.get('x-audit-reason'),
    })),
  );

  app.post('/products', async (req, res) => {
    const { sku, name, priceCents } = req.body as Pick<Product, 'sku' | 'name' | 'priceCents'>;
    res.status(201).json(await Product.create({ sku, name, priceCents }));
  });

  app.patch('/products/:id', async (req, res) => {
    const changes = req.body as Partial<Pick<Product, 'name' | 'priceCents'>>;
    const updated = await sequelize.transaction(async (transaction) => {
      const product = await Product.findByPk(Number(req.params.id), { transaction });
      return product?.update(changes, { transaction });
    });
    if (updated) res.json(updated);
    else res.status(404).json({ error: `no product ${req.params.id}` });
  });

  app.post('/products/discount', async (req, res) => {
    const { percent, minPriceCents } = req.body as { percent: number; minPriceCents: number };
    const factor = (100 - percent) / 100;
    const [affected] = await Product.update(
      { priceCents: sequelize.literal(`ROUND(price_cents * ${factor})`) },
      { where: { priceCents: { [Op.gte]: minPriceCents } } },
    );
    res.json({ affected });
  });

  app.delete('/products/:id', async (req, res) => {
    const product = await findProduct(req, res);
    await product?.destroy();
    if (product) res.status(204).end();
  });

  app.post('/products/:id/restore', async (req, res) => {
    const product = await Product.findByPk(Number(req.params.id), { paranoid: false });
    await product?.restore();
    res.status(product ? 200 : 404).json(product);
  });

  app.get('/products/:id/history', async (req, res) => {
    const page = await new AuditTrail(store).history('products', Number(req.params.id));
    res.json(
      page.versions.map(({ version, operation, actor, changes }) => ({
        version,
        operation,
        actor,
        changes,
      })),
    );
  });

  app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).json({ error: error.message });
  });
  return app;
}
