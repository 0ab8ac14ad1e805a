import { createReadStream, ftruncateSync, writeSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { AuditEvent, AuditRecord } from '../types';
import type { ChainHead } from './chain-sealer';
import { tryLockFile, unlockFile } from './file-lock';
import { safeFileName } from './processor-options';
import { FILE_MODE, makePrivateDirectory } from './private-files';

/**
 * One line of the spool: a batch already sealed into a chain, or events that could not be
 * sealed yet (the store was unreachable before the chain head was known, or the overflow
 * policy `block` wrote them from the application's thread).
 */
export type SpoolEntry =
  { records: AuditRecord[]; events?: undefined } | { events: AuditEvent[]; records?: undefined };

const READ_CHUNK = 256 * 1024;

/**
 * An append-only journal file of batches the store did not take, fsynced per batch and
 * replayed in order. `<stream>.journal` holds the entries; `<stream>.journal.pos` the byte
 * offset replayed so far. The writer holds an OS lock on the journal file while it runs (see
 * `file-lock.ts`), so a journal whose lock is free was left by a dead process, is adopted and
 * replayed by the next one. Files are private to the user (0600, directory 0700).
 */
export class SpoolJournal {
  private size = 0;
  private pos = 0;

  private constructor(
    readonly file: string,
    private readonly handle: FileHandle,
  ) {}

  /** Opens (or creates) the journal of `stream` in `directory` and claims it. */
  static async open(directory: string, stream: string): Promise<SpoolJournal> {
    await makePrivateDirectory(directory);
    const file = join(directory, `${safeFileName(stream)}.journal`);
    const journal = await SpoolJournal.openFile(file, true);
    if (!journal) {
      throw new Error(
        `audit spool journal "${file}" is locked by another live process: two processes use the stream "${stream}"; give each its own streamId`,
      );
    }
    return journal;
  }

  /** Journals in `directory` other than `ownFile` whose owner process is gone, claimed. */
  static async adoptOrphans(directory: string, ownFile: string): Promise<SpoolJournal[]> {
    const entries = await readdir(directory).catch(() => [] as string[]);
    const adopted: SpoolJournal[] = [];
    for (const entry of entries.filter((e) => e.endsWith('.journal')).sort()) {
      const file = join(directory, entry);
      if (file === ownFile) continue;
      const journal = await SpoolJournal.openFile(file, false);
      if (journal) adopted.push(journal);
    }
    return adopted;
  }

  /** Opens and locks `file`; undefined when another live process holds its lock. */
  private static async openFile(file: string, own: boolean): Promise<SpoolJournal | undefined> {
    const handle = await open(file, 'a+', FILE_MODE);
    if (!tryLockFile(handle.fd, own)) {
      await handle.close();
      return undefined;
    }
    const journal = new SpoolJournal(file, handle);
    await journal.load();
    return journal;
  }

  /** The open file's descriptor (for a synchronous fsync). */
  get fd(): number {
    return this.handle.fd;
  }

  /** Bytes written but not replayed yet. */
  get pendingBytes(): number {
    return this.size - this.pos;
  }

  get hasPending(): boolean {
    return this.size > this.pos;
  }

  async append(entry: SpoolEntry): Promise<void> {
    const line = `${JSON.stringify(entry)}\n`;
    await this.handle.write(line);
    await this.handle.sync();
    this.size += Buffer.byteLength(line);
  }

  /**
   * The `block` overflow path: a synchronous append from the application's thread. No fsync
   * (that would cost milliseconds per record): the line survives a crash of the process, and
   * the next batch's fsync makes it durable against power loss too.
   */
  appendSync(entry: SpoolEntry): void {
    const line = `${JSON.stringify(entry)}\n`;
    writeSync(this.handle.fd, line);
    this.size += Buffer.byteLength(line);
  }

  /** Where replay stands: the offset of the oldest entry not replayed yet. */
  get replayedOffset(): number {
    return this.pos;
  }

  /** The entry at `offset` and the offset after it; null when no complete entry is there. */
  async peekAt(offset: number): Promise<{ entry: SpoolEntry | undefined; next: number } | null> {
    let length = Math.min(READ_CHUNK, this.size - offset);
    while (length > 0) {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await this.handle.read(buffer, 0, length, offset);
      const newline = buffer.subarray(0, bytesRead).indexOf(0x0a);
      if (newline >= 0) {
        const next = offset + newline + 1;
        return { entry: parseEntry(buffer.subarray(0, newline).toString('utf8')), next };
      }
      if (offset + length >= this.size) return null;
      length = Math.min(length * 2, this.size - offset);
    }
    return null;
  }

  /** Marks everything before `next` as replayed; empties the file once all is replayed. */
  async consume(next: number): Promise<void> {
    this.pos = next;
    if (this.pos >= this.size) {
      // Synchronous, so no `block` append can slip in between the check and the truncate.
      ftruncateSync(this.handle.fd, 0);
      this.size = 0;
      this.pos = 0;
    }
    await writeFile(`${this.file}.pos`, String(this.pos), { mode: FILE_MODE });
  }

  /** The last sealed record of `stream` still in the journal (a restarted writer resumes after it). */
  async lastSealed(stream: string): Promise<ChainHead | null> {
    if (!this.hasPending) return null;
    let head: ChainHead | null = null;
    const input = createReadStream('', {
      fd: this.handle.fd,
      start: this.pos,
      autoClose: false,
      encoding: 'utf8',
    });
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      for (const record of parseEntry(line)?.records ?? []) {
        if (record.stream === stream && (!head || record.seq > head.seq))
          head = { seq: record.seq, hash: record.hash };
      }
    }
    return head;
  }

  /** Closes the file; removes it when nothing is left to replay. */
  async close(): Promise<void> {
    const empty = !this.hasPending;
    // Removed while still locked, so no other process adopts an empty journal meanwhile.
    if (empty) {
      await Promise.all([this.file, `${this.file}.pos`].map((f) => rm(f, { force: true })));
    }
    unlockFile(this.handle.fd);
    await this.handle.close();
  }

  private async load(): Promise<void> {
    this.size = (await this.handle.stat()).size;
    const saved = Number(await readFile(`${this.file}.pos`, 'utf8').catch(() => '0'));
    this.pos = Number.isFinite(saved) && saved >= 0 && saved <= this.size ? saved : 0;
    if (this.size > 0) {
      const last = Buffer.alloc(1);
      await this.handle.read(last, 0, 1, this.size - 1);
      if (last[0] !== 0x0a) await this.append0(); // end a line torn by a crash
    }
  }

  private async append0(): Promise<void> {
    await this.handle.write('\n');
    this.size += 1;
  }
}

/** Parses one journal line; a torn or foreign line yields undefined (skipped). */
function parseEntry(line: string): SpoolEntry | undefined {
  try {
    const parsed = JSON.parse(line) as Partial<SpoolEntry>;
    if (Array.isArray(parsed.records)) return { records: parsed.records };
    if (Array.isArray(parsed.events)) return { events: parsed.events };
  } catch {
    // a line cut short by a crash
  }
  return undefined;
}
