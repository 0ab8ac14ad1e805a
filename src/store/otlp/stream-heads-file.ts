import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { StreamHead } from '../audit-store';

/*
 * The chain heads of a write-only store, kept in a small JSON file so that a restarted
 * process with the same stream id continues its chain (seq and previous hash) instead of
 * starting it again at seq 1.
 */

/** The heads stored in `file`; none when the file does not exist yet. */
export async function readStreamHeads(file: string): Promise<Map<string, StreamHead>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(
      `OtlpLogAuditStore: the state file ${file} is not JSON; restore it from a backup, or remove it to start new chains`,
    );
  }
  const heads = new Map<string, StreamHead>();
  for (const head of (parsed as { streams?: StreamHead[] }).streams ?? []) {
    heads.set(head.stream, { ...head });
  }
  return heads;
}

/** Replaces `file` with these heads (through a temporary file and a rename: never half-written). */
export async function writeStreamHeads(
  file: string,
  heads: ReadonlyMap<string, StreamHead>,
): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify({ streams: [...heads.values()] }), { mode: 0o600 });
  await rename(temporary, file);
}
