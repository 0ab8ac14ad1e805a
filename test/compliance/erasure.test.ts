import assert from 'node:assert/strict';
import type { Sequelize } from 'sequelize';
import { AuditTrail } from '../../src';
import { startViewer } from '../../src/viewer/start-viewer';
import { openAuditStore } from '../../src/store/open-store';
import type { AuditStore } from '../../src/store/audit-store';
import { WrongMasterKeyError } from '../../src/store/keys/personal-cipher';
import { describeEachDialect } from '../support/dialects';
import { resetInstrumentation } from '../support/setup';
import { withTable } from '../cli/support/cli-store';
import { tempDirectory } from '../processor/support/harness';
import { ALICE_VALUES, MASTER_KEY, runPeopleWorkload } from './support/people-workload';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

describeEachDialect('erasure by crypto-shredding', (db) => {
  describe('a subject with records in three tables', () => {
    let app: Sequelize;
    let auditDb: Sequelize;
    let store: AuditStore;
    let trail: AuditTrail;
    let spans: ReadableSpan[];
    const spool = tempDirectory('osa-erasure-');
    const rawDump = async () =>
      JSON.stringify(await auditDb.query('SELECT * FROM audit_erasure', { type: 'SELECT' }));

    before(async function () {
      this.timeout(60_000);
      app = db.connect();
      auditDb = db.connect();
      store = await openAuditStore(withTable(db.url, 'audit_erasure'));
      spans = await runPeopleWorkload(app, store, spool.path);
      trail = new AuditTrail(store, { encryption: { masterKey: MASTER_KEY } });
    });
    after(async () => {
      resetInstrumentation();
      await store?.close();
      await app?.close();
      await auditDb?.close();
      spool.remove();
    });

    it('never exports personal values on spans, only the subject and the names of the fields', () => {
      const audit = spans.filter((span) => span.attributes['audit.event.id'] !== undefined);
      assert.ok(audit.length >= 8);
      const text = JSON.stringify(audit.map((span) => span.attributes));
      for (const value of ALICE_VALUES) assert.ok(!text.includes(value), value);
      const user = audit.find((span) => span.attributes['db.collection.name'] === 'users');
      assert.equal(user?.attributes['audit.subject.id'], '1');
      assert.deepEqual(user?.attributes['audit.personal_fields'], ['email', 'name']);
      assert.match(String(user?.attributes['audit.after']), /"plan":"free"/);
    });

    it('stores personal values only as ciphertext, and reads them back with the master key', async () => {
      const dump = await rawDump();
      for (const value of ALICE_VALUES) assert.ok(!dump.includes(value), value);
      assert.match(dump, /enc:v1:/);
      const user = await trail.asOf('users', 1, new Date());
      assert.deepEqual(
        [user?.email, user?.name, user?.plan],
        ['alice@wonderland.example', 'Alice Liddell', 'pro'],
      );
    });

    it('reads personal values as [ENCRYPTED] without the master key, and refuses a wrong one', async () => {
      const blind = new AuditTrail(store);
      assert.equal((await blind.asOf('users', 2, new Date()))?.email, '[ENCRYPTED]');
      assert.equal((await blind.asOf('users', 2, new Date()))?.plan, 'free');
      const wrong = new AuditTrail(store, {
        encryption: { masterKey: 'not the master key at all, sorry' },
      });
      await assert.rejects(wrong.history('users', 2), (error: Error) => {
        assert.ok(error instanceof WrongMasterKeyError);
        assert.match(error.message, /is not the one that wrapped the subject keys/);
        return true;
      });
    });

    it('erases the subject: an erasure record, its key destroyed, [ERASED] on every read path, verify still OK', async () => {
      const writable = new AuditTrail(store, { encryption: { masterKey: MASTER_KEY } });
      const result = await writable.erase('1', {
        actor: { id: 'dpo' },
        reason: 'GDPR art. 17 request 7',
      });
      assert.equal(result.keysDestroyed.length, 1);
      assert.equal(result.records, 5);
      assert.equal(result.clearRecords, 0);
      assert.equal(result.erasure.operation, 'erasure');
      assert.equal(result.erasure.subjectId, '1');

      const verified = await trail.verify();
      assert.equal(verified.ok, true, JSON.stringify(verified.firstBreak));
      assert.equal(verified.records, 9); // 8 row records and the erasure record

      const history = await trail.history('users', 1);
      for (const version of history.versions) {
        const values = { ...version.record.before, ...version.record.after };
        assert.equal(values.email, '[ERASED]');
        assert.equal(values.name, '[ERASED]');
      }
      assert.equal((await trail.asOf('users', 1, new Date()))?.plan, 'pro');
      assert.equal((await trail.asOf('addresses', 10, new Date()))?.street, '[ERASED]');
      assert.equal((await trail.asOf('addresses', 10, new Date()))?.city, 'Oxford');
      const diff = await trail.diff('users', 1, 1, 2);
      for (const value of ALICE_VALUES) assert.ok(!JSON.stringify(diff).includes(value), value);
      const exported: string[] = [];
      for await (const record of trail.iterateChanges({})) exported.push(JSON.stringify(record));
      const all = exported.join('\n');
      for (const value of ALICE_VALUES) assert.ok(!all.includes(value), value);
      assert.ok(all.includes('[ERASED]'));
      // A revert plan names the erased fields as unrecoverable instead of writing markers back.
      const plan = await trail.revert('users', 1, 1);
      assert.deepEqual(plan.unrecoverableFields, ['email']); // the field the revert would change
      // The raw table holds no clear value, and the key table no key of subject 1.
      const dump = await rawDump();
      for (const value of ALICE_VALUES) assert.ok(!dump.includes(value), value);
      const keys = await auditDb.query('SELECT * FROM audit_erasure_subject_keys', {
        type: 'SELECT',
      });
      const alice = (keys as Array<Record<string, unknown>>).filter(
        (k) => String(k.subject_id) === '1',
      );
      assert.deepEqual(
        alice.map((k) => k.wrapped_key),
        [null],
      );
      // The erasure record names no personal value.
      const [erasure] = await trail.store.find({ operation: 'erasure' });
      for (const value of ALICE_VALUES) assert.ok(!JSON.stringify(erasure).includes(value), value);
    });

    it('shows the erased fields as [ERASED] in the viewer, whose verify still passes', async () => {
      const viewer = await startViewer(new AuditTrail(store), { port: 0 });
      try {
        const history = await (await fetch(`${viewer.url}/api/history/users/1`)).text();
        assert.ok(history.includes('[ERASED]'), history);
        for (const value of ALICE_VALUES) assert.ok(!history.includes(value), value);
        const bob = await (await fetch(`${viewer.url}/api/history/users/2`)).text();
        assert.ok(bob.includes('[ENCRYPTED]') && !bob.includes('bob@example.com'), bob);
        const verify = (await (await fetch(`${viewer.url}/api/verify`)).json()) as { ok: boolean };
        assert.equal(verify.ok, true, JSON.stringify(verify));
      } finally {
        await viewer.close();
      }
    });

    it('leaves the other subject readable', async () => {
      const bob = await trail.asOf('users', 2, new Date());
      assert.deepEqual([bob?.email, bob?.name], ['bob@example.com', 'Bob Builder']);
      assert.equal((await trail.asOf('orders', 200, new Date()))?.shipTo, 'Bob at Site Road');
      assert.equal((await trail.asOf('addresses', 20, new Date()))?.street, '2 Site Road');
    });
  });
});
