import type { Attributes } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { ExportResultCode, millisToHrTime } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../../version';
import type { AuditRecord } from '../../types';
import type { AuditCheckpoint, AuditStore, StreamHead } from '../audit-store';
import { canonicalJson } from '../../canonical-json';
import {
  checkpointIntegrityAttributes,
  recordIntegrityAttributes,
} from '../../integrity/integrity-attributes';

/** The resource the log records carry (the shape `ReadableLogRecord` expects). */
export type AuditLogResource = ReadableLogRecord['resource'];

/**
 * Options of `OtlpLogAuditStore`.
 *
 * @example
 * new OtlpLogAuditStore({ exporter: new OTLPLogExporter({ url: 'http://collector:4318/v1/logs' }), resource })
 */
export interface OtlpLogAuditStoreOptions {
  /** Any logs exporter, typically `OTLPLogExporter` towards an OpenTelemetry Collector. */
  exporter: LogRecordExporter;
  /** Resource of the log records. @default a resource with `service.name` from OTEL_SERVICE_NAME or `unknown_service` */
  resource?: AuditLogResource;
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
 * OpenTelemetry Collector can route the trail to any backend. A failed export is an error,
 * so the processor retries and spools as for any store.
 *
 * Write-only: history, verification and pruning happen in the backend the collector writes
 * to. The chain head is kept in memory for this process only.
 */
export class OtlpLogAuditStore implements AuditStore {
  readonly name = 'otlp-logs';
  private readonly exporter: LogRecordExporter;
  private readonly resource: AuditLogResource;
  private readonly heads = new Map<string, StreamHead>();
  private readonly scope = { name: PACKAGE_NAME, version: PACKAGE_VERSION };

  constructor(options: OtlpLogAuditStoreOptions) {
    if (!options?.exporter)
      throw new Error('OtlpLogAuditStore: `exporter` is required, e.g. new OTLPLogExporter()');
    this.exporter = options.exporter;
    this.resource = options.resource ?? minimalResource();
  }

  async init(): Promise<void> {}

  async append(records: readonly AuditRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.export(records.map((record) => this.toLogRecord(record)));
    for (const record of records) {
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
  }

  async streamHead(stream: string): Promise<StreamHead | null> {
    const head = this.heads.get(stream);
    return head ? { ...head } : null;
  }

  async streams(): Promise<StreamHead[]> {
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

  close(): Promise<void> {
    return this.exporter.shutdown();
  }

  private writeOnly<T>(operation: string): Promise<T> {
    return Promise.reject(
      new Error(
        `OtlpLogAuditStore is write-only: ${operation}() is not available; query the backend your collector writes to`,
      ),
    );
  }

  private toLogRecord(record: AuditRecord): ReadableLogRecord {
    const attributes: Attributes = {
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
    const logRecord = this.logRecord(
      Date.parse(record.occurredAt),
      'audit.record',
      canonicalJson(record) ?? '',
      attributes,
    );
    if (record.traceId && record.spanId) {
      return {
        ...logRecord,
        spanContext: { traceId: record.traceId, spanId: record.spanId, traceFlags: 1 },
      };
    }
    return logRecord;
  }

  private logRecord(
    millis: number,
    eventName: string,
    body: string,
    attributes: Attributes,
  ): ReadableLogRecord {
    return {
      hrTime: millisToHrTime(Number.isNaN(millis) ? Date.now() : millis),
      hrTimeObserved: millisToHrTime(Date.now()),
      severityNumber: SeverityNumber.INFO,
      severityText: 'INFO',
      eventName,
      body,
      resource: this.resource,
      instrumentationScope: this.scope,
      attributes,
      droppedAttributesCount: 0,
    };
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

function minimalResource(): AuditLogResource {
  const attributes = { 'service.name': process.env.OTEL_SERVICE_NAME ?? 'unknown_service' };
  const resource: AuditLogResource = {
    attributes,
    merge: (other) => other ?? resource,
    getRawAttributes: () => Object.entries(attributes),
  };
  return resource;
}
