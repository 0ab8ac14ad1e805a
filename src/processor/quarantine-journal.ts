import { open, readdir, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditEvent } from '../types';
import { lockFileWaiting, unlockFile } from './file-lock';
import { safeFileName } from './processor-options';
import { FILE_MODE, makePrivateDirectory } from './private-files';

/** One record the store rejected for good, as the quarantine journal keeps it. */
export interface QuarantineEntry {
  /** ISO 8601, when it was quarantined. */
  quarantinedAt: string;
  /** The store that rejected it (its name, e.g. `sql:audit_log`). */
  store: string;
  /** The chain it was meant for; it holds no seq there (the chain closed over it). */
  stream: string;
  /** The event, unsealed: a retry seals it into a chain anew. */
  event: AuditEvent;
  /** What the store said. */
  error: { message: string; code?: string };
}

const SUFFIX = '.quarantine.jsonl';

/**
 * Quarantine journals live beside the spool journals, one per stream:
 * `<spool directory>/<stream>.quarantine.jsonl`, one JSON entry per line, 0600. Writers and
 * `otel-sequelize-audit quarantine retry` take the file's OS lock for each change, so a retry
 * never loses an entry appended meanwhile.
 */
export function quarantineFile(directory: string, stream: string): string {
  return join(directory, `${safeFileName(stream)}${SUFFIX}`);
}

/** Appends entries (fsynced) to the quarantine journal of their stream. */
export async function appendToQuarantine(
  directory: string,
  stream: string,
  entries: readonly QuarantineEntry[],
): Promise<string> {
  await makePrivateDirectory(directory);
  const file = quarantineFile(directory, stream);
  await withLockedFile(file, 'a', async (handle) => {
    await handle.write(entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
    await handle.sync();
  });
  return file;
}

/** Every quarantine journal in `directory`. */
export async function quarantineFiles(directory: string): Promise<string[]> {
  const names = await readdir(directory);
  return names
    .filter((name) => name.endsWith(SUFFIX))
    .sort()
    .map((name) => join(directory, name));
}

/** The entries of every journal in `directory`, oldest first per file, each event id once. */
export async function readQuarantine(directory: string): Promise<QuarantineEntry[]> {
  const seen = new Set<string>();
  const entries: QuarantineEntry[] = [];
  for (const file of await quarantineFiles(directory)) {
    await withLockedFile(file, 'r', async (handle) => {
      for (const entry of parseEntries(await handle.readFile('utf8'))) {
        if (seen.has(entry.event.eventId)) continue;
        seen.add(entry.event.eventId);
        entries.push(entry);
      }
    });
  }
  return entries;
}

/**
 * Works through one journal under its lock: `keep` decides, per entry, whether it stays; the
 * file is rewritten with what stays (removed when nothing does).
 */
export async function rewriteQuarantine(
  file: string,
  keep: (entry: QuarantineEntry) => Promise<boolean>,
): Promise<{ kept: number; removed: number }> {
  const kept: QuarantineEntry[] = [];
  let removed = 0;
  await withLockedFile(file, 'r+', async (handle) => {
    const seen = new Set<string>();
    for (const entry of parseEntries(await handle.readFile('utf8'))) {
      if (seen.has(entry.event.eventId)) continue;
      seen.add(entry.event.eventId);
      if (await keep(entry)) kept.push(entry);
      else removed += 1;
    }
    const text = kept.map((entry) => `${JSON.stringify(entry)}\n`).join('');
    await handle.truncate(0);
    await handle.write(text, 0);
    await handle.sync();
    if (kept.length === 0) await rm(file, { force: true });
  });
  return { kept: kept.length, removed };
}

async function withLockedFile(
  file: string,
  flags: 'a' | 'r' | 'r+',
  body: (handle: FileHandle) => Promise<void>,
): Promise<void> {
  const handle = await open(file, flags, FILE_MODE);
  try {
    await lockFileWaiting(handle.fd, flags === 'r');
    await body(handle);
  } finally {
    unlockFile(handle.fd);
    await handle.close();
  }
}

function parseEntries(text: string): QuarantineEntry[] {
  const entries: QuarantineEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line) as Partial<QuarantineEntry>;
      if (entry.event && typeof entry.event.eventId === 'string')
        entries.push(entry as QuarantineEntry);
    } catch {
      // a line torn by a crash
    }
  }
  return entries;
}
