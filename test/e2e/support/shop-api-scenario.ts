import { ExampleProcess } from '../../examples/support/example-process';
import type { ExampleRun } from '../../examples/support/example-process';
import type { OtlpReceiver, ReceivedSpan } from './otlp-receiver';

export const EXPRESS_EXAMPLE = 'examples/express-otlp/main.ts';

/** The values the scenario writes: none of them may appear in exported SQL text. */
export const PRODUCT = { sku: 'MUG-E2E-7', name: 'Blue enamel mug', priceCents: 1250 };
export const NEW_PRICE_CENTS = 1490;
export const REASON = 'price review 2026-11';

export interface ScenarioOptions {
  receiver: OtlpReceiver;
  protocol: 'http/json' | 'http/protobuf';
  databaseUrl: string;
  auditStoreUrl: string;
  omitValuesFromSpans?: boolean;
}

export interface ScenarioResult {
  run: ExampleRun;
  productId: number;
  spans: readonly ReceivedSpan[];
}

async function call(
  base: string,
  method: string,
  path: string,
  user: string,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-user-id': user, 'x-audit-reason': REASON },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/**
 * Runs the express example against the receiver: alice creates a product, bob changes its
 * price in a transaction (PATCH) and runs a bulk discount; then the example is stopped, which
 * flushes every exporter.
 */
export async function runShopApiScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  options.receiver.reset();
  const app = ExampleProcess.start(EXPRESS_EXAMPLE, {
    PORT: '0',
    DATABASE_URL: options.databaseUrl,
    AUDIT_STORE_URL: options.auditStoreUrl,
    AUDIT_OMIT_VALUES: options.omitValuesFromSpans ? '1' : '0',
    OTEL_EXPORTER_OTLP_ENDPOINT: options.receiver.endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: options.protocol,
  });
  try {
    const [, base] = await app.waitForOutput(/listening on (http:\/\/\S+)/);
    const created = (await call(base, 'POST', '/products', 'alice', PRODUCT)) as { id: number };
    await call(base, 'PATCH', `/products/${created.id}`, 'bob', { priceCents: NEW_PRICE_CENTS });
    await call(base, 'POST', '/products/discount', 'bob', { percent: 10, minPriceCents: 1000 });
    const run = await app.stop();
    return { run, productId: created.id, spans: [...options.receiver.spans()] };
  } finally {
    app.kill();
  }
}
