import { createReadStream, ftruncateSync, writeSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { AuditEvent, AuditRecord } from '../types';
import type { ChainHead } from './chain-sealer';
import { safeFileName } from './processor-options';

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
 * offset replayed so far; `<stream>.journal.lock` the pid of the process that owns it, so a
 * journal left by a dead process is adopted and replayed by the next one.
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
    await mkdir(directory, { recursive: true });
    return SpoolJournal.openFile(join(directory, `${safeFileName(stream)}.journal`));
  }

  /** Journals in `directory` other than `ownFile` whose owner process is gone, claimed. */
  static async adoptOrphans(directory: string, ownFile: string): Promise<SpoolJournal[]> {
    const entries = await readdir(directory).catch(() => [] as string[]);
    const adopted: SpoolJournal[] = [];
    for (const entry of entries.filter((e) => e.endsWith('.journal')).sort()) {
      const file = join(directory, entry);
      if (file === ownFile || (await ownerAlive(file))) continue;
      adopted.push(await SpoolJournal.openFile(file));
    }
    return adopted;
  }

  private static async openFile(file: string): Promise<SpoolJournal> {
    await writeFile(`${file}.lock`, String(process.pid));
    const handle = await open(file, 'a+');
    const journal = new SpoolJournal(file, handle);
    await journal.load();
    return journal;
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
    await writeFile(`${this.file}.pos`, String(this.pos));
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
    await this.handle.close();
    if (empty) {
      await Promise.all([this.file, `${this.file}.pos`].map((f) => rm(f, { force: true })));
    }
    await rm(`${this.file}.lock`, { force: true });
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

async function ownerAlive(file: string): Promise<boolean> {
  const pid = Number(await readFile(`${file}.lock`, 'utf8').catch(() => ''));
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
