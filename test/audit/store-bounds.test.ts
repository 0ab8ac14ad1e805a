import assert from 'node:assert/strict';
import type { Model, ModelStatic, Sequelize } from 'sequelize';
import { AuditSpanProcessor, AuditTrail, withAuditContext } from '../../src';
import { recordIdOfKey } from '../../src/record-id';
import { recordIdOf } from '../../src/query/record-key';
import { openAuditStore } from '../../src/store/open-store';
import type { AuditStore } from '../../src/store/audit-store';
import { withTable } from '../cli/support/cli-store';
import { installProvider, tempDirectory } from '../processor/support/harness';
import { describeEachDialect } from '../support/dialects';

/*
 * Values an outsider controls (an actor or request id copied from an inbound header) and keys
 * read back as strings (BIGINT on PostgreSQL) travel from capture to a real SQL store and back.
 */

const LONG_ACTOR = `actor-${'x'.repeat(294)}`;
const LONG_REQUEST = `req-${'r'.repeat(296)}`;

describeEachDialect('audit values bounded to the store and one record-id encoding', (db) => {
  const { DataTypes } = db;
  describe('written through the AuditSpanProcessor into the SQL store', () => {
    let sequelize: Sequelize;
    let Membership: ModelStatic<Model>;
    let store: AuditStore;
    const spool = tempDirectory('osa-bounds-');

    before(async () => {
      sequelize = db.connect();
      // Sequelize 7 refuses BIGINT on SQLite (its integers are 64-bit anyway): INTEGER there.
      const big =
        db.sequelizeMajor === 7 && db.name === 'sqlite' ? DataTypes.INTEGER : DataTypes.BIGINT;
      Membership = sequelize.define(
        'Membership',
        {
          tenantId: { type: big, primaryKey: true },
          userId: { type: big, primaryKey: true },
          role: DataTypes.STRING,
        },
        { tableName: 'memberships', timestamps: false },
      );
      await sequelize.sync({ force: true });
      store = await openAuditStore(withTable(db.url, 'audit_bounds'));
    });
    after(async () => {
      await store?.close();
      spool.remove();
    });

    it('stores every record of a 300-character actor and request id, cut with a visible marker', async () => {
      const processor = new AuditSpanProcessor({
        store,
        streamId: 'bounds',
        closeStoreOnShutdown: false,
        spool: { directory: spool.path },
      });
      const provider = installProvider(processor);
      try {
        await withAuditContext(
          {
            actor: { id: LONG_ACTOR, type: `t${'y'.repeat(99)}` },
            requestId: LONG_REQUEST,
            tenant: 'z'.repeat(300),
          },
          async () => {
            await Membership.create({ tenantId: 1, userId: 2, role: 'member' });
            await Membership.update({ role: 'admin' }, { where: { tenantId: 1 } });
            await Membership.create({ tenantId: 1, userId: 3, role: 'member' });
          },
        );
        await processor.forceFlush();
      } finally {
        provider.restore();
        await processor.shutdown();
      }
      const events = await store.find({ stream: 'bounds' });
      assert.equal(events.length, 3);
      for (const event of events) {
        assert.ok((event.actor?.id.length ?? 0) <= 255);
        assert.ok((event.actor?.type?.length ?? 0) <= 64);
        assert.ok((event.requestId?.length ?? 0) <= 255);
        assert.ok((event.tenantId?.length ?? 0) <= 255);
        assert.match(event.actor?.id ?? '', /^actor-x+…\[cut sha256:[0-9a-f]{16}\]$/);
        assert.match(event.requestId ?? '', /…\[cut sha256:[0-9a-f]{16}\]$/);
      }
    });

    it('finds a composite BIGINT key’s whole history by the key as the caller gives it', async () => {
      const trail = new AuditTrail(store);
      const byNumbers = await trail.history('memberships', { tenantId: 1, userId: 2 });
      assert.deepEqual(
        byNumbers.versions.map((v) => v.operation),
        ['insert', 'update'],
      );
      const byText = await trail.history('memberships', { userId: '2', tenantId: '1' });
      assert.equal(byText.versions.length, 2);
    });
  });

  it('encodes a key the same way at capture and at lookup, whatever the part types', () => {
    const captured = recordIdOfKey({ tenantId: '1', userId: '2', role: 'x' }, [
      'userId',
      'tenantId',
    ]);
    assert.equal(captured, '{"tenantId":"1","userId":"2"}');
    assert.equal(recordIdOf({ tenantId: 1, userId: 2 }), captured);
    assert.equal(recordIdOf({ userId: 2n, tenantId: '1' }), captured);
    assert.equal(recordIdOf({ id: 42 }), '42');
    assert.equal(recordIdOf(42), recordIdOfKey({ id: '42' }));
  });
});
