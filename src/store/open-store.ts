import { resolve } from 'node:path';
import type { AuditStore } from './audit-store';
import { JsonlAuditStore } from './jsonl/jsonl-audit-store';
import { SqlAuditStore } from './sql/sql-audit-store';

/** Options of `openAuditStore`. */
export interface OpenAuditStoreOptions {
  /** Table of a SQL store. @default 'audit_log' */
  table?: string;
  /** SQL stores: create and migrate the tables in `init()`; `false` only reads. @default true */
  migrate?: boolean;
}

const SQL_SCHEMES = ['postgres:', 'postgresql:', 'mariadb:', 'mysql:'];

/**
 * Opens (and initializes) a store from a URL: `sqlite:path/to/file.sqlite`,
 * `postgres://user@host:5432/db`, `mariadb://...`, `mysql://...` or `jsonl:path/to/audit.jsonl`.
 * A `?table=name` query parameter on a SQL URL picks the table.
 *
 * @example
 * const store = await openAuditStore('postgres://audit@db:5432/app?table=audit_log');
 */
export async function openAuditStore(
  url: string,
  options: OpenAuditStoreOptions = {},
): Promise<AuditStore> {
  const store = createAuditStore(url, options);
  await store.init();
  return store;
}

/** The store a URL names, not yet initialized. Throws with the accepted forms on a bad URL. */
export function createAuditStore(url: string, options: OpenAuditStoreOptions = {}): AuditStore {
  const scheme = /^[a-z]+:/i.exec(url)?.[0].toLowerCase();
  if (scheme === 'jsonl:')
    return new JsonlAuditStore({ path: resolve(url.slice('jsonl:'.length)) });
  if (scheme === 'sqlite:') {
    const { path, table } = splitTableParameter(url.slice('sqlite:'.length));
    if (!path) throw new Error(`audit store URL "${url}": give a file, e.g. sqlite:audit.sqlite`);
    return new SqlAuditStore({
      url: `sqlite:${path === ':memory:' ? path : resolve(path)}`,
      table: table ?? options.table,
      migrate: options.migrate,
    });
  }
  if (scheme && SQL_SCHEMES.includes(scheme)) {
    const parsed = new URL(url);
    const table = parsed.searchParams.get('table') ?? options.table;
    parsed.searchParams.delete('table');
    const normalized =
      scheme === 'postgresql:'
        ? parsed.toString().replace(/^postgresql:/, 'postgres:')
        : parsed.toString();
    return new SqlAuditStore({
      url: normalized,
      table: table ?? undefined,
      migrate: options.migrate,
    });
  }
  throw new Error(
    `audit store URL "${url}" is not supported; use sqlite:FILE, postgres://..., mariadb://..., mysql://... or jsonl:FILE`,
  );
}

function splitTableParameter(rest: string): { path: string; table?: string } {
  const [path, query] = rest.split('?', 2);
  const table = query ? (new URLSearchParams(query).get('table') ?? undefined) : undefined;
  return { path, table };
}
