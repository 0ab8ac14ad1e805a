import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AuditStore } from '../store/audit-store';
import { createAuditStore } from '../store/open-store';

/**
 * Opens the store a URL names for reading only: never creates a file or a table, never migrates.
 * Throws with what to do when the URL is wrong or the store is missing.
 */
export async function openViewerStore(url: string): Promise<AuditStore> {
  const file = /^(sqlite|jsonl):([^?]*)/i.exec(url)?.[2];
  if (file && file !== ':memory:' && !existsSync(resolve(file))) {
    throw new Error(
      `the audit store ${url} does not exist (no file ${resolve(file)}); check the path`,
    );
  }
  const store = createAuditStore(url, { mode: 'read' });
  try {
    await store.init();
    // Fails now, with the store's reason, when the table is missing or unreadable.
    await store.find({}, { limit: 1 });
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return store;
}
