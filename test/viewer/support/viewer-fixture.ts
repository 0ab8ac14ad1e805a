import { AuditTrail } from '../../../src/query/audit-trail';
import type { AuditStore } from '../../../src/store/audit-store';
import { openViewerStore } from '../../../src/viewer/open-viewer-store';
import { startViewer } from '../../../src/viewer/start-viewer';
import type { RunningViewer } from '../../../src/viewer/start-viewer';
import type { ViewerOptions } from '../../../src/viewer/viewer-options';
import type { DialectFixture } from '../../support/dialects';
import { fillCliStore } from '../../cli/support/cli-store';
import type { CliStore, StoreKind } from '../../cli/support/cli-store';
import { runHostileNotes } from './notes-workload';

export const TRACE_TEMPLATE = 'http://localhost:16686/trace/{traceId}';

/** A store filled by the real instrumentation (shop + hostile notes) and a viewer over it. */
export interface ViewerFixture {
  filled: CliStore;
  store: AuditStore;
  viewer: RunningViewer;
  get(path: string, init?: RequestInit): Promise<Response>;
  json<T = unknown>(path: string): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

export async function fillAndServe(
  db: DialectFixture,
  kind: StoreKind,
  options: ViewerOptions = {},
): Promise<ViewerFixture> {
  const filled = await fillCliStore(db, kind);
  await runHostileNotes(db.connect(), filled.url);
  const store = await openViewerStore(filled.url);
  const viewer = await startViewer(new AuditTrail(store), {
    port: 0,
    traceUrl: TRACE_TEMPLATE,
    liveIntervalMs: 100,
    ...options,
  });
  const get = (path: string, init?: RequestInit) => fetch(`${viewer.url}${path}`, init);
  return {
    filled,
    store,
    viewer,
    get,
    async json<T>(path: string) {
      const response = await get(path);
      return { status: response.status, body: (await response.json()) as T };
    },
    async close() {
      await viewer.close();
      await store.close();
      filled.cleanUp();
    },
  };
}
