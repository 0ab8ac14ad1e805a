import assert from 'node:assert/strict';
import type { Sequelize } from 'sequelize';
import { withAuditContext } from '../../src';
import {
  MAX_METADATA_KEYS,
  MAX_METADATA_KEY_LENGTH,
  MAX_METADATA_VALUE_BYTES,
  boundMetadata,
  mergeMetadata,
} from '../../src/audit/metadata';
import { FieldRedactor } from '../../src/audit/redaction';
import { DEFAULT_REDACTED_FIELDS } from '../../src';
import { describeEachDialect } from '../support/dialects';
import { resetInstrumentation } from '../support/setup';
import { AuditedApp, defineModels } from './support/audited-app';
import type { HooksModels } from './support/audited-app';

const maskingRedactor = new FieldRedactor([...DEFAULT_REDACTED_FIELDS, /^secret/i], 'mask');

describe('metadata bounds', () => {
  it('keeps the first keys in name order and says how many were dropped', () => {
    const raw = Object.fromEntries(
      Array.from({ length: MAX_METADATA_KEYS + 5 }, (_, i) => [
        `k${String(i).padStart(2, '0')}`,
        i,
      ]),
    );
    const bounded = boundMetadata(raw, maskingRedactor);
    assert.ok(bounded);
    assert.equal(bounded._truncated, '[truncated: 5 keys]');
    assert.equal(Object.keys(bounded).length, MAX_METADATA_KEYS + 1);
    assert.equal(bounded.k00, 0);
    assert.equal(bounded.k36, undefined);
  });

  it('cuts long keys and long text values with a marker, and makes unsafe key characters _', () => {
    const longKey = 'k'.repeat(MAX_METADATA_KEY_LENGTH + 10);
    const bounded = boundMetadata(
      { [longKey]: 'x'.repeat(MAX_METADATA_VALUE_BYTES * 2), 'user agent"': 'curl' },
      maskingRedactor,
    );
    assert.ok(bounded);
    const value = bounded['k'.repeat(MAX_METADATA_KEY_LENGTH)];
    assert.equal(typeof value, 'string');
    assert.ok(String(value).endsWith(`[truncated: ${MAX_METADATA_VALUE_BYTES * 2} bytes]`));
    assert.ok(Buffer.byteLength(String(value)) <= MAX_METADATA_VALUE_BYTES);
    assert.equal(bounded.user_agent_, 'curl');
  });

  it('turns values of other types into text or leaves them out, never throwing', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const bounded = boundMetadata(
      {
        when: new Date('2026-12-01T00:00:00Z'),
        big: 10n,
        list: [1, 2],
        nothing: null,
        notDefined: undefined,
        infinite: Infinity,
        loop: circular,
        fn: () => 1,
      },
      maskingRedactor,
    );
    assert.deepEqual(bounded, {
      big: '10',
      infinite: 'Infinity',
      list: '[1,2]',
      loop: '[unserializable]',
      when: '2026-12-01T00:00:00.000Z',
    });
    assert.equal(boundMetadata({}, maskingRedactor), undefined);
  });

  it('redacts keys named like secrets, as row fields are', () => {
    assert.deepEqual(
      boundMetadata({ apiToken: 'a', password: 'p', secretKey: 'k', ip: '1' }, maskingRedactor),
      { apiToken: 'a', ip: '1', password: '[REDACTED]', secretKey: '[REDACTED]' },
    );
    const dropping = new FieldRedactor(['token'], 'drop');
    assert.deepEqual(boundMetadata({ token: 't', ip: '1' }, dropping), { ip: '1' });
  });
});

describe('merging metadata a recordHook returns', () => {
  it('bounds and redacts what is added, never redacting the kept values twice', () => {
    const hashing = new FieldRedactor(['token'], 'hash', 'k');
    const base = boundMetadata({ token: 't', ip: '1' }, hashing);
    const merged = mergeMetadata(base, { apiToken: 'x', token: 'u', note: 'n' }, hashing);
    assert.equal(merged?.ip, '1');
    assert.equal(merged?.note, 'n');
    assert.equal(merged?.apiToken, 'x');
    assert.equal(merged?.token, boundMetadata({ token: 'u' }, hashing)?.token);
    assert.match(String(merged?.token), /^hmac-sha256:[0-9a-f]{64}$/);
    const again = mergeMetadata(merged, { extra: 1 }, hashing);
    assert.equal(again?.token, merged?.token, 'a kept hashed value is not hashed again');
  });

  it('applies the key limit to the merged whole', () => {
    const base = boundMetadata(
      Object.fromEntries(Array.from({ length: MAX_METADATA_KEYS }, (_, i) => [`a${i}`, i])),
      maskingRedactor,
    );
    const merged = mergeMetadata(base, { b: 1, c: 2 }, maskingRedactor);
    assert.equal(merged?._truncated, '[truncated: 2 keys]');
    assert.equal(merged?.b, undefined);
    assert.deepEqual(mergeMetadata(base, {}, maskingRedactor), base);
  });
});

describeEachDialect('metadata bounds on real records', (db) => {
  let sequelize: Sequelize;
  let models: HooksModels;
  let app: AuditedApp | undefined;

  before(async () => {
    sequelize = db.connect();
    models = await defineModels(sequelize);
  });
  afterEach(async () => {
    await app?.stop();
    app = undefined;
    resetInstrumentation();
  });

  it('stores bounded, redacted metadata and never fails the write', async () => {
    app = AuditedApp.sql(db, 'audit_meta_bounds', { audit: { redact: ['ticketSecret'] } });
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`z${i}`, i]));
    const created = await withAuditContext(
      {
        metadata: {
          ...many,
          password: 'hunter2',
          ticketSecret: 'abc',
          note: 'é'.repeat(MAX_METADATA_VALUE_BYTES),
        },
      },
      () => models.Ticket.create({ title: 'bounded', status: 'open', views: 0 }),
    );
    assert.equal(created.get('title'), 'bounded');
    await app.flush();
    const [record] = await app.store.find({}, { limit: 1 });
    const metadata = record.metadata ?? {};
    assert.equal(Object.keys(metadata).length, MAX_METADATA_KEYS + 1);
    assert.match(String(metadata._truncated), /^\[truncated: \d+ keys\]$/);
    assert.equal(metadata.password, '[REDACTED]');
    assert.equal(metadata.ticketSecret, '[REDACTED]');
    assert.ok(String(metadata.note).endsWith(`[truncated: ${MAX_METADATA_VALUE_BYTES * 2} bytes]`));
    const span = app.auditSpans()[0];
    assert.equal(span.attributes['audit.metadata.password'], '[REDACTED]');
  });
});
