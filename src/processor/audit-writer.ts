import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import type { DiagLogger } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { fsyncSync } from 'node:fs';
import { isTransactionalStore } from '../store/audit-store';
import type { AuditCheckpoint } from '../store/audit-store';
import type { AuditEvent, AuditRecord } from '../types';
import { ChainSealer } from './chain-sealer';
import { PersonalEncryptor } from './personal-encryption';
import { GapRechainer } from './gap-rechainer';
import { withDeadline } from './deadline';
import type { BoundedQueue } from './event-queue';
import type { WriteUnit } from './poison-isolation';
import { writeAroundPoison } from './poison-isolation';
import type { ResolvedProcessorOptions } from './processor-options';
import type { ProcessorMetrics } from './processor-metrics';
import { QuarantineKeeper } from './quarantine-keeper';
import type { QueueItem } from './queue-item';
import { toAuditEvents } from './queue-item';
import { cancelTimeout, nextTurn, realNow, unrefTimeout } from './real-timers';
import { backoffDelay, sleep } from './retry';
import type { SpoolEntry, SpoolJournal } from './spool-journal';
import type { ReplayChunk } from './spool-set';
import { SpoolSet } from './spool-set';
import { isStreamClash } from './store-error-kind';

/** A batch on its way to the store: events until they are sealed, records after. */
interface Batch {
  events?: AuditEvent[];
  records?: AuditRecord[];
}

const UNSEALED_PAGE = 1000;

/** Two batches as one, in order (a held batch and the one sealed behind it). */
function mergeBatches(first: Batch, second: Batch): Batch {
  if (first.records && second.records) return { records: [...first.records, ...second.records] };
  if (first.events && second.events) return { events: [...first.events, ...second.events] };
  // A sealed batch followed by unsealed events: the events are sealed after those records.
  return { records: first.records ?? second.records, events: first.events ?? second.events };
}

/**
 * The one background writer of a processor: takes batches from the queue, seals them into
 * the chain, writes them to the store with retries and a deadline per call, spools them to
 * the local journal while the store fails, replays the journal in order when it is back, and
 * quarantines the records the store rejects for good. Everything here runs off the
 * application's request path, in a context where tracing is suppressed, on real timers.
 */
export class AuditWriter {
  readonly sealer: ChainSealer;
  private readonly spools = new SpoolSet();
  private readonly quarantine: QuarantineKeeper;
  private readonly gaps: GapRechainer;
  private ready = false;
  private readyAttempt = 0;
  private readyRetryAt = 0;
  private storeAttempt = 0;
  private storeRetryAt = 0;
  private held?: Batch;
  /** The batch sealed while `held` is on its way (not in the queue any more). */
  private sealedNext?: Batch;
  private loop?: Promise<void>;
  private wakeTimer?: NodeJS.Timeout;
  private sinceCheckpoint = 0;
  private lastCheckpointAt = realNow();
  private persistedHead?: { seq: number; hash: string };
  private spoolErrorLogged = false;
  private closed = false;
  private readonly encryptor?: PersonalEncryptor;
  private readonly clearWarning = { warned: false };

  constructor(
    private readonly options: ResolvedProcessorOptions,
    private readonly queue: BoundedQueue<QueueItem>,
    private readonly metrics: ProcessorMetrics,
    private readonly diag: DiagLogger,
  ) {
    // A second delivery of an event comes at most a queue's worth of events after the first.
    this.sealer = new ChainSealer(options.streamId, options.maxQueueSize, options.integrity, diag);
    this.gaps = new GapRechainer(this.sealer);
    this.quarantine = new QuarantineKeeper(options, metrics, diag);
    if (options.encryption) {
      this.encryptor = new PersonalEncryptor(options.encryption, options.store, realNow);
    }
  }

  /** True while a run of the loop is under way. */
  get busy(): boolean {
    return this.loop !== undefined;
  }

  /** Starts the loop unless it runs; resolves when that run ends. */
  kick(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.loop ??= context
      .with(suppressTracing(ROOT_CONTEXT), () => this.run())
      .catch((error: unknown) => this.diag.error('audit writer failed; will retry', error))
      .finally(() => {
        this.loop = undefined;
      });
    return this.loop;
  }

  /** Writes (or spools) everything queued now, tries the store once more, writes a checkpoint. */
  async flush(): Promise<void> {
    this.storeRetryAt = 0;
    this.readyRetryAt = 0;
    // A run under way may have decided to wait before the retry times were reset: let it end,
    // then run again.
    if (this.loop) await this.loop;
    let queued: number;
    do {
      queued = this.queue.length;
      await this.kick();
      // Stop when a run made no progress (held batch, or a failure it logged): no busy loop.
    } while (this.queue.length > 0 && this.queue.length < queued && !this.held && !this.closed);
    await this.writeCheckpoint();
  }

  /** Records neither in the store nor in the spool: queued, or held by a failed write. */
  unpersisted(): number {
    return this.queue.length + batchSize(this.held) + batchSize(this.sealedNext);
  }

  /**
   * Appends everything not yet persisted (held, sealed next, queued) to the spool at once,
   * synchronously: the way out when a deadline ran out while the store does not answer. A
   * write still under way may land too; replays skip what is stored. Returns the records spooled.
   */
  spoolRemainingNow(): number {
    const journal = this.spools.overflowJournal();
    if (!journal) return 0;
    const entries: SpoolEntry[] = [];
    for (const batch of [this.held, this.sealedNext]) {
      if (batch?.records?.length) entries.push({ records: batch.records });
      if (batch?.events?.length) entries.push({ events: batch.events });
    }
    const queued = toAuditEvents(this.queue.take(this.queue.length));
    if (queued.length) entries.push({ events: queued });
    let count = 0;
    try {
      for (const entry of entries) {
        journal.appendSync(entry);
        count += entry.records?.length ?? entry.events?.length ?? 0;
      }
      fsyncSync(journal.fd);
    } catch (error) {
      this.diag.error(`audit spool "${journal.file}": append failed at the deadline`, error);
    }
    this.held = undefined;
    this.sealedNext = undefined;
    this.metrics.recordSpooled(count);
    return count;
  }

  /** The spool journal of the `block` overflow path; undefined until opened. */
  spoolForOverflow(): SpoolJournal | undefined {
    return this.spools.overflowJournal();
  }

  spoolBytes(): number {
    return this.spools.bytes();
  }

  /** Stops the loop for good and closes the spool. */
  async close(): Promise<void> {
    this.closed = true;
    cancelTimeout(this.wakeTimer);
    await this.spools.close();
    await this.sealer.close();
  }

  private async run(): Promise<void> {
    await this.openSpool();
    let ready = await this.prepareStore();
    let batch = this.held ?? this.takeBatch();
    while (batch && !this.closed) {
      this.held = batch;
      const persisting = this.persist(batch, ready);
      // Seal the next batch while this one is on its way to the store: after a macrotask
      // turn, so the driver has sent the statement before the CPU work starts.
      const next = this.takeBatch();
      this.sealedNext = next;
      if (next && ready) {
        await nextTurn();
        if (await this.encryptBatch(next)) this.sealBatch(next);
      }
      const persisted = await persisting;
      this.sealedNext = undefined;
      if (this.closed) return;
      if (!persisted) {
        this.held = next ? mergeBatches(batch, next) : batch;
        this.scheduleWake(realNow() + this.options.retry.maxDelayMs);
        return;
      }
      this.held = undefined;
      batch = next ?? this.takeBatch();
      if (batch) ready = await this.prepareStore();
    }
  }

  /** Makes sure the chain head is known and the spool is replayed (when the store allows). */
  private async prepareStore(): Promise<boolean> {
    const ready = await this.ensureReady();
    if (ready && !(await this.replaySpool())) this.scheduleWake(this.storeRetryAt);
    return ready;
  }

  /**
   * Encrypts the personal values of a batch's events (before they are sealed); false when the
   * key store or the master key failed (the batch stays as it is, to be tried again).
   */
  private async encryptBatch(batch: Batch): Promise<boolean> {
    if (!batch.events?.length) return true;
    if (!this.encryptor) {
      PersonalEncryptor.warnClear(this.diag, batch.events, this.clearWarning);
      return true;
    }
    try {
      batch.events = await this.deadline(this.encryptor.encrypt(batch.events), 'subject keys');
      return true;
    } catch (error) {
      this.diag.error(
        'audit records with personal fields wait unsealed: their encryption failed (they are retried, never stored in clear)',
        error,
      );
      return false;
    }
  }

  /** Seals a batch's events (only ever called once the chain head is known). */
  private sealBatch(batch: Batch): AuditRecord[] {
    if (batch.events) {
      const sealed = this.sealer.seal(batch.events);
      batch.records = batch.records ? [...batch.records, ...sealed] : sealed;
      batch.events = undefined;
    }
    return batch.records ?? [];
  }

  private takeBatch(): Batch | undefined {
    const items = this.queue.take(this.options.maxBatchSize);
    return items.length ? { events: toAuditEvents(items) } : undefined;
  }

  /** True when the batch is in the store (or quarantine) or in the spool. */
  private async persist(batch: Batch, ready: boolean): Promise<boolean> {
    if (!ready && !batch.records) {
      return this.spool({ events: batch.events ?? [] }, batch.events?.length ?? 0);
    }
    if (!(await this.encryptBatch(batch))) {
      this.storeFailed();
      return false;
    }
    const unit: WriteUnit = { records: this.sealBatch(batch) };
    if (unit.records.length === 0) return true;
    if (this.spools.hasPending() || realNow() < this.storeRetryAt) {
      return this.spool({ records: unit.records }, unit.records.length);
    }
    const written = await this.writeWithRetry(unit);
    // What is left after a partial write (a quarantined record closes the chain anew).
    batch.records = unit.records;
    if (written) return true;
    return this.spool({ records: unit.records }, unit.records.length);
  }

  private async writeWithRetry(unit: WriteUnit): Promise<boolean> {
    const { maxAttempts, initialDelayMs, maxDelayMs } = this.options.retry;
    for (let attempt = 1; attempt <= maxAttempts && !this.closed; attempt += 1) {
      try {
        await this.writeUnit(unit);
        return true;
      } catch (error) {
        this.metrics.recordRetried(unit.records.length);
        this.diag.warn(
          `audit store "${this.options.store.name}" write failed (attempt ${attempt} of ${maxAttempts})`,
          error,
        );
        if (isStreamClash(error)) {
          this.diag.error(
            `audit stream "${this.sealer.stream}" already has records at these seqs from another writer; two processes share this streamId: give each its own`,
          );
        }
        if (attempt < maxAttempts) await sleep(backoffDelay(attempt, initialDelayMs, maxDelayMs));
      }
    }
    this.storeFailed();
    return false;
  }

  /** Writes a unit, quarantining what the store rejects for good; `unit.records` keeps what is left. */
  private async writeUnit(unit: WriteUnit): Promise<void> {
    unit.records = this.gaps.rechain(unit.records);
    await writeAroundPoison(unit, {
      write: (records) => this.storeWrite(records),
      quarantine: (record, error) => this.quarantine.keep(record, error),
      closeGap: (quarantined, rest) => {
        this.gaps.closeGapAt(quarantined);
        return this.gaps.rechain(rest);
      },
    });
    if (
      this.sinceCheckpoint >= this.options.checkpointEveryRecords ||
      realNow() - this.lastCheckpointAt >= this.options.checkpointIntervalMs
    ) {
      await this.writeCheckpoint();
    }
  }

  /** One store call writing `records`, within `storeTimeoutMillis`. */
  private async storeWrite(records: AuditRecord[]): Promise<void> {
    const started = realNow();
    const { store, durability } = this.options;
    // Transactional mode: rows may already be there, unsealed, from the application's transaction.
    const writing =
      durability === 'transactional' && isTransactionalStore(store)
        ? store.seal(records)
        : store.append(records);
    await this.deadline(writing, `write of ${records.length} records`);
    this.metrics.recordPersisted(records.length, (realNow() - started) / 1000);
    this.storeAttempt = 0;
    this.sinceCheckpoint += records.length;
    this.sealer.persisted(records);
    this.gaps.persisted(records);
    for (const record of records) {
      if (record.stream === this.sealer.stream) {
        this.persistedHead = { seq: record.seq, hash: record.hash };
      }
    }
  }

  private storeFailed(): void {
    this.storeAttempt += 1;
    const { initialDelayMs, maxDelayMs } = this.options.retry;
    this.storeRetryAt = realNow() + backoffDelay(this.storeAttempt, initialDelayMs, maxDelayMs);
  }

  private async spool(entry: SpoolEntry, count: number): Promise<boolean> {
    if (this.closed) return false;
    try {
      if (!(await this.spools.append(entry, this.options.spoolMaxBytes))) return false;
      this.metrics.recordSpooled(count);
      return true;
    } catch (error) {
      this.diag.error('audit spool write failed; the batch stays in memory', error);
      return false;
    }
  }

  /** Replays spooled batches in order; false when the store failed (and a retry is scheduled). */
  private async replaySpool(): Promise<boolean> {
    for (;;) {
      if (!this.spools.hasPending()) return true;
      if (realNow() < this.storeRetryAt || this.closed) return false;
      let chunk: ReplayChunk | undefined;
      try {
        chunk = await this.spools.nextChunk(this.options.maxBatchSize, (events) =>
          this.sealUnlessStored(events),
        );
        if (!chunk) return true;
        if (chunk.records.length) await this.writeUnit(chunk);
      } catch (error) {
        // What is left of the chunk is replayed as it stands now (not re-read from the file).
        if (chunk) this.spools.retain(chunk);
        this.metrics.recordRetried(chunk?.records.length ?? 0);
        this.diag.warn(
          `audit store "${this.options.store.name}" still failing; spool replay waits`,
          error,
        );
        this.storeFailed();
        return false;
      }
      await this.spools.consume(chunk);
    }
  }

  /** Seals spooled events, leaving out those a write before a crash already stored. */
  private async sealUnlessStored(events: AuditEvent[]): Promise<AuditRecord[]> {
    const { store } = this.options;
    let fresh = events;
    if (store.knownEventIds) {
      const known = await this.deadline(
        store.knownEventIds(events.map((event) => event.eventId)),
        'lookup of stored event ids',
      );
      fresh = events.filter((event) => !known.has(event.eventId));
    }
    const batch: Batch = { events: fresh };
    if (!(await this.encryptBatch(batch))) throw new Error('encryption of spooled records failed');
    return this.sealer.seal(batch.events ?? []);
  }

  private async openSpool(): Promise<void> {
    if (this.spools.opened) return;
    const directory = this.options.spoolDirectory;
    try {
      await this.spools.open(directory, this.sealer.stream);
      this.spoolErrorLogged = false;
    } catch (error) {
      if (this.spoolErrorLogged) return;
      this.spoolErrorLogged = true;
      this.diag.error(
        `audit spool directory "${directory}" is not usable (${describe(error)}): while the store fails, batches stay in memory (up to maxQueueSize) and are lost if the process ends. ` +
          'Make it writable by this user, or set spool.directory / AUDIT_SPOOL_DIR to a durable private directory; it is tried again on every write',
      );
    }
  }

  /** Initializes the store and resumes the chain; false while the store is unreachable. */
  private async ensureReady(): Promise<boolean> {
    if (this.ready) return true;
    if (realNow() < this.readyRetryAt) return false;
    const { store } = this.options;
    try {
      await this.deadline(store.init(), 'init');
      await this.deadline(this.sealer.prepare(), 'chain key');
      const head = await this.deadline(
        store.streamHead(this.sealer.stream),
        'read of the chain head',
      );
      this.sealer.resume(
        head ? { seq: head.lastSeq, hash: head.lastHash } : null,
        await this.spools.lastSealed(this.sealer.stream),
      );
      this.ready = true;
      await this.sealUnsealedRows();
      return true;
    } catch (error) {
      this.readyAttempt += 1;
      const { initialDelayMs, maxDelayMs } = this.options.retry;
      this.readyRetryAt = realNow() + backoffDelay(this.readyAttempt, initialDelayMs, maxDelayMs);
      this.scheduleWake(this.readyRetryAt);
      this.diag.warn(`audit store "${store.name}" is not reachable yet; spooling`, error);
      return this.ready;
    }
  }

  /** Transactional mode: rows a crashed run committed but did not seal get sealed now. */
  private async sealUnsealedRows(): Promise<void> {
    const { store } = this.options;
    if (this.options.durability !== 'transactional' || !isTransactionalStore(store)) return;
    for (;;) {
      const page = await this.deadline(
        store.unsealed(this.sealer.stream, UNSEALED_PAGE),
        'read of unsealed rows',
      );
      const records = this.sealer.seal(page);
      if (records.length && !(await this.persist({ records }, true))) this.held = { records };
      if (page.length < UNSEALED_PAGE || records.length === 0 || this.held) return;
    }
  }

  private async writeCheckpoint(): Promise<void> {
    const head = this.persistedHead;
    this.sinceCheckpoint = 0;
    this.lastCheckpointAt = realNow();
    if (!head || this.closed) return;
    try {
      const checkpoint: AuditCheckpoint = {
        stream: this.sealer.stream,
        seq: head.seq,
        hash: head.hash,
        createdAt: new Date(realNow()).toISOString(),
        kind: 'periodic',
      };
      await this.deadline(
        this.sealer.completeCheckpoint(checkpoint, this.options.store),
        'checkpoint signature',
      );
      await this.deadline(this.options.store.writeCheckpoint(checkpoint), 'checkpoint write');
      await this.sealer.publish(checkpoint);
    } catch (error) {
      this.diag.warn(`audit store "${this.options.store.name}": checkpoint not written`, error);
    }
  }

  private deadline<T>(promise: Promise<T>, what: string): Promise<T> {
    return withDeadline(
      promise,
      this.options.storeTimeoutMs,
      `audit store "${this.options.store.name}": ${what}`,
    );
  }

  private scheduleWake(at: number): void {
    if (this.closed) return;
    cancelTimeout(this.wakeTimer);
    this.wakeTimer = unrefTimeout(() => void this.kick(), Math.max(10, at - realNow()));
  }
}

function batchSize(batch: Batch | undefined): number {
  return (batch?.records?.length ?? 0) + (batch?.events?.length ?? 0);
}

function describe(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}
