import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { join } from 'node:path';
import { JsonlAuditStore } from '../../src/store/jsonl/jsonl-audit-store';
import { verifyChains } from '../../src/store/verify-chains';
import type { AuditRecord } from '../../src/types';
import { tempDirectory } from '../processor/support/harness';
import { makeChain } from './support/events';

const CHILD = join(__dirname, 'support', 'jsonl-append-child.ts');

/** A chain of `count` records of `stream`, one day apart from 2020-01-01 on. */
function datedChain(stream: string, count: number): AuditRecord[] {
  const records: AuditRecord[] = [];
  let head = { seq: 0, hash: null as string | null };
  for (let i = 0; i < count; i += 1) {
    const occurredAt = new Date(Date.UTC(2020, 0, 1 + i)).toISOString();
    const [record] = makeChain(stream, 1, head, { occurredAt });
    records.push(record);
    head = { seq: record.seq, hash: record.hash };
  }
  return records;
}

describe('JsonlAuditStore shared by two processes', () => {
  const directory = tempDirectory('osa-jsonl-mp-');
  after(() => directory.remove());

  it("loses none of another process's appends while this one prunes and both rotate", async function () {
    this.timeout(300_000); // two processes contend for one file lock: slow on a loaded machine
    const path = join(directory.path, 'shared.jsonl');
    const maxFileBytes = 64 * 1024;
    const store = new JsonlAuditStore({ path, maxFileBytes, fsync: false });
    await store.append(datedChain('old', 60));

    const batches = 150;
    const batchSize = 20;
    // The child waits after each of its first batches until this process has pruned once more,
    // so at least that many prunes rewrite the file it holds open, however fast it runs.
    const lockstep = 4;
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        CHILD,
        path,
        String(batches),
        String(batchSize),
        String(maxFileBytes),
        String(lockstep),
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    child.stdin.on('error', () => {}); // a child that died early fails the exit-code assertion
    let appended = 0;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      for (const match of chunk.matchAll(/appended (\d+)/g)) appended = Number(match[1]);
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));

    // Once the child writes, prune one more day of the "old" stream at a time until it ends:
    // each prune rewrites the file the child is appending to.
    let removed = 0;
    let prunedWhileWriting = 0;
    let day = 2;
    let finished = false;
    void exited.then(() => (finished = true));
    while (!finished && appended === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    while (!finished && day < 60) {
      const result = await store.prune(new Date(Date.UTC(2020, 0, day)));
      removed += result.removed;
      if (!finished && result.removed > 0) prunedWhileWriting += 1;
      day += 1;
      if (day - 2 <= lockstep) child.stdin.write('go\n');
      // Let the child append (through the handle it holds open) before the next rewrite.
      const seen = appended;
      while (!finished && appended === seen) await new Promise((resolve) => setTimeout(resolve, 2));
    }
    assert.equal(await exited, 0);
    assert.ok(prunedWhileWriting >= 3, `only ${prunedWhileWriting} prunes while the child wrote`);
    await store.close();

    const reader = new JsonlAuditStore({ path, mode: 'read' });
    assert.equal(await reader.count({ stream: 'child' }), batches * batchSize);
    assert.equal(await reader.count({ stream: 'old' }), 60 - removed);
    assert.deepEqual(await verifyChains(reader), {
      ok: true,
      streams: 2,
      records: batches * batchSize + 60 - removed,
    });
    assert.ok(fs.readdirSync(directory.path).filter((f) => /\.\d+$/.test(f)).length >= 2);
    await reader.close();
  });
});

describe('JsonlAuditStore reads and memory', () => {
  const directory = tempDirectory('osa-jsonl-read-');
  after(() => directory.remove());

  it('verify reads each file once, however many pages the walk takes', async () => {
    const path = join(directory.path, 'walk.jsonl');
    const writer = new JsonlAuditStore({ path, maxFileBytes: 256 * 1024, fsync: false });
    const chain = makeChain('s', 2000);
    for (let i = 0; i < chain.length; i += 100) await writer.append(chain.slice(i, i + 100));
    await writer.close();
    const reader = new JsonlAuditStore({ path, mode: 'read' });
    await reader.init();

    const opened = new Map<string, number>();
    const original = fs.createReadStream;
    fs.createReadStream = ((file: fs.PathLike, ...rest: unknown[]) => {
      opened.set(String(file), (opened.get(String(file)) ?? 0) + 1);
      return (original as (...args: unknown[]) => fs.ReadStream)(file, ...rest);
    }) as typeof fs.createReadStream;
    try {
      const result = await verifyChains(reader, { pageSize: 100 });
      assert.deepEqual(result, { ok: true, streams: 1, records: 2000 });
    } finally {
      fs.createReadStream = original;
      await reader.close();
    }
    assert.ok(opened.size >= 3, `${opened.size} files`);
    assert.deepEqual([...new Set(opened.values())], [1]);
  });

  it('reads past the end again once another writer appended, after a page that reached it', async () => {
    const path = join(directory.path, 'follow.jsonl');
    const writer = new JsonlAuditStore({ path, fsync: false });
    const chain = makeChain('s', 6);
    await writer.append(chain.slice(0, 3));
    const reader = new JsonlAuditStore({ path, mode: 'read' });
    assert.equal((await reader.readStream('s', 1, 10)).length, 3);
    assert.deepEqual(await reader.readStream('s', 4, 10), []);
    await writer.append(chain.slice(3));
    assert.deepEqual(
      (await reader.readStream('s', 4, 10)).map((r) => r.seq),
      [4, 5, 6],
    );
    await Promise.all([writer.close(), reader.close()]);
  });

  it('keeps only a bounded window of event ids and still ignores older replays', async () => {
    const path = join(directory.path, 'dedupe.jsonl');
    const store = new JsonlAuditStore({ path, recentEventIds: 10, fsync: false });
    const chain = makeChain('s', 100);
    await store.append(chain);
    await store.append(chain.slice(0, 50)); // far outside the window of 10 ids
    await store.append(chain.slice(95));
    await store.close();
    const reopened = new JsonlAuditStore({ path, recentEventIds: 10 });
    await reopened.append(chain.slice(0, 3));
    assert.equal(await reopened.count(), 100);
    assert.deepEqual(
      await reopened.knownEventIds([chain[0].eventId, 'unknown']),
      new Set([chain[0].eventId]),
    );
    await reopened.close();
  });
});
