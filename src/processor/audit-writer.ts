import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import type { DiagLogger } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { isTransactionalStore } from '../store/audit-store';
import type { AuditCheckpoint } from '../store/audit-store';
import type { AuditEvent, AuditRecord } from '../types';
import { ChainSealer } from './chain-sealer';
import type { BoundedQueue } from './event-queue';
import type { ResolvedProcessorOptions } from './processor-options';
import type { ProcessorMetrics } from './processor-metrics';
import type { QueueItem } from './queue-item';
import { toAuditEvents } from './queue-item';
import { backoffDelay, sleep } from './retry';
import type { SpoolEntry } from './spool-journal';
import type { SpoolJournal } from './spool-journal';
import type { ReplayChunk } from './spool-set';
import { SpoolSet } from './spool-set';

/** A batch on its way to the store: events until they are sealed, records after. */
interface Batch {
  events?: AuditEvent[];
  records?: AuditRecord[];
}

const UNSEALED_PAGE = 1000;

/** A unique violation on (stream, seq): the store's index `<table>_stream_seq` in every dialect. */
function isStreamClash(error: unknown): boolean {
  // Sequelize keeps the driver's message on `parent`.
  const parent = (error as { parent?: { message?: unknown } } | undefined)?.parent;
  const message = `${error instanceof Error ? error.message : ''} ${String(parent?.message ?? '')}`;
  return /stream_seq|\.stream, \S+\.seq/.test(message);
}

/** Two batches as one, in order (a held batch and the one sealed behind it). */
function mergeBatches(first: Batch, second: Batch): Batch {
  if (first.records && second.records) return { records: [...first.records, ...second.records] };
  if (first.events && second.events) return { events: [...first.events, ...second.events] };
  // A sealed batch followed by unsealed events: the events are sealed after those records.
  return { records: first.records ?? second.records, events: first.events ?? second.events };
}

/**
 * The one background writer of a processor: takes batches from the queue, seals them into
 * the chain, writes them to the store with retries, spools them to the local journal while
 * the store fails and replays the journal in order when it is back. Everything here runs off
 * the application's request path, in a context where tracing is suppressed.
 */
export class AuditWriter {
  readonly sealer: ChainSealer;
  private readonly spools = new SpoolSet();
  private ready = false;
  private readyAttempt = 0;
  private readyRetryAt = 0;
  private storeAttempt = 0;
  private storeRetryAt = 0;
  private held?: Batch;
  private loop?: Promise<void>;
  private wakeTimer?: NodeJS.Timeout;
  private sinceCheckpoint = 0;
  private lastCheckpointAt = Date.now();
  private persistedHead?: { seq: number; hash: string };

  constructor(
    private readonly options: ResolvedProcessorOptions,
    private readonly queue: BoundedQueue<QueueItem>,
    private readonly metrics: ProcessorMetrics,
    private readonly diag: DiagLogger,
  ) {
    this.sealer = new ChainSealer(options.streamId, undefined, options.integrity, diag);
  }

  /** Starts the loop unless it runs; resolves when that run ends. */
  kick(): Promise<void> {
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
    let queued: number;
    do {
      queued = this.queue.length;
      await this.kick();
      // Stop when a run made no progress (held batch, or a failure it logged): no busy loop.
    } while (this.queue.length > 0 && this.queue.length < queued && !this.held);
    await this.writeCheckpoint();
  }

  /** Records neither in the store nor in the spool: queued, or held by a failed write. */
  unpersisted(): number {
    const held = (this.held?.records?.length ?? 0) + (this.held?.events?.length ?? 0);
    return this.queue.length + held;
  }

  /** The spool journal of the `block` overflow path; undefined until opened. */
  spoolForOverflow(): SpoolJournal | undefined {
    return this.spools.overflowJournal();
  }

  spoolBytes(): number {
    return this.spools.bytes();
  }

  async close(): Promise<void> {
    clearTimeout(this.wakeTimer);
    await this.spools.close();
    await this.sealer.close();
  }

  private async run(): Promise<void> {
    await this.openSpool();
    let ready = await this.prepareStore();
    let batch = this.held ?? this.takeBatch();
    while (batch) {
      this.held = batch;
      const persisting = this.persist(batch, ready);
      // Seal the next batch while this one is on its way to the store: after a macrotask
      // turn, so the driver has sent the statement before the CPU work starts.
      const next = this.takeBatch();
      if (next && ready) {
        await new Promise((resolve) => setImmediate(resolve));
        this.sealBatch(next);
      }
      if (!(await persisting)) {
        this.held = next ? mergeBatches(batch, next) : batch;
        this.scheduleWake(Date.now() + this.options.retry.maxDelayMs);
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

  /** True when the batch is in the store or in the spool. */
  private async persist(batch: Batch, ready: boolean): Promise<boolean> {
    if (!ready && !batch.records) {
      return this.spool({ events: batch.events ?? [] }, batch.events?.length ?? 0);
    }
    const records = this.sealBatch(batch);
    if (records.length === 0) return true;
    if (this.spools.hasPending() || Date.now() < this.storeRetryAt) {
      return this.spool({ records }, records.length);
    }
    if (await this.writeWithRetry(records)) return true;
    return this.spool({ records }, records.length);
  }

  private async writeWithRetry(records: AuditRecord[]): Promise<boolean> {
    const { maxAttempts, initialDelayMs, maxDelayMs } = this.options.retry;
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      try {
        await this.write(records);
        return true;
      } catch (error) {
        this.metrics.recordRetried(records.length);
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

  private async write(records: AuditRecord[]): Promise<void> {
    const started = process.hrtime.bigint();
    const { store, durability } = this.options;
    // Transactional mode: rows may already be there, unsealed, from the application's transaction.
    if (durability === 'transactional' && isTransactionalStore(store)) await store.seal(records);
    else await store.append(records);
    this.metrics.recordPersisted(records.length, Number(process.hrtime.bigint() - started) / 1e9);
    this.storeAttempt = 0;
    for (let i = records.length - 1; i >= 0; i -= 1) {
      if (records[i].stream === this.sealer.stream) {
        this.persistedHead = { seq: records[i].seq, hash: records[i].hash };
        break;
      }
    }
    this.sealer.persisted(records);
    this.sinceCheckpoint += records.length;
    if (
      this.sinceCheckpoint >= this.options.checkpointEveryRecords ||
      Date.now() - this.lastCheckpointAt >= this.options.checkpointIntervalMs
    ) {
      await this.writeCheckpoint();
    }
  }

  private storeFailed(): void {
    this.storeAttempt += 1;
    const { initialDelayMs, maxDelayMs } = this.options.retry;
    this.storeRetryAt = Date.now() + backoffDelay(this.storeAttempt, initialDelayMs, maxDelayMs);
  }

  private async spool(entry: SpoolEntry, count: number): Promise<boolean> {
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
      if (Date.now() < this.storeRetryAt) return false;
      let chunk: ReplayChunk | undefined;
      try {
        chunk = await this.spools.nextChunk(this.options.maxBatchSize, (events) =>
          this.sealUnlessStored(events),
        );
        if (!chunk) return true;
        if (chunk.records.length) await this.write(chunk.records);
      } catch (error) {
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
    if (!store.knownEventIds) return this.sealer.seal(events);
    const known = await store.knownEventIds(events.map((event) => event.eventId));
    return this.sealer.seal(events.filter((event) => !known.has(event.eventId)));
  }

  private async openSpool(): Promise<void> {
    if (this.spools.opened) return;
    const directory = this.options.spoolDirectory;
    try {
      await this.spools.open(directory, this.sealer.stream);
    } catch (error) {
      this.diag.error(
        `audit spool directory "${directory}" is not usable; batches stay in memory while the store fails`,
        error,
      );
    }
  }

  /** Initializes the store and resumes the chain; false while the store is unreachable. */
  private async ensureReady(): Promise<boolean> {
    if (this.ready) return true;
    if (Date.now() < this.readyRetryAt) return false;
    const { store } = this.options;
    try {
      await store.init();
      await this.sealer.prepare();
      const head = await store.streamHead(this.sealer.stream);
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
      this.readyRetryAt = Date.now() + backoffDelay(this.readyAttempt, initialDelayMs, maxDelayMs);
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
      const page = await store.unsealed(this.sealer.stream, UNSEALED_PAGE);
      const records = this.sealer.seal(page);
      if (records.length && !(await this.persist({ records }, true))) this.held = { records };
      if (page.length < UNSEALED_PAGE || records.length === 0 || this.held) return;
    }
  }

  private async writeCheckpoint(): Promise<void> {
    const head = this.persistedHead;
    this.sinceCheckpoint = 0;
    this.lastCheckpointAt = Date.now();
    if (!head) return;
    try {
      const checkpoint: AuditCheckpoint = {
        stream: this.sealer.stream,
        seq: head.seq,
        hash: head.hash,
        createdAt: new Date().toISOString(),
        kind: 'periodic',
      };
      await this.sealer.completeCheckpoint(checkpoint, this.options.store);
      await this.options.store.writeCheckpoint(checkpoint);
      await this.sealer.publish(checkpoint);
    } catch (error) {
      this.diag.warn(`audit store "${this.options.store.name}": checkpoint not written`, error);
    }
  }

  private scheduleWake(at: number): void {
    clearTimeout(this.wakeTimer);
    this.wakeTimer = setTimeout(() => void this.kick(), Math.max(10, at - Date.now()));
    this.wakeTimer.unref();
  }
}
