import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { SSEStreamingApi } from 'hono/streaming';
import type { AuditTrail } from '../query/audit-trail';
import type { ChangesQuery } from '../query/trail-types';
import { verifyEachStream } from './integrity-report';

const HEARTBEAT_MS = 15_000;
const PROGRESS_EVERY_MS = 200;

async function send(stream: SSEStreamingApi, event: string, value: unknown): Promise<void> {
  await stream.writeSSE({ event, data: JSON.stringify(value) });
}

/**
 * `GET /api/live`: records appended from now on that match the filters, one `record` event each,
 * after a `ready` event once following has begun. Ends when the client goes away.
 */
export function liveEvents(
  c: Context,
  trail: AuditTrail,
  query: ChangesQuery,
  intervalMs: number,
): Response {
  return streamSSE(c, async (stream) => {
    const stop = new AbortController();
    stream.onAbort(() => stop.abort());
    const heartbeat = setInterval(() => void stream.write(': keep-alive\n\n'), HEARTBEAT_MS);
    try {
      const follower = await trail.follow(query, { intervalMs, signal: stop.signal });
      await send(stream, 'ready', { following: true });
      for await (const record of follower) {
        await stream.writeSSE({
          event: 'record',
          id: `${record.stream}:${record.seq}`,
          data: JSON.stringify(record),
        });
      }
    } catch (error) {
      if (!stop.signal.aborted) await send(stream, 'problem', { error: messageOf(error) });
    } finally {
      clearInterval(heartbeat);
      stop.abort();
    }
  });
}

/**
 * `GET /api/verify/events`: `progress` events while verify runs, a `stream` event per verified
 * stream, then one `result` event with the whole report.
 */
export function verifyEvents(c: Context, trail: AuditTrail): Response {
  return streamSSE(c, async (stream) => {
    let lastSent = 0;
    const pending: Promise<void>[] = [];
    try {
      const report = await verifyEachStream(
        trail.raw,
        (progress) => {
          const now = Date.now();
          if (now - lastSent < PROGRESS_EVERY_MS) return;
          lastSent = now;
          pending.push(send(stream, 'progress', progress));
        },
        (entry) => void pending.push(send(stream, 'stream', entry)),
      );
      await Promise.all(pending);
      await send(stream, 'result', report);
    } catch (error) {
      await send(stream, 'problem', { error: messageOf(error) });
    }
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}
