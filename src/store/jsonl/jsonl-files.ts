import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

/*
 * The files of a JSONL store: the active file `<path>`, rotated files `<path>.1`, `<path>.2`,
 * ... (a higher number is newer) and the checkpoints `<path>.checkpoints`.
 */

/** Rotated files oldest first, then the active file (when present). */
export async function recordFiles(path: string): Promise<string[]> {
  const directory = dirname(path);
  const base = basename(path);
  const rotated: Array<{ file: string; index: number }> = [];
  for (const entry of await readdir(directory).catch(() => [] as string[])) {
    const match = entry.startsWith(`${base}.`) ? /^\d+$/.exec(entry.slice(base.length + 1)) : null;
    if (match) rotated.push({ file: join(directory, entry), index: Number(match[0]) });
  }
  rotated.sort((a, b) => a.index - b.index);
  const files = rotated.map((r) => r.file);
  if (await exists(path)) files.push(path);
  return files;
}

/** The next free rotation number. */
export async function nextRotationIndex(path: string): Promise<number> {
  const files = await recordFiles(path);
  const numbers = files.filter((f) => f !== path).map((f) => Number(f.slice(path.length + 1)));
  return Math.max(0, ...numbers) + 1;
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Each parsed line of a file, in order. A line that is not JSON (the torn tail of a write
 * cut short by a crash) is passed to `onBadLine` and skipped.
 */
export async function* readJsonLines<T>(
  file: string,
  onBadLine?: (file: string, line: number) => void,
): AsyncGenerator<T> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let number = 0;
  for await (const line of lines) {
    number += 1;
    if (line.trim() === '') continue;
    let parsed: T;
    try {
      parsed = JSON.parse(line) as T;
    } catch {
      onBadLine?.(file, number);
      continue;
    }
    yield parsed;
  }
}

/** Ends a file cut short in the middle of a line with a newline, so the next line stands alone. */
export async function terminateTornLine(file: string): Promise<void> {
  const info = await stat(file).catch(() => undefined);
  if (!info || info.size === 0) return;
  const handle = await open(file, 'r+');
  try {
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, info.size - 1);
    if (last[0] !== 0x0a) await handle.write('\n', info.size);
  } finally {
    await handle.close();
  }
}
