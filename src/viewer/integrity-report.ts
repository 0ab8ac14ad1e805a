import type { AuditStore } from '../store/audit-store';
import { verifyChains } from '../store/verify-chains';
import type { VerifyResult } from '../types';

/** The verify result of one stream (one writer's chain). */
export interface StreamIntegrity {
  stream: string;
  ok: boolean;
  records: number;
  firstBreak?: { seq: number; reason: string };
}

/** `verify` over every stream, with each stream's own result. */
export interface IntegrityReport extends VerifyResult {
  perStream: StreamIntegrity[];
  /** ISO 8601, when the walk ended. */
  checkedAt: string;
}

/** Progress of the walk: records checked so far over every stream. */
export interface IntegrityProgress {
  stream: string;
  done: number;
  total: number;
}

/**
 * Verifies each stream on its own (so each has its result) and sums them up; the first break
 * is the first broken stream's, in stream order.
 */
export async function verifyEachStream(
  store: AuditStore,
  onProgress: (progress: IntegrityProgress) => void = () => undefined,
  onStream: (stream: StreamIntegrity) => void = () => undefined,
): Promise<IntegrityReport> {
  const heads = await store.streams();
  const names = new Set(heads.map((head) => head.stream));
  for (const stream of (await store.checkpointStreams?.()) ?? []) names.add(stream);
  const total = heads.reduce((sum, head) => sum + head.records, 0);
  const report: IntegrityReport = {
    ok: true,
    streams: names.size,
    records: 0,
    perStream: [],
    checkedAt: '',
  };
  for (const stream of [...names].sort()) {
    const before = report.records;
    const result = await verifyChains(store, {
      streams: [stream],
      onProgress: (p) => onProgress({ stream, done: before + p.records, total }),
    });
    const entry: StreamIntegrity = { stream, ok: result.ok, records: result.records };
    if (result.firstBreak) {
      entry.firstBreak = { seq: result.firstBreak.seq, reason: result.firstBreak.reason };
      if (report.ok) report.firstBreak = result.firstBreak;
      report.ok = false;
    }
    report.records += result.records;
    report.perStream.push(entry);
    onStream(entry);
  }
  report.checkedAt = new Date().toISOString();
  return report;
}
