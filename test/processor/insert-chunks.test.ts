import assert from 'node:assert/strict';
import { SqlAuditStore, verifyChains } from '../../src';
import { ChainSealer } from '../../src/processor/chain-sealer';
import { insertStatements } from '../../src/store/sql/sql-insert';
import type { SqlRunner } from '../../src/store/sql/sql-schema';
import { describeEachDialect } from '../support/dialects';
import { makeEvent } from '../store/support/events';

describeEachDialect('SQL store inserts chunked by bytes', (fixture) => {
  const records = () =>
    new ChainSealer('bytes').seal(
      Array.from({ length: 40 }, (_, i) => makeEvent({ reason: `${'r'.repeat(400)} ${i}` })),
    );

  it('keeps every INSERT under the byte limit (a row larger than it goes alone)', () => {
    const runner: SqlRunner = {
      family:
        fixture.name === 'sqlite' ? 'sqlite' : fixture.name === 'postgres' ? 'postgres' : 'mysql',
      q: (name) => `"${name}"`,
      escape: (value) => `'${String(value).replace(/'/g, "''")}'`,
      run: async () => undefined,
      select: async () => [],
    };
    const all = records();
    const statements = insertStatements(runner, 'audit_log', all, 'skip', {
      maxRows: 1000,
      maxBytes: 4096,
    });
    assert.ok(statements.length > 5, `${statements.length} statements`);
    for (const sql of statements) {
      const rows = sql.split('), (').length;
      assert.ok(
        Buffer.byteLength(sql) <= 4096 || rows === 1,
        `${Buffer.byteLength(sql)} bytes in ${rows} rows`,
      );
    }
    const tiny = insertStatements(runner, 'audit_log', all.slice(0, 3), 'skip', {
      maxRows: 1000,
      maxBytes: 10,
    });
    assert.equal(tiny.length, 3);
  });

  it('writes every record through statements limited to a few kilobytes', async () => {
    const store = new SqlAuditStore({
      url: fixture.url,
      table: 'audit_bytes',
      insertChunkBytes: 4096,
    });
    await store.append(records());
    assert.deepEqual(await verifyChains(store), { ok: true, streams: 1, records: 40 });
    await store.close();
  });
});
