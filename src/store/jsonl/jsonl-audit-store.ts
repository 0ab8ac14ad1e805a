import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { AuditRecord } from '../../types';
import type {
  AuditCheckpoint,
  AuditFindOptions,
  AuditRecordFilter,
  AuditStore,
  StreamHead,
} from '../audit-store';
import { canonicalJson } from '../../canonical-json';
import { compareByCursor, matchesFilter } from '../record-match';
import type { AuditStoreMode } from '../store-mode';
import { AuditStoreNotFoundError, readOnlyError } from '../store-mode';
import type { ComplianceStore, StoreWithCompliance } from '../keys/subject-keys';
import { withFileLock } from './file-lock';
import { JsonlComplianceFiles } from './jsonl-compliance';
import { RecentIds } from './recent-ids';
import { StreamCursor } from './stream-cursor';
import {
  exists,
  nextRotationIndex,
  readJsonLines,
  recordFiles,
  terminateTornLine,
} from './jsonl-files';

/**
 * Options of `JsonlAuditStore`.
 *
 * @example
 * new JsonlAuditStore({ path: '/var/log/app/audit.jsonl', maxFileBytes: 256 * 1024 * 1024 })
 */
export interface JsonlAuditStoreOptions {
  /** The active file. Rotated files sit beside it as `<path>.1`, `<path>.2`, ...; checkpoints in `<path>.checkpoints`. */
  path: string;
  /** The active file is rotated once it reaches this size, in bytes. @default 67108864 (64 MiB) */
  maxFileBytes?: number;
  /** fsync the file after each batch. @default true */
  fsync?: boolean;
  /**
   * `read`: never creates, repairs or rewrites a file or directory; `init()` fails with
   * `AuditStoreNotFoundError` (naming the trail files that do exist beside it) when there is no
   * file, and every write fails. @default 'write'
   */
  mode?: AuditStoreMode;
  /** In `write` mode, create the file (and its directory) when missing. @default true */
  create?: boolean;
  /**
   * How many of the latest event ids the duplicate check keeps in memory; older replays are
   * caught by their place in the chain (a seq at or below the stream's head). @default 20000
   */
  recentEventIds?: number;
}

/**
 * Audit store in JSON Lines files: one record per line, appended and fsynced per batch,
 * rotated by size. Reads scan the files, so it suits trails that are written far more often
 * than they are queried; use `SqlAuditStore` for frequent history queries.
 */
export class JsonlAuditStore implements AuditStore, StoreWithCompliance {
  readonly name: string;
  private readonly path: string;
  private readonly checkpointPath: string;
  private readonly maxFileBytes: number;
  private readonly fsync: boolean;
  /** `read` or `write`, as opened. */
  readonly mode: AuditStoreMode;
  private readonly create: boolean;
  private readonly recentIds: RecentIds;
  private readonly lockPath: string;
  private cursor?: StreamCursor;
  private readonly heads = new Map<string, StreamHead>();
  private handle?: FileHandle;
  private size = 0;
  private initialized?: Promise<void>;
  private complianceFiles?: JsonlComplianceFiles;

  constructor(options: JsonlAuditStoreOptions) {
    if (!options.path) throw new Error('JsonlAuditStore: `path` is required, e.g. "audit.jsonl"');
    this.path = options.path;
    this.checkpointPath = `${options.path}.checkpoints`;
    this.maxFileBytes = options.maxFileBytes ?? 64 * 1024 * 1024;
    this.fsync = options.fsync ?? true;
    this.mode = options.mode ?? 'write';
    this.create = this.mode === 'write' && options.create !== false;
    this.name = `jsonl:${options.path}`;
    this.lockPath = `${options.path}.lock`;
    this.recentIds = new RecentIds(options.recentEventIds ?? 20_000);
  }

  /** The subject keys (`<path>.keys.json`) and legal holds (`<path>.holds.json`). */
  compliance(): ComplianceStore {
    this.complianceFiles ??= new JsonlComplianceFiles(
      this.path,
      this.lockPath,
      this.mode === 'write',
    );
    return this.complianceFiles;
  }

  init(): Promise<void> {
    this.initialized ??= this.load().catch((error: unknown) => {
      this.initialized = undefined;
      throw error;
    });
    return this.initialized;
  }

  async append(records: readonly AuditRecord[]): Promise<void> {
    this.requireWritable('append records');
    await this.init();
    const inBatch = new Set<string>();
    const fresh = records.filter((record) => {
      const stored = this.isStored(record) || inBatch.has(record.eventId);
      inBatch.add(record.eventId);
      return !stored;
    });
    if (fresh.length === 0) return;
    const text = fresh.map((record) => `${canonicalJson(record)}\n`).join('');
    await this.closeCursor();
    // Under the lock, so that another process's prune or rotation never loses this batch.
    await withFileLock(this.lockPath, async () => {
      const handle = await this.activeHandle();
      await handle.write(text);
      if (this.fsync) await handle.sync();
      this.size = (await handle.stat()).size;
      for (const record of fresh) this.remember(record);
      if (this.size >= this.maxFileBytes) await this.rotate();
    });
  }

  /**
   * A replay of a stored record: its id is among the recent ones, or its place in its
   * stream's chain is taken already.
   */
  private isStored(record: AuditRecord): boolean {
    if (this.recentIds.has(record.eventId)) return true;
    const head = this.heads.get(record.stream);
    return head !== undefined && record.seq <= head.lastSeq;
  }

  async knownEventIds(eventIds: readonly string[]): Promise<Set<string>> {
    await this.init();
    const known = new Set(eventIds.filter((id) => this.recentIds.has(id)));
    const unsure = new Set(eventIds.filter((id) => !known.has(id)));
    if (unsure.size === 0) return known;
    for await (const record of this.scan())
      if (unsure.has(record.eventId)) known.add(record.eventId);
    return known;
  }

  async streamHead(stream: string): Promise<StreamHead | null> {
    await this.init();
    const head = this.heads.get(stream);
    return head ? { ...head } : null;
  }

  async streams(): Promise<StreamHead[]> {
    await this.init();
    return [...this.heads.values()]
      .map((head) => ({ ...head }))
      .sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0));
  }

  /**
   * Records of a stream from `fromSeq`, in the order they were appended (its writer appends
   * them in seq order, so a line out of place shows as a break in verify). The next page, from
   * the seq after this one, goes on from where this one stopped.
   */
  async readStream(stream: string, fromSeq: number, limit: number): Promise<AuditRecord[]> {
    await this.init();
    if (!this.cursor?.continues(stream, fromSeq)) {
      await this.closeCursor();
      this.cursor = StreamCursor.start(() => this.scan(false), stream, fromSeq);
    }
    return this.cursor.take(limit);
  }

  async find(filter: AuditRecordFilter, options: AuditFindOptions = {}): Promise<AuditRecord[]> {
    const direction = options.order === 'desc' ? -1 : 1;
    const limit = options.limit ?? 100;
    const { after } = options;
    const order = (a: AuditRecord, b: AuditRecord) => compareByCursor(a, b) * direction;
    let kept: AuditRecord[] = [];
    for await (const record of this.scan()) {
      if (!matchesFilter(record, filter)) continue;
      if (after && compareByCursor(record, after) * direction <= 0) continue;
      kept.push(record);
      if (kept.length > limit * 2 + 1000) kept = kept.sort(order).slice(0, limit);
    }
    return kept.sort(order).slice(0, limit);
  }

  async count(filter: AuditRecordFilter = {}): Promise<number> {
    let count = 0;
    for await (const record of this.scan()) if (matchesFilter(record, filter)) count += 1;
    return count;
  }

  async writeCheckpoint(checkpoint: AuditCheckpoint): Promise<void> {
    this.requireWritable('write a checkpoint');
    await this.init();
    const handle = await open(this.checkpointPath, 'a');
    try {
      await handle.write(`${canonicalJson(checkpoint)}\n`);
      if (this.fsync) await handle.sync();
    } finally {
      await handle.close();
    }
  }

  async checkpoints(stream: string): Promise<AuditCheckpoint[]> {
    await this.init();
    if (!(await exists(this.checkpointPath))) return [];
    const found = new Map<string, AuditCheckpoint>();
    for await (const checkpoint of readJsonLines<AuditCheckpoint>(this.checkpointPath)) {
      const key = `${checkpoint.seq}:${checkpoint.kind}`;
      if (checkpoint.stream === stream && !found.has(key)) found.set(key, checkpoint);
    }
    return [...found.values()].sort(
      (a, b) => b.seq - a.seq || (b.createdAt < a.createdAt ? -1 : 1),
    );
  }

  async checkpointStreams(): Promise<string[]> {
    await this.init();
    if (!(await exists(this.checkpointPath))) return [];
    const streams = new Set<string>();
    for await (const checkpoint of readJsonLines<AuditCheckpoint>(this.checkpointPath)) {
      streams.add(checkpoint.stream);
    }
    return [...streams].sort();
  }

  async recordTables(): Promise<string[]> {
    const tables = new Set<string>();
    for await (const record of this.scan()) tables.add(record.table);
    return [...tables].sort();
  }

  /**
   * Rewrites the files without the pruned records, holding the store's lock throughout: other
   * processes' appends wait for it, then go on in the new files.
   */
  async prune(before: Date): Promise<{ removed: number }> {
    this.requireWritable('prune');
    await this.init();
    await this.closeCursor();
    return withFileLock(this.lockPath, () => this.pruneLocked(before));
  }

  /**
   * Removes the records of each stream up to its seq in `cuts` (inclusive), leaving a `prune`
   * checkpoint at each cut (retention prune: `pruneByRetention`).
   */
  async pruneThrough(seqs: ReadonlyMap<string, number>): Promise<{ removed: number }> {
    this.requireWritable('prune');
    await this.init();
    await this.closeCursor();
    return withFileLock(this.lockPath, async () => {
      await this.loadUnlocked();
      const cuts = new Map<string, { seq: number; hash: string }>();
      for await (const record of this.scan()) {
        if (seqs.get(record.stream) === record.seq) cuts.set(record.stream, record);
      }
      return this.cutLocked(cuts);
    });
  }

  private async pruneLocked(before: Date): Promise<{ removed: number }> {
    await this.loadUnlocked();
    return this.cutLocked(await this.pruneCuts(before));
  }

  private async cutLocked(
    cuts: Map<string, { seq: number; hash: string }>,
  ): Promise<{ removed: number }> {
    if (cuts.size === 0) return { removed: 0 };
    for (const [stream, cut] of cuts) {
      await this.writeCheckpoint({
        stream,
        seq: cut.seq,
        hash: cut.hash,
        createdAt: new Date().toISOString(),
        kind: 'prune',
      });
    }
    await this.closeHandle();
    let removed = 0;
    for (const file of await recordFiles(this.path)) {
      removed += await rewriteWithout(file, (r) => (cuts.get(r.stream)?.seq ?? 0) >= r.seq);
    }
    await this.loadUnlocked();
    return { removed };
  }

  async close(): Promise<void> {
    await this.closeCursor();
    await this.closeHandle();
    this.initialized = undefined;
  }

  /** Per stream, the last seq of the prefix of records that occurred before `before`. */
  private async pruneCuts(before: Date): Promise<Map<string, { seq: number; hash: string }>> {
    const firstKept = new Map<string, number>();
    for await (const record of this.scan()) {
      if (Date.parse(record.occurredAt) < before.getTime()) continue;
      firstKept.set(record.stream, Math.min(firstKept.get(record.stream) ?? Infinity, record.seq));
    }
    const cuts = new Map<string, { seq: number; hash: string }>();
    for (const head of this.heads.values()) {
      const seq = Math.min(head.lastSeq, (firstKept.get(head.stream) ?? Infinity) - 1);
      if (seq >= 1) cuts.set(head.stream, { seq, hash: '' });
    }
    for await (const record of this.scan()) {
      const cut = cuts.get(record.stream);
      if (cut && cut.seq === record.seq) cut.hash = record.hash;
    }
    for (const [stream, cut] of cuts) if (!cut.hash) cuts.delete(stream);
    return cuts;
  }

  private requireWritable(operation: string): void {
    if (this.mode === 'read') throw readOnlyError(this.name, operation);
  }

  private async load(): Promise<void> {
    if (!this.create) await this.requireFiles();
    else await mkdir(dirname(this.path), { recursive: true });
    if (this.mode === 'read') return this.loadUnlocked();
    // Under the lock: a torn tail is only torn when no other writer is in the middle of it.
    await withFileLock(this.lockPath, async () => {
      if (await exists(this.path)) await terminateTornLine(this.path);
      await this.loadUnlocked();
    });
  }

  /** Stream heads and recent event ids from one pass over the files. */
  private async loadUnlocked(): Promise<void> {
    this.recentIds.clear();
    this.heads.clear();
    for await (const record of this.scan(false)) this.remember(record);
    this.size = (await stat(this.path).catch(() => undefined))?.size ?? 0;
  }

  private async closeCursor(): Promise<void> {
    const cursor = this.cursor;
    this.cursor = undefined;
    await cursor?.close();
  }

  private async requireFiles(): Promise<void> {
    if ((await recordFiles(this.path)).length > 0) return;
    const siblings = await readdir(dirname(this.path)).catch(() => [] as string[]);
    const trails = siblings.filter((name) => name.endsWith('.jsonl')).sort();
    throw new AuditStoreNotFoundError(basename(this.path), trails, 'file');
  }

  private remember(record: AuditRecord): void {
    this.recentIds.add(record.eventId);
    const head = this.heads.get(record.stream);
    if (!head) {
      this.heads.set(record.stream, {
        stream: record.stream,
        lastSeq: record.seq,
        lastHash: record.hash,
        records: 1,
      });
      return;
    }
    head.records += 1;
    if (record.seq > head.lastSeq) {
      head.lastSeq = record.seq;
      head.lastHash = record.hash;
    }
  }

  private async *scan(ensureInit = true): AsyncGenerator<AuditRecord> {
    if (ensureInit) await this.init();
    for (const file of await recordFiles(this.path)) yield* readJsonLines<AuditRecord>(file);
  }

  /**
   * The open active file, reopened when another process rotated or rewrote it (the path then
   * names another file than the one held open). Called under the lock.
   */
  private async activeHandle(): Promise<FileHandle> {
    if (this.handle) {
      const [held, named] = await Promise.all([
        this.handle.stat(),
        stat(this.path).catch(() => undefined),
      ]);
      if (named?.ino !== held.ino || named.dev !== held.dev) await this.closeHandle();
    }
    this.handle ??= await open(this.path, 'a');
    return this.handle;
  }

  private async closeHandle(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }

  private async rotate(): Promise<void> {
    await this.closeHandle();
    await rename(this.path, `${this.path}.${await nextRotationIndex(this.path)}`);
    this.size = 0;
  }
}

/** Rewrites `file` without the records `drop` selects (through a temporary file and a rename). */
async function rewriteWithout(
  file: string,
  drop: (record: AuditRecord) => boolean,
): Promise<number> {
  const kept: string[] = [];
  let removed = 0;
  for await (const record of readJsonLines<AuditRecord>(file)) {
    if (drop(record)) removed += 1;
    else kept.push(`${canonicalJson(record)}\n`);
  }
  if (removed === 0) return 0;
  const temporary = `${file}.prune-tmp`;
  await writeFile(temporary, kept.join(''));
  await rename(temporary, file);
  if (kept.length === 0) await rm(file, { force: true });
  return removed;
}
