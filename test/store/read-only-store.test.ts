import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuditStoreNotFoundError, AuditTrail, openAuditStore } from '../../src';
import { withTable } from '../cli/support/cli-store';
import { tempDirectory } from '../processor/support/harness';
import { describeEachDialect } from '../support/dialects';
import { makeChain } from './support/events';

describeEachDialect('a SQL store opened read-only', (db) => {
  before(async () => {
    const writer = await openAuditStore(withTable(db.url, 'audit_ro'));
    await writer.append(makeChain('s', 3));
    await writer.close();
  });

  async function tables(): Promise<string[]> {
    const sequelize = db.connect();
    const names = (await sequelize.getQueryInterface().showAllTables()) as unknown[];
    return names.map((n) =>
      typeof n === 'string' ? n : String((n as { tableName: string }).tableName),
    );
  }

  it('fails on a missing table naming it and the tables that exist, and creates nothing', async () => {
    const opening = openAuditStore(withTable(db.url, 'nope'), { mode: 'read' });
    await assert.rejects(opening, (error: unknown) => {
      assert.ok(error instanceof AuditStoreNotFoundError);
      assert.equal(error.missing, 'nope');
      assert.ok(error.existing.includes('audit_ro'), error.existing.join());
      assert.match(
        error.message,
        /the audit table "nope" does not exist \(tables in the database: .*audit_ro/,
      );
      return true;
    });
    await assert.rejects(AuditTrail.open(withTable(db.url, 'nope')), AuditStoreNotFoundError);
    const present = await tables();
    assert.ok(!present.includes('nope') && !present.includes('nope_checkpoints'), present.join());
  });

  it('reads and verifies an existing trail but refuses every write', async () => {
    const trail = await AuditTrail.open(withTable(db.url, 'audit_ro'));
    try {
      const verified = await trail.verify();
      assert.deepEqual(
        { ok: verified.ok, streams: verified.streams, records: verified.records },
        { ok: true, streams: 1, records: 3 },
      );
      await assert.rejects(trail.store.append(makeChain('t', 1)), /opened read-only/);
      await assert.rejects(trail.store.prune(new Date()), /opened read-only/);
      await assert.rejects(
        trail.store.writeCheckpoint({
          stream: 's',
          seq: 1,
          hash: 'x',
          createdAt: new Date().toISOString(),
          kind: 'periodic',
        }),
        /opened read-only/,
      );
      assert.equal(await trail.store.count(), 3);
    } finally {
      await trail.store.close();
    }
  });
});

describe('a JSONL store opened read-only', () => {
  const directory = tempDirectory('osa-ro-');
  after(() => directory.remove());

  it('fails on a missing file naming the trail files beside it, and creates no directory', async () => {
    writeFileSync(join(directory.path, 'audit.jsonl'), '');
    const missing = join(directory.path, 'audti.jsonl');
    await assert.rejects(openAuditStore(`jsonl:${missing}`, { mode: 'read' }), (error: unknown) => {
      assert.ok(error instanceof AuditStoreNotFoundError);
      assert.deepEqual(error.existing, ['audit.jsonl']);
      assert.match(error.message, /did you mean "audit\.jsonl"\?/);
      return true;
    });
    await assert.rejects(
      openAuditStore(`jsonl:${join(directory.path, 'sub', 'a.jsonl')}`, { mode: 'read' }),
      AuditStoreNotFoundError,
    );
    assert.deepEqual(readdirSync(directory.path), ['audit.jsonl']);
  });

  it('reads a file with a torn last line without repairing it', async () => {
    const path = join(directory.path, 'torn.jsonl');
    const writer = await openAuditStore(`jsonl:${path}`);
    await writer.append(makeChain('s', 2));
    await writer.close();
    writeFileSync(path, `${readFileSync(path, 'utf8')}{"eventId":"cut sh`);
    const before = readFileSync(path);
    const reader = await openAuditStore(`jsonl:${path}`, { mode: 'read' });
    assert.equal(await reader.count(), 2);
    await assert.rejects(reader.append(makeChain('t', 1)), /opened read-only/);
    await reader.close();
    assert.deepEqual(readFileSync(path), before);
  });
});
