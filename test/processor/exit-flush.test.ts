import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { SqlAuditStore, verifyChains } from '../../src';
import { tempDirectory } from './support/harness';

const CHILD = join(__dirname, 'support', 'exit-child.ts');

function runChild(
  url: string,
  how: string,
  spool: string,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', CHILD, url, how, spool, how], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe('AuditSpanProcessor in a process that ends by itself', function () {
  this.timeout(60_000);
  const directory = tempDirectory('osa-exit-');
  after(() => directory.remove());

  async function storedOf(url: string, stream: string): Promise<number> {
    const store = new SqlAuditStore({ url, table: 'audit_exit' });
    try {
      const records = await store.readStream(stream, 1, 100);
      assert.equal((await verifyChains(store)).ok, true);
      return records.length;
    } finally {
      await store.close();
    }
  }

  it('writes every record when the script returns and the event loop empties, exit code 0', async () => {
    const url = `sqlite:${join(directory.path, 'return.sqlite')}`;
    const run = await runChild(url, 'return', join(directory.path, 'spool'));
    assert.deepEqual([run.code, run.signal], [0, null], run.stderr);
    assert.equal(await storedOf(url, 'return'), 8);
  });

  it('records each model write once, at row level, when no context manager is registered', async () => {
    const url = `sqlite:${join(directory.path, 'no-context.sqlite')}`;
    const run = await runChild(url, 'no-context-manager', join(directory.path, 'spool'));
    assert.deepEqual([run.code, run.signal], [0, null], run.stderr);
    const store = new SqlAuditStore({ url, table: 'audit_exit' });
    try {
      const records = await store.readStream('no-context-manager', 1, 100);
      // Without a context manager withoutAudit cannot reach the sync: its schema record stays.
      assert.deepEqual(
        records
          .filter((record) => record.operation !== 'schema')
          .map((record) => `${record.operation} ${record.granularity}`),
        Array.from({ length: 8 }, () => 'insert row'),
      );
    } finally {
      await store.close();
    }
  });

  it('keeps the exit code the script set', async () => {
    const url = `sqlite:${join(directory.path, 'code.sqlite')}`;
    const run = await runChild(url, 'exit-code', join(directory.path, 'spool'));
    assert.deepEqual([run.code, run.signal], [3, null], run.stderr);
    assert.equal(await storedOf(url, 'exit-code'), 8);
  });

  it('writes every record on a SIGTERM the application does not handle, and still dies by SIGTERM', async () => {
    const url = `sqlite:${join(directory.path, 'signal.sqlite')}`;
    const run = await runChild(url, 'signal', join(directory.path, 'spool'));
    assert.deepEqual([run.code, run.signal], [null, 'SIGTERM'], run.stderr);
    assert.equal(await storedOf(url, 'signal'), 8);
  });
});
