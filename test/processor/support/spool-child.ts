/*
 * A writer whose store is unreachable: it spools the events it is given, prints
 * `spooled <event ids as JSON>` and then idles, holding its journal, until it is killed.
 * argv: <spoolDirectory> <streamId> <count>
 */
import { AuditSpanProcessor, SqlAuditStore } from '../../../src';
import { makeEvent } from '../../store/support/events';

const [spoolDirectory, streamId, count] = process.argv.slice(2);

async function main(): Promise<void> {
  // Port 9 (discard) on the loopback: connection refused, at once.
  const store = new SqlAuditStore({
    url: 'postgres://nobody@127.0.0.1:9/none',
    sequelizeOptions: { pool: { max: 1, acquire: 500 }, retry: { max: 0 } },
  });
  const processor = new AuditSpanProcessor({
    store,
    streamId,
    spool: { directory: spoolDirectory },
    retry: { maxAttempts: 1, initialDelayMs: 60_000, maxDelayMs: 60_000 },
  });
  const events = Array.from({ length: Number(count) }, () => makeEvent());
  for (const event of events) processor.receiveAuditEvent(event);
  await processor.forceFlush();
  process.stdout.write(`spooled ${JSON.stringify(events.map((e) => e.eventId))}\n`);
  setInterval(() => undefined, 60_000);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
