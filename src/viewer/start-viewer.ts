import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { AuditTrail } from '../query/audit-trail';
import { createViewerApp } from './viewer-app';
import { resolveViewerOptions } from './viewer-options';
import type { ViewerOptions } from './viewer-options';

/** A running viewer. */
export interface RunningViewer {
  /** Where it listens, e.g. `http://127.0.0.1:4600`. */
  url: string;
  port: number;
  /** Stops listening and ends open live connections. The store stays open. */
  close(): Promise<void>;
}

/**
 * Serves the read-only web viewer and its JSON API over a trail.
 *
 * @example
 * const viewer = await startViewer(new AuditTrail(store), { port: 0 });
 * console.log(`open ${viewer.url}`);
 * await viewer.close();
 */
export async function startViewer(
  trail: AuditTrail,
  options: ViewerOptions = {},
): Promise<RunningViewer> {
  const resolved = resolveViewerOptions(options);
  const app = createViewerApp(trail, resolved);
  const server = createAdaptorServer({ fetch: app.fetch, hostname: resolved.host });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `port ${resolved.port} on ${resolved.host} is in use: pass another --port (0 picks a free one)`,
            )
          : error,
      );
    });
    server.listen(resolved.port, resolved.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host =
    resolved.host.includes(':') && !resolved.host.startsWith('[')
      ? `[${resolved.host}]`
      : resolved.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
