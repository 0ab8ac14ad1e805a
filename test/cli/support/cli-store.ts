import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAuditStore } from '../../../src/store/open-store';
import type { DialectFixture } from '../../support/dialects';
import { runCli } from './run-cli';
import type { CliResult } from './run-cli';
import { runShopWorkload } from './shop-workload';
import type { ShopTrail } from './shop-workload';

/** Which store a CLI suite reads: the SQL store in the suite's database, or a JSONL file. */
export type StoreKind = 'sql' | 'jsonl';

/** A store filled by the shop workload, and the CLI pointed at it. */
export interface CliStore {
  url: string;
  trail: ShopTrail;
  cli(...args: string[]): Promise<CliResult>;
  cleanUp(): void;
}

/**
 * Runs the shop workload on the suite's database and appends its audit records to a store of
 * the given kind, in a table (`?table=`) or file of its own.
 */
export async function fillCliStore(
  db: DialectFixture,
  kind: StoreKind,
  table = 'audit_log',
): Promise<CliStore> {
  const dir = mkdtempSync(join(tmpdir(), 'osa-cli-'));
  const url = kind === 'jsonl' ? `jsonl:${join(dir, 'audit.jsonl')}` : withTable(db.url, table);
  const store = await openAuditStore(url);
  try {
    const trail = await runShopWorkload(db.connect(), store, join(dir, 'spool'));
    return {
      url,
      trail,
      cli: (...args) => runCli(['--store', url, ...args]),
      cleanUp: () => rmSync(dir, { recursive: true, force: true }),
    };
  } finally {
    await store.close();
  }
}

export function withTable(url: string, table: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}table=${table}`;
}
