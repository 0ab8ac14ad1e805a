import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
import { Op } from 'sequelize';
import type { Sequelize } from 'sequelize';
import { withAuditContext } from '../../src';
import type { AuditContext } from '../../src';
import { logStep } from './report';
import { CATALOG, Order, Product, TRACKED_SKU } from './shop';

const tracer = trace.getTracer('shop-demo');

/**
 * Runs `work` as one HTTP request would: a SERVER span around it and the user as the audit
 * actor. Logs the outcome; returns the request's trace id.
 */
async function asRequest(
  route: string,
  user: string,
  work: () => Promise<string>,
): Promise<string> {
  return tracer.startActiveSpan(route, { kind: SpanKind.SERVER }, async (span: Span) => {
    const audit: AuditContext = { actor: { id: user, type: 'user' } };
    try {
      logStep(user, route, await withAuditContext(audit, work));
    } catch (error) {
      const message = (error as Error).message;
      span.setStatus({ code: SpanStatusCode.ERROR, message });
      logStep(user, route, `failed and rolled back: ${message}`);
    } finally {
      span.end();
    }
    return span.spanContext().traceId;
  });
}

/** One customer order in a transaction: an order row and less stock, committed together. */
async function checkout(sequelize: Sequelize, customer: string, quantity: number): Promise<string> {
  await sequelize.transaction(async (transaction) => {
    const product = await Product.findOne({ where: { sku: TRACKED_SKU }, transaction });
    if (!product) throw new Error(`${TRACKED_SKU} is not for sale`);
    await Order.create({ productId: product.id, quantity, customer }, { transaction });
    if (product.stock < quantity) throw new Error(`only ${product.stock} left of ${TRACKED_SKU}`);
    await product.update({ stock: product.stock - quantity }, { transaction });
  });
  return `ordered ${quantity} × ${TRACKED_SKU} (order and stock committed together)`;
}

/** The user requests of the day. Returns the trace id of the checkout that went through. */
export async function runUserRequests(sequelize: Sequelize): Promise<string> {
  await asRequest('POST /admin/products', 'alice', async () => {
    const created = await Product.bulkCreate(CATALOG);
    return `created ${created.length} products`;
  });
  await asRequest('PATCH /admin/products/BOOK-07', 'alice', async () => {
    const [changed] = await Product.update(
      { title: 'Refactoring (2nd edition)' },
      { where: { sku: 'BOOK-07' } },
    );
    return `renamed ${changed} product`;
  });
  const checkoutTrace = await asRequest('POST /checkout', 'bob', () =>
    checkout(sequelize, 'bob', 2),
  );
  // More than is in stock: the transaction rolls back, and nothing of it is audited.
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
    const [capped] = await Product.update(
      { priceCents: 3500 },
      { where: { category: 'books', priceCents: { [Op.gt]: 3500 } } },
    );
    logStep('nightly-pricing', 'price cap on books', `${capped} prices lowered to 35.00`);
    const removed = await Product.destroy({ where: { stock: { [Op.lt]: 4 } } });
    logStep('nightly-pricing', 'low-stock titles', `${removed} soft-deleted`);
  });
}

/** The next morning a user brings the soft-deleted title back. */
export async function runRestock(): Promise<void> {
  await asRequest(`POST /admin/products/${TRACKED_SKU}/restore`, 'alice', async () => {
    const product = await Product.findOne({
      where: { sku: TRACKED_SKU },
      paranoid: false,
      rejectOnEmpty: true,
    });
    await product.restore();
    return `restored ${TRACKED_SKU}`;
  });
}
