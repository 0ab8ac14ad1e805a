import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
import { Op } from 'sequelize';
import type { Sequelize } from 'sequelize';
import { withAuditContext } from '../../src';
import type { AuditContext } from '../../src';
import { CATALOG, Order, Product, TRACKED_SKU } from './shop';

const tracer = trace.getTracer('shop-demo');

/**
 * Runs `work` as one HTTP request would: a SERVER span around it and the user as the audit
 * actor. Returns the request's trace id.
 */
async function asRequest(
  route: string,
  user: string,
  work: () => Promise<unknown>,
): Promise<string> {
  return tracer.startActiveSpan(route, { kind: SpanKind.SERVER }, async (span: Span) => {
    const audit: AuditContext = { actor: { id: user, type: 'user' } };
    try {
      await withAuditContext(audit, work);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    } finally {
      span.end();
    }
    return span.spanContext().traceId;
  });
}

function trackedProduct(): Promise<Product> {
  return Product.findOne({ where: { sku: TRACKED_SKU }, paranoid: false, rejectOnEmpty: true });
}

/** One customer order in a transaction: an order row and less stock, committed together. */
async function checkout(sequelize: Sequelize, customer: string, quantity: number): Promise<void> {
  await sequelize.transaction(async (transaction) => {
    const product = await Product.findOne({ where: { sku: TRACKED_SKU }, transaction });
    if (!product) throw new Error(`${TRACKED_SKU} is not for sale`);
    await Order.create({ productId: product.id, quantity, customer }, { transaction });
    if (product.stock < quantity) throw new Error(`only ${product.stock} left of ${TRACKED_SKU}`);
    await product.update({ stock: product.stock - quantity }, { transaction });
  });
}

/** The user requests of the day. Returns the trace id of the checkout that went through. */
export async function runUserRequests(sequelize: Sequelize): Promise<string> {
  await asRequest('POST /admin/products', 'alice', () => Product.bulkCreate(CATALOG));
  await asRequest('PATCH /admin/products/BOOK-07', 'alice', () =>
    Product.update({ title: 'Refactoring (2nd edition)' }, { where: { sku: 'BOOK-07' } }),
  );
  const checkoutTrace = await asRequest('POST /checkout', 'bob', () =>
    checkout(sequelize, 'bob', 2),
  );
  // Asks for more than is in stock: the transaction rolls back, so nothing of it is audited.
  await asRequest('POST /checkout', 'carol', () => checkout(sequelize, 'carol', 50));
  return checkoutTrace;
}

/** The nightly job: a bulk price cap, then titles low on stock leave the shop. */
export async function runNightlyJob(): Promise<void> {
  const job: AuditContext = {
    actor: { id: 'nightly-pricing', type: 'job' },
    reason: 'weekly price review',
  };
  await withAuditContext(job, async () => {
    await Product.update(
      { priceCents: 3500 },
      { where: { category: 'books', priceCents: { [Op.gt]: 3500 } } },
    );
    await Product.destroy({ where: { stock: { [Op.lt]: 4 } } });
  });
}

/** The next morning a user brings the soft-deleted title back. */
export async function runRestock(): Promise<void> {
  await asRequest('POST /admin/products/BOOK-42/restore', 'alice', async () => {
    const product = await trackedProduct();
    await product.restore();
  });
}
