import type {
  LogRecordProcessor,
  ReadableLogRecord,
  ReadWriteLogRecord,
} from '@opentelemetry/sdk-logs';

/**
 * A log record processor that only keeps what the SDK's logger emits, so that the store can
 * build its log records through the SDK (resource, scope, limits, trace context) and still
 * export each batch itself and learn whether it was written.
 */
export class CollectingLogProcessor implements LogRecordProcessor {
  private collected: ReadWriteLogRecord[] = [];

  onEmit(logRecord: ReadWriteLogRecord): void {
    this.collected.push(logRecord);
  }

  /** What was emitted since the last call. */
  take(): ReadableLogRecord[] {
    const taken = this.collected;
    this.collected = [];
    return taken;
  }

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {
    this.collected = [];
  }
}
