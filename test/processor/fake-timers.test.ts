import assert from 'node:assert/strict';
import { ModernFakeTimers } from '@jest/fake-timers';
import * as sinonTimers from '@sinonjs/fake-timers';
import type { Model, ModelStatic, Sequelize } from 'sequelize';
import { AuditSpanProcessor, SqlAuditStore, verifyChains } from '../../src';
import { describeEachDialect } from '../support/dialects';
import { tempDirectory } from './support/harness';

// Taken before any clock is installed: the test itself must wait on real time.
const realSetImmediate = setImmediate;
const realNow = performance.now.bind(performance);

/** Fake timers of one library, installed on the globals and uninstalled after the test. */
interface FakeClock {
  name: string;
  install(): () => void;
}

const CLOCKS: FakeClock[] = [
  {
    name: 'sinon fake timers (@sinonjs/fake-timers install(), as sinon.useFakeTimers() does)',
    install() {
      // sinon.useFakeTimers() leaves nextTick and queueMicrotask real; the drivers need them.
      const clock = sinonTimers.install({ toNotFake: ['nextTick', 'queueMicrotask'] });
      return () => clock.uninstall();
    },
  },
  {
    name: 'Jest modern fake timers (@jest/fake-timers useFakeTimers())',
    install() {
      type JestConfig = ConstructorParameters<typeof ModernFakeTimers>[0]['config'];
      // What Jest's own environment gives them: its project config's fakeTimers part; the
      // application's own libraries need nextTick and queueMicrotask (Jest users often keep them).
      const config = {
        fakeTimers: { doNotFake: ['nextTick', 'queueMicrotask'] },
      } as unknown as JestConfig;
      const timers = new ModernFakeTimers({ global: globalThis, config });
      timers.useFakeTimers();
      return () => timers.useRealTimers();
    },
  },
];

describeEachDialect('AuditSpanProcessor under fake timers the application installed', (fixture) => {
  const spool = tempDirectory('osa-fake-timers-');
  let sequelize: Sequelize;
  let Note: ModelStatic<Model>;
  let tables = 0;
  before(async () => {
    sequelize = fixture.connect();
    const { DataTypes } = fixture;
    Note = sequelize.define('Note', { body: DataTypes.STRING }, { tableName: 'fake_timer_notes' });
    await Note.sync();
  });
  after(() => spool.remove());

  for (const clock of CLOCKS) {
    it(`writes every record and settles forceFlush() with ${clock.name} left installed`, async () => {
      const store = new SqlAuditStore({ url: fixture.url, table: `audit_fake_${(tables += 1)}` });
      await store.init();
      const processor = new AuditSpanProcessor({
        store,
        spool: { directory: spool.path },
        flushIntervalMs: 200,
        maxBatchSize: 16,
        closeStoreOnShutdown: false,
      });
      const uninstall = clock.install();
      try {
        for (let i = 0; i < 40; i += 1) await Note.create({ body: `note ${i}` });
        // The flush timer must fire on real time: wait for it without forceFlush first.
        const started = realNow();
        while ((await store.count({ table: 'fake_timer_notes' })) < 40) {
          assert.ok(realNow() - started < 20_000, 'the writer never woke up');
          await new Promise((resolve) => realSetImmediate(resolve));
        }
        await processor.forceFlush();
      } finally {
        uninstall();
      }
      await processor.shutdown();
      assert.equal(await store.count({ table: 'fake_timer_notes' }), 40);
      assert.equal((await verifyChains(store)).ok, true);
      await store.close();
      await Note.truncate();
    });
  }
});
