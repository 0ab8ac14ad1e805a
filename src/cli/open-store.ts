import type { AuditStore } from '../store/audit-store';
import { createAuditStore } from '../store/open-store';
import { badInput } from './cli-error';
import { describeStoreFailure, redactUrl } from './store-errors';

/**
 * How a command opens its store: `read` (every read command) never creates nor alters a table
 * or file; `write` (`prune`) changes an existing trail only; `create` (`migrate`) creates what
 * is missing.
 */
export type StoreAccess = 'read' | 'write' | 'create';

export interface OpenOptions {
  /** @default 'read' */
  access?: StoreAccess;
  /** Same as `access: 'create'` (kept for commands written before `access`). */
  create?: boolean;
}

/** Opens and initializes the store a URL names; every failure becomes one line and an exit code. */
export async function openStore(url: string, options: OpenOptions = {}): Promise<AuditStore> {
  const access = options.create ? 'create' : (options.access ?? 'read');
  let store: AuditStore;
  try {
    store = createAuditStore(url, {
      mode: access === 'read' ? 'read' : 'write',
      create: access === 'create',
    });
  } catch (error) {
    throw badInput(error instanceof Error ? error.message : String(error));
  }
  try {
    await store.init();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw describeStoreFailure(error, redactUrl(url));
  }
  return store;
}
