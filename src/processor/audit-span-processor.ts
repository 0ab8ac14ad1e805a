import { diag } from '@opentelemetry/api';
import type { Context, DiagLogger } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from './sdk-span-types';
import { registerAuditReceiver } from '../audit/receivers';
import type { AuditEventReceiver } from '../audit/receivers';
import type { Transaction } from 'sequelize';
import { isTransactionalStore } from '../store/audit-store';
import type { AuditEvent } from '../types';
import { AuditWriter } from './audit-writer';
import { settlesWithin } from './deadline';
import { BoundedQueue } from './event-queue';
import { flushOnExit } from './exit-flush';
import type { AuditSpanProcessorOptions, ResolvedProcessorOptions } from './processor-options';
import { resolveProcessorOptions } from './processor-options';
import { ProcessorMetrics } from './processor-metrics';
import type { QueueItem } from './queue-item';
import { toAuditEvent } from './queue-item';
import { cancelTimeout, realNow, unrefTimeout } from './real-timers';

/**
 * Persists audit records durably and tamper-evidently. The instrumentation hands every audit
 * event to every registered processor directly (whatever the sampler and the tracer
 * provider); events are queued in memory, sealed into this writer's hash chain and written
 * to the store in batches by one background writer. While the store fails they are spooled
 * to a local journal and replayed in order; records the store rejects for good are
 * quarantined beside it and the chain closes over them. Spans pass through untouched (the
 * audit span is only the view trace backends show), so it sits beside the exporting processor.
 *
 * @example
 * const store = new SqlAuditStore({ sequelize });
 * new NodeSDK({
 *   spanProcessors: [new AuditSpanProcessor({ store }), new BatchSpanProcessor(new OTLPTraceExporter())],
 *   instrumentations: [new SequelizeAuditInstrumentation()],
 * });
 */
export class AuditSpanProcessor implements SpanProcessor, AuditEventReceiver {
  /**
   * Transactional durability (set only with `durability: 'transactional'`): called by the
   * instrumentation just before a transaction's COMMIT with that transaction's events.
   */
  readonly persistWithinTransaction?: (
    events: readonly AuditEvent[],
    transaction: Transaction,
  ) => Promise<void>;

  private readonly options: ResolvedProcessorOptions;
  private readonly queue: BoundedQueue<QueueItem>;
  private readonly writer: AuditWriter;
  private readonly metrics: ProcessorMetrics;
  private readonly diag: DiagLogger;
  private readonly unregister: () => void;
  private readonly leaveExitPath: () => void;
  private flushTimer?: NodeJS.Timeout;
  private shutdownPromise?: Promise<void>;
  private droppedSinceLog = 0;
  private warnedNotJoinable = false;

  constructor(options: AuditSpanProcessorOptions) {
    this.options = resolveProcessorOptions(options);
    this.diag = diag.createComponentLogger({ namespace: 'otel-sequelize-audit/processor' });
    this.queue = new BoundedQueue(this.options.maxQueueSize);
    this.metrics = new ProcessorMetrics(
      this.options.store.name,
      { queueLength: () => this.queue.length, spoolBytes: () => this.writer.spoolBytes() },
      this.options.meterProvider,
    );
    this.writer = new AuditWriter(this.options, this.queue, this.metrics, this.diag);
    if (this.options.durability === 'transactional') {
      this.persistWithinTransaction = (events, transaction) =>
        this.persistInTransaction(events, transaction);
    }
    this.unregister = registerAuditReceiver(this);
    this.leaveExitPath = this.options.flushOnExit
      ? flushOnExit({
          hasPending: () => this.writer.unpersisted() > 0 || this.writer.busy,
          flushForExit: () => this.forceFlush(),
        })
      : () => undefined;
    void this.writer.kick();
  }

  /** This writer's hash-chain stream. */
  get streamId(): string {
    return this.options.streamId;
  }

  onStart(_span: Span, _parentContext: Context): void {}

  /** Spans are only a view of the audit: every event reaches `receiveAuditEvent` directly. */
  onEnd(_span: ReadableSpan): void {}

  receiveAuditEvent(event: AuditEvent): void {
    this.enqueue(event);
  }

  /**
   * Writes everything queued so far (to the store, or to the spool if the store fails). Ends
   * within `shutdownTimeoutMillis` whatever the store does; what it could not write by then is
   * in the spool.
   */
  async forceFlush(): Promise<void> {
    if (this.shutdownPromise) return this.shutdownPromise;
    const deadline = realNow() + this.options.shutdownTimeoutMs;
    await this.flushWithin(deadline, 'forceFlush');
  }

  /**
   * Flushes, stops taking records, writes a checkpoint and closes the spool (and the store,
   * unless told otherwise), all within `shutdownTimeoutMillis`: a store that does not answer
   * leaves its records in the spool, replayed by the next process.
   */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.stop();
    return this.shutdownPromise;
  }

  private async stop(): Promise<void> {
    const deadline = realNow() + this.options.shutdownTimeoutMs;
    this.unregister();
    this.leaveExitPath();
    cancelTimeout(this.flushTimer);
    await this.flushWithin(deadline, 'shutdown');
    const left = this.writer.unpersisted();
    if (left > 0) {
      this.diag.error(
        `${left} audit records could be written neither to store "${this.options.store.name}" nor to the spool "${this.options.spoolDirectory}" before shutdown; they are lost`,
      );
    }
    await settlesWithin(this.writer.close(), deadline - realNow());
    if (this.options.closeStoreOnShutdown) {
      const closed = this.options.store.close().catch((error: unknown) => {
        this.diag.warn(`audit store "${this.options.store.name}" did not close cleanly`, error);
      });
      await settlesWithin(closed, Math.max(0, deadline - realNow()));
    }
  }

  /** Flushes until `deadline`; then spools at once whatever is still pending. */
  private async flushWithin(deadline: number, what: string): Promise<void> {
    if (await settlesWithin(this.writer.flush(), deadline - realNow())) return;
    const spooled = this.writer.spoolRemainingNow();
    this.diag.warn(
      `audit store "${this.options.store.name}" did not answer before the ${what} deadline (shutdownTimeoutMillis ${this.options.shutdownTimeoutMs} ms); ${spooled} records were spooled to "${this.options.spoolDirectory}" and are replayed later`,
    );
  }

  private enqueue(item: QueueItem): void {
    if (this.shutdownPromise) {
      this.drop('the processor is shut down');
      return;
    }
    if (!this.queue.push(item)) {
      this.overflow(item);
      return;
    }
    if (this.queue.length >= this.options.maxBatchSize) {
      void this.writer.kick();
    } else if (!this.flushTimer) {
      this.flushTimer = unrefTimeout(() => {
        this.flushTimer = undefined;
        void this.writer.kick();
      }, this.options.flushIntervalMs);
    }
  }

  /** Queue full: the store has been failing and the spool is at its limit (or unusable). */
  private overflow(item: QueueItem): void {
    void this.writer.kick();
    const journal = this.writer.spoolForOverflow();
    if (this.options.overflow === 'block' && journal) {
      const event = toAuditEvent(item);
      if (!event) return;
      try {
        journal.appendSync({ events: [event] });
        this.metrics.recordSpooled(1);
        return;
      } catch (error) {
        this.diag.error('audit spool append failed on the overflow path', error);
      }
    }
    this.drop(`the queue holds ${this.options.maxQueueSize} records and the spool is full`);
  }

  private drop(why: string): void {
    this.metrics.recordDropped(1);
    this.droppedSinceLog += 1;
    if (this.droppedSinceLog === 1 || this.droppedSinceLog % 1000 === 0) {
      this.diag.error(`audit records dropped (${this.droppedSinceLog} so far): ${why}`);
    }
  }

  private async persistInTransaction(
    events: readonly AuditEvent[],
    transaction: Transaction,
  ): Promise<void> {
    const { store } = this.options;
    const enqueueAfterCommit = () =>
      transaction.afterCommit(() => {
        for (const event of events) this.enqueue(event);
      });
    if (!isTransactionalStore(store) || !store.canJoin(transaction)) {
      if (!this.warnedNotJoinable) {
        this.warnedNotJoinable = true;
        this.diag.warn(
          `durability 'transactional' needs a SqlAuditStore on the application's Sequelize; store "${store.name}" is written after COMMIT instead`,
        );
      }
      enqueueAfterCommit();
      return;
    }
    await store.insertUnsealed(events, this.options.streamId, transaction);
    enqueueAfterCommit();
  }
}
