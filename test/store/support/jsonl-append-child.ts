/*
 * A second process writing to a JSONL store: appends BATCHES batches of BATCH_SIZE records of
 * stream "child", printing "appended <n>" after each, then exits. After each of the first
 * LOCKSTEP batches it waits for a line on stdin, so the parent can rewrite the file in between
 * however fast this process runs; the batches after those run free, racing the parent.
 */
import { createInterface } from 'node:readline';
import { JsonlAuditStore } from '../../../src/store/jsonl/jsonl-audit-store';
import { makeChain } from './events';

async function main(): Promise<void> {
  const [path, batches, batchSize, maxFileBytes, lockstep = '0'] = process.argv.slice(2);
  const store = new JsonlAuditStore({ path, maxFileBytes: Number(maxFileBytes) });
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  let head = { seq: 0, hash: null as string | null };
  for (let i = 0; i < Number(batches); i += 1) {
    const chain = makeChain('child', Number(batchSize), head);
    await store.append(chain);
    const last = chain[chain.length - 1];
    head = { seq: last.seq, hash: last.hash };
    process.stdout.write(`appended ${last.seq}\n`);
    if (i < Number(lockstep)) await lines.next();
  }
  await store.close();
  process.stdin.destroy();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
