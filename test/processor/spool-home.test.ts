import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { AuditSpanProcessor, SqlAuditStore } from '../../src';
import { spoolDirectoryOf } from '../../src/processor/processor-options';
import { makeEvent } from '../store/support/events';
import { FaultyStore } from './support/faulty-store';
import { tempDirectory } from './support/harness';

const CHILD = join(__dirname, 'support', 'spool-child.ts');

/** Starts a writer child that spools `count` events; resolves with it and the event ids once spooled. */
function spoolingChild(directory: string, stream: string, count: number) {
  return new Promise<{ child: ChildProcess; eventIds: string[] }>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--require', 'tsx/cjs', CHILD, directory, stream, String(count)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /^spooled (.*)$/m.exec(out);
      if (match) resolve({ child, eventIds: JSON.parse(match[1]) as string[] });
    });
    child.on('exit', (code) =>
      reject(new Error(`spool child ended (${code}) before spooling: ${err}`)),
    );
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('AuditSpanProcessor spool home and journal ownership', function () {
  this.timeout(60_000);
  const directory = tempDirectory('osa-spool-home-');
  after(() => directory.remove());

  it('keeps the spool in a private state directory that survives a reboot, not in the temp directory', () => {
    const store = new SqlAuditStore({ url: 'sqlite::memory:', table: 'audit_log' });
    const home = spoolDirectoryOf({ store }, { HOME: '/home/app' });
    assert.ok(!home.startsWith(tmpdir()), home);
    assert.equal(
      spoolDirectoryOf({ store }, { XDG_STATE_HOME: '/var/lib/app/state' }),
      '/var/lib/app/state/otel-sequelize-audit/spool/sql_audit_log',
    );
    assert.equal(spoolDirectoryOf({ store }, { AUDIT_SPOOL_DIR: '/srv/spool' }), '/srv/spool');
    assert.equal(
      spoolDirectoryOf(
        { store, spool: { directory: '/data/spool' } },
        { AUDIT_SPOOL_DIR: '/srv/spool' },
      ),
      '/data/spool',
    );
  });

  it('makes the spool directory 0700 and its files 0600', async () => {
    const spool = join(directory.path, 'private');
    const store = new FaultyStore(new SqlAuditStore({ url: 'sqlite::memory:' }));
    store.failureRate = 1;
    const processor = new AuditSpanProcessor({
      store,
      spool: { directory: spool },
      retry: { maxAttempts: 1, initialDelayMs: 60_000, maxDelayMs: 60_000 },
    });
    processor.receiveAuditEvent(makeEvent());
    await processor.forceFlush();
    assert.equal(statSync(spool).mode & 0o777, 0o700);
    const files = readdirSync(spool);
    assert.ok(
      files.some((name) => name.endsWith('.journal')),
      files.join(', '),
    );
    for (const name of files) assert.equal(statSync(join(spool, name)).mode & 0o777, 0o600, name);
    store.failureRate = 0;
    await processor.shutdown();
  });

  it('replays the journal of a dead predecessor that had the same PID, as a restarted container does', async () => {
    const spool = join(directory.path, 'container');
    const { child, eventIds } = await spoolingChild(spool, 'previous-life', 5);
    await killed(child);
    // In a container the application is PID 1 in every life: the predecessor's PID is ours.
    writeFileSync(join(spool, 'previous-life.journal.lock'), String(process.pid));
    const store = new SqlAuditStore({ url: `sqlite:${join(directory.path, 'container.sqlite')}` });
    const processor = new AuditSpanProcessor({
      store,
      streamId: 'this-life',
      spool: { directory: spool },
      closeStoreOnShutdown: false,
    });
    await processor.shutdown();
    const stored = (await store.find({}, { limit: 100 })).map((r) => r.eventId);
    assert.deepEqual(stored.sort(), [...eventIds].sort());
    await store.close();
  });

  it('never replays the journal of a writer that is still alive', async () => {
    const spool = join(directory.path, 'alive');
    const { child, eventIds } = await spoolingChild(spool, 'still-running', 3);
    try {
      const store = new SqlAuditStore({ url: `sqlite:${join(directory.path, 'alive.sqlite')}` });
      const processor = new AuditSpanProcessor({
        store,
        streamId: 'neighbour',
        spool: { directory: spool },
        closeStoreOnShutdown: false,
      });
      processor.receiveAuditEvent(makeEvent());
      await processor.shutdown();
      const stored = (await store.find({}, { limit: 100 })).map((r) => r.eventId);
      assert.equal(stored.length, 1);
      assert.ok(!stored.some((id) => eventIds.includes(id)));
      await store.close();
    } finally {
      await killed(child);
    }
  });

  it('keeps the host running with a clear error when the spool directory cannot be created, and writes every record once the store is back', async () => {
    const blocker = join(directory.path, 'a-file');
    writeFileSync(blocker, '');
    const spool = join(blocker, 'spool'); // a directory under a regular file: ENOTDIR, even for root
    const inner = new SqlAuditStore({ url: `sqlite:${join(directory.path, 'nospool.sqlite')}` });
    const store = new FaultyStore(inner);
    store.failureRate = 1;
    const errors: string[] = [];
    diag.setLogger(
      {
        error: (...args: unknown[]) => errors.push(args.map(String).join(' ')),
        warn: () => undefined,
        info: () => undefined,
        debug: () => undefined,
        verbose: () => undefined,
      },
      { logLevel: DiagLogLevel.ERROR, suppressOverrideMessage: true },
    );
    const processor = new AuditSpanProcessor({
      store,
      spool: { directory: spool },
      retry: { maxAttempts: 1, initialDelayMs: 10, maxDelayMs: 20 },
      closeStoreOnShutdown: false,
    });
    const events = Array.from({ length: 6 }, () => makeEvent());
    try {
      for (const event of events) processor.receiveAuditEvent(event);
      await processor.forceFlush();
      store.failureRate = 0;
      await processor.shutdown();
    } finally {
      diag.disable();
    }
    const spoolErrors = errors.filter((line) => line.includes(spool));
    assert.equal(spoolErrors.length, 1, errors.join('\n'));
    assert.match(spoolErrors[0], /ENOTDIR.*AUDIT_SPOOL_DIR/);
    assert.equal(await inner.count(), 6);
    await inner.close();
  });
});
