import type { Context } from '@opentelemetry/api';
import { ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import type { LogAttributes, Logger } from '@opentelemetry/api-logs';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { LoggerProvider } from '@opentelemetry/sdk-logs';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../../version';
import type { AuditRecord } from '../../types';
import type { AuditCheckpoint, AuditStore, StreamHead } from '../audit-store';
import { canonicalJson } from '../../canonical-json';
import { CollectingLogProcessor } from './collecting-log-processor';
import { loadLogsSdk } from './logs-sdk';
import { readStreamHeads, writeStreamHeads } from './stream-heads-file';
import {
  checkpointIntegrityAttributes,
  recordIntegrityAttributes,
} from '../../integrity/integrity-attributes';

/** The resource the log records carry. */
export type AuditLogResource = Resource;

/**
 * Options of `OtlpLogAuditStore`.
 *
 * @example
 * new OtlpLogAuditStore({
 *   exporter: new OTLPLogExporter({ url: 'http://collector:4318/v1/logs' }),
 *   stateFile: '/var/lib/app/audit-otlp-heads.json',
 * })
 */
export interface OtlpLogAuditStoreOptions {
  /** Any logs exporter, typically `OTLPLogExporter` towards an OpenTelemetry Collector. */
  exporter: LogRecordExporter;
  /**
   * Resource of the log records.
   * @default the SDK's default resource merged with OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES
   */
  resource?: AuditLogResource;
  /**
   * A file that keeps each stream's chain head after every export, so that a restarted process
   * with the same stream id (`streamId`, or `service.instance.id`) goes on with its chain. Without
   * it the heads live in memory only: give each process a stream of its own (the processor's
   * default `<hostname>-<pid>-<random>` does).
   * @default undefined (in memory)
   */
  stateFile?: string;
}

/** Log attribute names of the chain fields (the record's own fields travel in the body). */
const ATTR = {
  eventId: 'audit.event.id',
  operation: 'audit.operation',
  table: 'db.collection.name',
  recordId: 'audit.record.id',
  actorId: 'audit.actor.id',
  stream: 'audit.stream',
  seq: 'audit.seq',
  hash: 'audit.hash',
  prevHash: 'audit.prev_hash',
} as const;

/**
 * Sends each record as an OpenTelemetry log record (event name `audit.record`, body = the
 * record as canonical JSON, chain fields also as attributes) through a logs exporter, so an
 * OpenTelemetry Collector can route the trail to any backend. The log records are built by the
 * SDK's `LoggerProvider` (resource, scope, trace context); each batch is exported by the store
 * itself, so a failed export is an error and the processor retries and spools as for any store.
 *
 * Write-only: history, verification and pruning happen in the backend the collector writes
 * to. The chain heads survive a restart with `stateFile`.
 */
export class OtlpLogAuditStore implements AuditStore {
  readonly name = 'otlp-logs';
  private readonly exporter: LogRecordExporter;
  private readonly collector = new CollectingLogProcessor();
  private readonly provider: LoggerProvider;
  private readonly logger: Logger;
  private readonly stateFile?: string;
  private heads = new Map<string, StreamHead>();
  private loaded?: Promise<void>;

  constructor(options: OtlpLogAuditStoreOptions) {
    if (!options?.exporter)
      throw new Error('OtlpLogAuditStore: `exporter` is required, e.g. new OTLPLogExporter()');
    this.exporter = options.exporter;
    this.stateFile = options.stateFile;
    const { resources, sdkLogs } = loadLogsSdk();
    const { defaultResource, detectResources, envDetector } = resources;
    this.provider = new sdkLogs.LoggerProvider({
      resource:
        options.resource ?? defaultResource().merge(detectResources({ detectors: [envDetector] })),
      processors: [this.collector],
    });
    this.logger = this.provider.getLogger(PACKAGE_NAME, PACKAGE_VERSION);
  }

  /** Reads the chain heads of `stateFile`, when there is one. */
  init(): Promise<void> {
    this.loaded ??= (async () => {
      if (this.stateFile) this.heads = await readStreamHeads(this.stateFile);
    })().catch((error: unknown) => {
      this.loaded = undefined;
      throw error;
    });
    return this.loaded;
  }

  /** Exports the records; a replay of a record at or below its stream's head is skipped. */
  async append(records: readonly AuditRecord[]): Promise<void> {
    await this.init();
    const fresh = records.filter((record) => {
      const head = this.heads.get(record.stream);
      return !head || record.seq > head.lastSeq;
    });
    if (fresh.length === 0) return;
    await this.export(fresh.map((record) => this.toLogRecord(record)));
    for (const record of fresh) {
      const head = this.heads.get(record.stream);
      if (!head || record.seq > head.lastSeq) {
        this.heads.set(record.stream, {
          stream: record.stream,
          lastSeq: record.seq,
          lastHash: record.hash,
          records: (head?.records ?? 0) + 1,
        });
      }
    }
    if (this.stateFile) await writeStreamHeads(this.stateFile, this.heads);
  }

  async streamHead(stream: string): Promise<StreamHead | null> {
    await this.init();
    const head = this.heads.get(stream);
    return head ? { ...head } : null;
  }

  async streams(): Promise<StreamHead[]> {
    await this.init();
    return [...this.heads.values()].map((head) => ({ ...head }));
  }

  readStream(): Promise<AuditRecord[]> {
    return this.writeOnly('readStream');
  }

  find(): Promise<AuditRecord[]> {
    return this.writeOnly('find');
  }

  count(): Promise<number> {
    return this.writeOnly('count');
  }

  async writeCheckpoint(checkpoint: AuditCheckpoint): Promise<void> {
    await this.export([
      this.logRecord(
        Date.parse(checkpoint.createdAt),
        'audit.checkpoint',
        canonicalJson(checkpoint) ?? '',
        {
          [ATTR.stream]: checkpoint.stream,
          [ATTR.seq]: checkpoint.seq,
          [ATTR.hash]: checkpoint.hash,
          ...checkpointIntegrityAttributes(checkpoint),
        },
      ),
    ]);
  }

  async checkpoints(): Promise<AuditCheckpoint[]> {
    return [];
  }

  prune(): Promise<{ removed: number }> {
    return this.writeOnly('prune');
  }

  async close(): Promise<void> {
    await this.provider.shutdown();
    await this.exporter.shutdown();
  }

  private writeOnly<T>(operation: string): Promise<T> {
    return Promise.reject(
      new Error(
        `OtlpLogAuditStore is write-only: ${operation}() is not available; query the backend your collector writes to`,
      ),
    );
  }

  private toLogRecord(record: AuditRecord): ReadableLogRecord {
    const attributes: LogAttributes = {
      [ATTR.eventId]: record.eventId,
      [ATTR.operation]: record.operation,
      [ATTR.table]: record.table,
      [ATTR.stream]: record.stream,
      [ATTR.seq]: record.seq,
      [ATTR.hash]: record.hash,
    };
    if (record.recordId !== null) attributes[ATTR.recordId] = record.recordId;
    if (record.actor) attributes[ATTR.actorId] = record.actor.id;
    if (record.prevHash) attributes[ATTR.prevHash] = record.prevHash;
    Object.assign(attributes, recordIntegrityAttributes(record));
    const spanContext =
      record.traceId && record.spanId
        ? trace.setSpanContext(ROOT_CONTEXT, {
            traceId: record.traceId,
            spanId: record.spanId,
            traceFlags: TraceFlags.SAMPLED,
          })
        : ROOT_CONTEXT;
    return this.logRecord(
      Date.parse(record.occurredAt),
      'audit.record',
      canonicalJson(record) ?? '',
      attributes,
      spanContext,
    );
  }

  /** One log record, built by the SDK's logger. */
  private logRecord(
    millis: number,
    eventName: string,
    body: string,
    attributes: LogAttributes,
    context: Context = ROOT_CONTEXT,
  ): ReadableLogRecord {
    this.logger.emit({
      timestamp: Number.isNaN(millis) ? Date.now() : millis,
      observedTimestamp: Date.now(),
      severityNumber: SeverityNumber.INFO,
      severityText: 'INFO',
      eventName,
      body,
      attributes,
      context,
    });
    const [logRecord] = this.collector.take();
    if (!logRecord) throw new Error(`audit store "${this.name}": the logger emitted nothing`);
    return logRecord;
  }

  private export(logRecords: ReadableLogRecord[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.exporter.export(logRecords, (result: ExportResult) => {
        if (result.code === ExportResultCode.SUCCESS) resolve();
        else reject(result.error ?? new Error(`audit store "${this.name}": the log export failed`));
      });
    });
  }
}
