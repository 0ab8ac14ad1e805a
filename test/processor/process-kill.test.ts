import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Sequelize } from 'sequelize';
import { AuditSpanProcessor, SqlAuditStore, verifyChains } from '../../src';
import type { AuditDurability } from '../../src';
import { describeEachDialect } from '../support/dialects';
import { tempDirectory } from './support/harness';

const CHILD = join(__dirname, 'support', 'writer-child.ts');
interface ChildRun {
  /** Rows in the order the child committed them. */
  committed: string[];
  /** The last row the child saw flushed (forceFlush returned after it). */
  lastFlushed?: string;
}

/**
 * Runs the writer child until it has committed `writes` rows for 2 s or more, then sends it
 * `signal`: SIGKILL kills it on the spot, SIGTERM lets it shut down and exit with 0.
 */
function runAndKill(
  args: string[],
  writes: number,
  signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL',
  minRunMs = 2000,
): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', CHILD, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const committed: string[] = [];
    let lastFlushed: string | undefined;
    let buffered = '';
    let stderr = '';
    let killedAt = 0;
    let firstAt = 0;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const [word, name, at] = line.split(' ');
        if (word === 'committed') committed.push(name);
        if (word === 'flushed') lastFlushed = name;
        firstAt ||= Number(at);
      }
      if (!killedAt && committed.length >= writes && Date.now() - firstAt >= minRunMs) {
        killedAt = Date.now();
        child.kill(signal);
      }
    });
    child.on('exit', (code, exitSignal) => {
      const expected = signal === 'SIGKILL' ? exitSignal === 'SIGKILL' : code === 0 && killedAt > 0;
      if (expected) resolve({ committed, lastFlushed });
      else reject(new Error(`writer child ended with ${exitSignal ?? code}: ${stderr}`));
    });
  });
}

describeEachDialect('AuditSpanProcessor in a process killed mid-workload', (fixture) => {
  const spool = tempDirectory('osa-kill-');
  let sequelize: Sequelize;
  before(() => {
    sequelize = fixture.connect();
  });
  after(() => spool.remove());
  afterEach(async () => {
    await sequelize.query('DROP TABLE IF EXISTS kill_items');
    await sequelize.query('DROP TABLE IF EXISTS audit_kill');
    await sequelize.query('DROP TABLE IF EXISTS audit_kill_checkpoints');
  });

  /** Starts a writer again after the crash: it resumes the chain, seals and replays what was left. */
  async function restartWriter(
    durability: AuditDurability,
    streamId: string,
  ): Promise<SqlAuditStore> {
    const store = new SqlAuditStore({ sequelize, table: 'audit_kill' });
    const processor = new AuditSpanProcessor({
      store,
      streamId,
      durability,
      spool: { directory: spool.path },
      closeStoreOnShutdown: false,
    });
    await processor.shutdown();
    return store;
  }

  async function committedRows(): Promise<string[]> {
    const rows = (await sequelize.query('SELECT name FROM kill_items', {
      type: 'SELECT',
    })) as Array<{ name: string }>;
    return rows.map((row) => row.name);
  }

  async function auditedNames(store: SqlAuditStore): Promise<Set<string>> {
    const records = await store.find({ table: 'kill_items' }, { limit: 100_000 });
    return new Set(records.map((record) => String(record.after?.name)));
  }

  it('loses no record of a committed change in transactional mode', async function () {
    this.timeout(60_000);
    await runAndKill([fixture.name, fixture.url, 'transactional', 'kill-tx', spool.path], 60);
    const store = await restartWriter('transactional', 'kill-tx');
    const rows = await committedRows();
    const audited = await auditedNames(store);
    assert.ok(rows.length >= 60);
    assert.deepEqual(
      rows.filter((name) => !audited.has(name)),
      [],
    );
    assert.equal(await store.count({ table: 'kill_items' }), rows.length);
    const result = await verifyChains(store);
    assert.equal(result.ok, true, JSON.stringify(result.firstBreak));
  });

  it('leaves no record behind when SIGTERM shuts the process down in batched mode', async function () {
    this.timeout(60_000);
    await runAndKill(
      [fixture.name, fixture.url, 'batched', 'term-batched', spool.path],
      40,
      'SIGTERM',
      1000,
    );
    const store = new SqlAuditStore({ sequelize, table: 'audit_kill' });
    const rows = await committedRows();
    const audited = await auditedNames(store);
    assert.ok(rows.length >= 40);
    assert.deepEqual(
      rows.filter((name) => !audited.has(name)),
      [],
    );
    assert.deepEqual(await verifyChains(store), { ok: true, streams: 1, records: rows.length });
  });

  it('loses at most the records handed over since the last flush in batched mode', async function () {
    this.timeout(60_000);
    const { committed, lastFlushed } = await runAndKill(
      [fixture.name, fixture.url, 'batched', 'kill-batched', spool.path],
      60,
    );
    const store = await restartWriter('batched', 'kill-batched');
    const audited = await auditedNames(store);
    assert.ok(lastFlushed, 'the child flushed at least once');
    const flushed = committed.slice(0, committed.indexOf(lastFlushed) + 1);
    assert.deepEqual(
      flushed.filter((name) => !audited.has(name)),
      [],
    );
    const lost = committed.filter((name) => !audited.has(name));
    assert.ok(lost.every((name) => !flushed.includes(name)));
    assert.equal(await store.count(), audited.size);
    const result = await verifyChains(store);
    assert.equal(result.ok, true, JSON.stringify(result.firstBreak));
  });
});
