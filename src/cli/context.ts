import type { Command } from 'commander';
import { AuditTrail } from '../query/audit-trail';
import type { AuditStore } from '../store/audit-store';
import { badInput } from './cli-error';
import { openStore } from './open-store';
import type { OpenOptions } from './open-store';
import { Output } from './output';
import { describeStoreFailure, redactUrl } from './store-errors';

/** Options every command takes (declared on the program). */
export interface GlobalOptions {
  store?: string;
  json?: boolean;
  traceUrl?: string;
  color?: boolean;
  progress?: boolean;
}

/** What a command works with. */
export interface CommandContext {
  store: AuditStore;
  trail: AuditTrail;
  out: Output;
  /** `--trace-url` template with `{traceId}`, when set. */
  traceUrl?: string;
  /** `--progress` / `--no-progress`; undefined: when stderr is a terminal. */
  progress?: boolean;
}

/**
 * Opens the store named by `--store` or AUDIT_STORE_URL (read-only unless `openOptions` say
 * otherwise), runs a command's body, and closes the store whatever happens. Store failures
 * become one line with an exit code.
 */
export async function runWithStore(
  command: Command,
  body: (context: CommandContext) => Promise<void>,
  openOptions: OpenOptions = {},
): Promise<void> {
  const options = command.optsWithGlobals<GlobalOptions>();
  const url = options.store; // commander falls back on AUDIT_STORE_URL
  if (!url) {
    throw badInput('no audit store given: pass --store URL or set AUDIT_STORE_URL');
  }
  const { traceUrl } = options; // or AUDIT_TRACE_URL
  if (traceUrl !== undefined && !traceUrl.includes('{traceId}')) {
    throw badInput(`--trace-url "${traceUrl}" has no {traceId} placeholder`);
  }
  const label = redactUrl(url);
  const store = await openStore(url, openOptions);
  const out = new Output(options.json === true, options.color !== false);
  try {
    // AUDIT_MASTER_KEY: personal values are decrypted; without it they read [ENCRYPTED].
    const masterKey = process.env.AUDIT_MASTER_KEY || undefined;
    const trail = new AuditTrail(store, { encryption: { masterKey } });
    await body({ store, trail, out, traceUrl, progress: options.progress });
  } catch (error) {
    throw describeStoreFailure(error, label);
  } finally {
    await store.close().catch(() => undefined);
  }
}
