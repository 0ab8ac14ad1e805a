import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Sequelize } from 'sequelize';
import { AuditSpanProcessor, SqlAuditStore, verifyChains } from '../../src';
import { describeEachDialect } from '../support/dialects';
import { seededRandom } from './support/faulty-store';
import { tempDirectory } from './support/harness';

const CHILD = join(__dirname, 'support', 'writer-child.ts');
const ITERATIONS = Number(process.env.AUDIT_TEST_KILL_ITERATIONS ?? 30);

/** Starts the writer child, SIGKILLs it `delayMs` after it is ready; resolves with the rows it committed. */
function runAndKillAfter(args: string[], delayMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', CHILD, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const committed: string[] = [];
    let buffered = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const [word, name] = line.split(' ');
        if (word === 'ready') setTimeout(() => child.kill('SIGKILL'), delayMs);
        if (word === 'committed') committed.push(name);
      }
    });
    child.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve(committed);
      else reject(new Error(`writer child ended with ${_code}: ${stderr}`));
    });
  });
}

describeEachDialect('AuditSpanProcessor killed at random points, again and again', (fixture) => {
  const spool = tempDirectory('osa-kill-loop-');
  let sequelize: Sequelize;
  before(() => {
    sequelize = fixture.connect();
  });
  after(() => spool.remove());

  it(`leaves no committed row unaudited in transactional mode over ${ITERATIONS} SIGKILLs`, async function () {
    this.timeout(20_000 + ITERATIONS * 15_000);
    const random = seededRandom(1201);
    const committed: string[] = [];
    for (let i = 0; i < ITERATIONS; i += 1) {
      const args = [fixture.name, fixture.url, 'transactional', 'kill-loop', spool.path];
      committed.push(...(await runAndKillAfter(args, Math.floor(random() * 400))));
    }
    // The next life of the same stream seals what the last one committed unsealed.
    const store = new SqlAuditStore({ sequelize, table: 'audit_kill' });
    const processor = new AuditSpanProcessor({
      store,
      streamId: 'kill-loop',
      durability: 'transactional',
      spool: { directory: spool.path },
      closeStoreOnShutdown: false,
    });
    await processor.shutdown();
    const rows = (
      (await sequelize.query('SELECT name FROM kill_items', { type: 'SELECT' })) as Array<{
        name: string;
      }>
    ).map((row) => row.name);
    // Each life names its rows item-0, item-1, ...: compare them as a multiset.
    const audited = new Map<string, number>();
    for (const record of await store.find({ table: 'kill_items' }, { limit: 100_000 })) {
      const name = String(record.after?.name);
      audited.set(name, (audited.get(name) ?? 0) + 1);
    }
    const unaudited = rows.filter((name) => {
      const left = audited.get(name) ?? 0;
      audited.set(name, left - 1);
      return left <= 0;
    });
    const auditedCount = await store.count({ table: 'kill_items' });
    process.stdout.write(
      `      (${ITERATIONS} kills: ${rows.length} rows committed, ${auditedCount} audited, ${unaudited.length} unaudited)\n`,
    );
    assert.ok(rows.length >= committed.length);
    assert.deepEqual(unaudited, []);
    assert.equal(auditedCount, rows.length);
    const result = await verifyChains(store);
    assert.equal(result.ok, true, JSON.stringify(result.firstBreak));
  });
});
