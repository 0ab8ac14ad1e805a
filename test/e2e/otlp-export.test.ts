import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqlAuditStore } from '../../src';
import { describeEachDialect } from '../support/dialects';
import { OtlpReceiver } from './support/otlp-receiver';
import type { ReceivedSpan } from './support/otlp-receiver';
import { NEW_PRICE_CENTS, PRODUCT, REASON, runShopApiScenario } from './support/shop-api-scenario';
import type { ScenarioResult } from './support/shop-api-scenario';
import {
  descendantsOf,
  isAuditSpan,
  isQuerySpan,
  names,
  serverSpanOf,
} from './support/span-queries';

const PROTOCOLS = [
  { protocol: 'http/protobuf', contentType: 'application/x-protobuf' },
  { protocol: 'http/json', contentType: 'application/json' },
] as const;

/** A literal in SQL text: a quoted string, or a number that is not part of a name or `$1`. */
const SQL_LITERAL = /'[^']*'|(?<![\w$."`])\d+(?:\.\d+)?(?![\w"`])/;

function auditSpanOf(spans: readonly ReceivedSpan[], operation: string): ReceivedSpan {
  const found = spans.find((span) => span.attributes['audit.operation'] === operation);
  assert.ok(found, `no audit span for ${operation} among ${names(spans)}`);
  return found;
}

let receiver: OtlpReceiver;
let dir: string;
let runs = 0;

/** A fresh SQLite audit store file per example run. */
function newAuditStoreUrl(): string {
  runs += 1;
  return `sqlite:${join(dir, `audit-${runs}.sqlite`)}`;
}

describe('end-to-end OTLP export of the express example', () => {
  before(async () => {
    receiver = await OtlpReceiver.start();
    dir = mkdtempSync(join(tmpdir(), 'osa-e2e-'));
  });

  after(async () => {
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const { protocol, contentType } of PROTOCOLS) {
    describeEachDialect(`with the ${protocol} exporter`, (db) => {
      let result: ScenarioResult;
      let patchSpans: ReceivedSpan[];

      before(async function () {
        this.timeout(90_000);
        result = await runShopApiScenario({
          receiver,
          protocol,
          databaseUrl: db.url,
          auditStoreUrl: newAuditStoreUrl(),
        });
        patchSpans = descendantsOf(
          result.spans,
          serverSpanOf(result.spans, 'PATCH', '/products/:id'),
        );
      });

      it('exits cleanly and sends every trace export in that encoding', () => {
        assert.equal(result.run.code, 0, result.run.stderr);
        const types = receiver.contentTypes();
        assert.ok(types.length > 0, 'no trace export request arrived');
        assert.deepEqual([...new Set(types)], [contentType]);
      });

      it("parents the ORM, query, transaction and audit spans under the request's server span", () => {
        const transaction = patchSpans.find((s) => s.name === 'transaction');
        assert.ok(transaction, `no transaction span under PATCH: ${names(patchSpans)}`);
        assert.equal(transaction.kind, 'SPAN_KIND_INTERNAL');
        const inTransaction = descendantsOf(result.spans, transaction);
        // findByPk issues one statement: by default its SELECT span names the model call.
        const find = inTransaction.find((s) => s.attributes['sequelize.method'] === 'findByPk');
        assert.ok(find, `no findByPk statement in the transaction: ${names(inTransaction)}`);
        assert.equal(find.kind, 'SPAN_KIND_CLIENT');
        const update = inTransaction.find((s) => isQuerySpan(s) && s.name === 'UPDATE products');
        assert.ok(update, `no UPDATE query span in the transaction: ${names(inTransaction)}`);
        assert.equal(update.kind, 'SPAN_KIND_CLIENT');
        const audit = auditSpanOf(inTransaction, 'update');
        assert.equal(audit.name, 'audit UPDATE products');
        assert.equal(audit.kind, 'SPAN_KIND_INTERNAL');
      });

      it('gives the transaction and ORM spans their sequelize.* attributes', () => {
        const transaction = patchSpans.find((s) => s.name === 'transaction');
        assert.equal(transaction?.attributes['sequelize.transaction.outcome'], 'committed');
        assert.equal(
          transaction?.attributes['sequelize.transaction.id'],
          auditSpanOf(patchSpans, 'update').attributes['audit.transaction.id'],
        );
        const find = patchSpans.find((s) => s.attributes['sequelize.method'] === 'findByPk');
        assert.equal(find?.attributes['sequelize.model.name'], 'Product');
        assert.equal(find?.attributes['sequelize.method'], 'findByPk');
        assert.equal(find?.attributes['db.collection.name'], 'products');
      });

      it('gives query spans the database attributes of the semantic conventions', () => {
        const queries = patchSpans.filter(isQuerySpan);
        assert.ok(queries.length > 0);
        for (const query of queries) {
          assert.equal(query.attributes['db.system.name'], db.dbSystem);
          assert.equal(query.attributes['db.query.summary'], query.name);
          assert.equal(typeof query.attributes['db.operation.name'], 'string');
          assert.equal(typeof query.attributes['db.query.text'], 'string');
          if (db.name !== 'sqlite') {
            assert.equal(query.attributes['db.namespace'], db.database);
            assert.equal(query.attributes['server.address'], '127.0.0.1');
            assert.equal(typeof query.attributes['server.port'], 'number');
          }
        }
        const update = queries.find((q) => q.name === 'UPDATE products');
        assert.equal(update?.attributes['db.operation.name'], 'UPDATE');
        assert.equal(update?.attributes['db.collection.name'], 'products');
      });

      it('exports sanitized SQL that holds no literal of the request', () => {
        const texts = result.spans
          .filter(isQuerySpan)
          .map((s) => String(s.attributes['db.query.text']));
        assert.ok(texts.some((text) => /^UPDATE/i.test(text)));
        for (const text of texts) {
          assert.doesNotMatch(text, SQL_LITERAL, `literal in exported SQL: ${text}`);
          for (const value of [PRODUCT.sku, PRODUCT.name, String(NEW_PRICE_CENTS)]) {
            assert.ok(!text.includes(value), `${value} in exported SQL: ${text}`);
          }
        }
      });

      it('exports the audit attributes of the row change, with actor, reason and transaction', () => {
        const update = auditSpanOf(patchSpans, 'update').attributes;
        assert.equal(update['audit.model'], 'Product');
        assert.equal(update['db.collection.name'], 'products');
        assert.equal(update['db.system.name'], db.dbSystem);
        assert.equal(update['audit.record.id'], String(result.productId));
        assert.equal(update['audit.actor.id'], 'bob');
        assert.equal(update['audit.actor.type'], 'user');
        assert.equal(update['audit.reason'], REASON);
        assert.equal(update['audit.granularity'], 'row');
        assert.equal(update['audit.outcome'], 'committed');
        assert.equal(typeof update['audit.transaction.id'], 'string');
        assert.equal(typeof update['audit.event.id'], 'string');
        // updatedAt too, unless the row was created in the same second (DATETIME on MariaDB).
        const changed = update['audit.changed_fields'] as string[];
        assert.deepEqual(
          changed.filter((field) => field !== 'updatedAt'),
          ['priceCents'],
        );
        assert.equal(JSON.parse(String(update['audit.before'])).priceCents, PRODUCT.priceCents);
        assert.equal(JSON.parse(String(update['audit.after'])).priceCents, NEW_PRICE_CENTS);
      });

      it('exports one audit span per row of the bulk discount, under its own request', () => {
        const request = serverSpanOf(result.spans, 'POST', '/products/discount');
        const audits = descendantsOf(result.spans, request).filter(isAuditSpan);
        assert.equal(audits.length, 1, names(audits));
        const discounted = audits[0].attributes;
        assert.equal(discounted['audit.operation'], 'update');
        assert.equal(discounted['audit.record.id'], String(result.productId));
        assert.equal(discounted['audit.actor.id'], 'bob');
        assert.equal(JSON.parse(String(discounted['audit.before'])).priceCents, NEW_PRICE_CENTS);
        assert.equal(
          JSON.parse(String(discounted['audit.after'])).priceCents,
          Math.round(NEW_PRICE_CENTS * 0.9),
        );
      });
    });
  }

  describeEachDialect('with row values kept out of exported spans (omitValuesFromSpans)', (db) => {
    let result: ScenarioResult;
    let auditStoreUrl: string;

    before(async function () {
      this.timeout(90_000);
      auditStoreUrl = newAuditStoreUrl();
      result = await runShopApiScenario({
        receiver,
        protocol: 'http/protobuf',
        databaseUrl: db.url,
        auditStoreUrl,
        omitValuesFromSpans: true,
      });
    });

    it('exports audit spans with the changed field names but no row values', () => {
      assert.equal(result.run.code, 0, result.run.stderr);
      const audits = result.spans.filter(isAuditSpan);
      assert.ok(audits.length >= 3, names(result.spans));
      for (const span of audits) {
        assert.equal(span.attributes['audit.before'], undefined);
        assert.equal(span.attributes['audit.after'], undefined);
        const exported = JSON.stringify(span.attributes);
        for (const value of [PRODUCT.sku, PRODUCT.name, String(PRODUCT.priceCents)]) {
          assert.ok(!exported.includes(value), `${value} exported in ${span.name}`);
        }
      }
      assert.deepEqual(auditSpanOf(audits, 'update').attributes['audit.changed_fields'], [
        'priceCents',
        'updatedAt',
      ]);
    });

    it('still persists the row values in the audit store', async () => {
      const store = new SqlAuditStore({ url: auditStoreUrl, table: 'audit_log' });
      try {
        const records = await store.find({ table: 'products', recordId: String(result.productId) });
        assert.deepEqual(
          records.map((r) => r.operation),
          ['insert', 'update', 'update'],
        );
        assert.equal(records[0].after?.name, PRODUCT.name);
        assert.equal(records[1].before?.priceCents, PRODUCT.priceCents);
        assert.equal(records[1].after?.priceCents, NEW_PRICE_CENTS);
      } finally {
        await store.close();
      }
    });
  });
});
