import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AuditStore } from '../store/audit-store';
import { createAuditStore } from '../store/open-store';
import { badInput, CliError, EXIT } from './cli-error';
import { describeStoreFailure, redactUrl } from './store-errors';

export interface OpenOptions {
  /** Create what is missing (`migrate`); other commands never create a file or table. */
  create: boolean;
}

/** Opens and initializes the store a URL names; every failure becomes one line and an exit code. */
export async function openStore(url: string, options: OpenOptions): Promise<AuditStore> {
  let store: AuditStore;
  try {
    store = createAuditStore(url);
  } catch (error) {
    throw badInput(error instanceof Error ? error.message : String(error));
  }
  const file = localFile(url);
  if (!options.create && file && !existsSync(file)) {
    throw new CliError(
      `the audit store ${url} does not exist (no file ${file}); check the path, or run "otel-sequelize-audit migrate" to create it`,
      EXIT.storeUnavailable,
    );
  }
  try {
    await store.init();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw describeStoreFailure(error, redactUrl(url));
  }
  return store;
}

/** The file behind a `sqlite:` or `jsonl:` URL, if any. */
function localFile(url: string): string | undefined {
  const match = /^(sqlite|jsonl):([^?]*)/i.exec(url);
  if (!match || !match[2] || match[2] === ':memory:') return undefined;
  return resolve(match[2]);
}
