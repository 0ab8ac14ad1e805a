/*
 * Hands 40,000 records to a processor whose store is down, and prints the heap in use
 * (after a full GC) once 5,000 and once all 40,000 were handed over, with the spool size.
 * Run with --expose-gc. argv: <directory>
 */
import { statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AuditSpanProcessor, SqlAuditStore } from '../../../src';
import { makeEvent } from '../../store/support/events';
import { SwitchableStore } from './switchable-store';

const [directory] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;

function heapAfterGc(): number {
  gc?.();
  return process.memoryUsage().heapUsed;
}

async function main(): Promise<void> {
  const store = new SwitchableStore(
    new SqlAuditStore({ url: `sqlite:${join(directory, 'audit.sqlite')}` }),
  );
  store.down = true;
  const spool = join(directory, 'spool');
  const processor = new AuditSpanProcessor({
    store,
    maxQueueSize: 1000,
    spool: { directory: spool },
    retry: { maxAttempts: 1, initialDelayMs: 10, maxDelayMs: 100 },
  });
  let baseline = 0;
  for (let i = 1; i <= 40_000; i += 1) {
    processor.receiveAuditEvent(makeEvent());
    if (i % 250 === 0) await new Promise((resolve) => setImmediate(resolve));
    if (i === 5000) {
      await processor.forceFlush();
      baseline = heapAfterGc();
    }
  }
  await processor.forceFlush();
  const final = heapAfterGc();
  const spoolBytes = readdirSync(spool)
    .filter((file) => file.endsWith('.journal'))
    .reduce((sum, file) => sum + statSync(join(spool, file)).size, 0);
  process.stdout.write(`${JSON.stringify({ baseline, final, spoolBytes, gc: Boolean(gc) })}\n`);
  process.exit(0);
}

void main();
