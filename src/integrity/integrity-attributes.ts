import type { Attributes } from '@opentelemetry/api';
import type { AuditCheckpoint } from '../store/audit-store';
import type { AuditRecord } from '../types';

/*
 * The chain and signature of a record as OpenTelemetry attributes (`audit.sequence.*`,
 * `audit.integrity.*`), so a Collector downstream can re-verify the trail from the log
 * records alone. Audit spans end before the background writer seals their records, so only
 * the records exported after sealing (OTLP log records) carry them.
 */

export const INTEGRITY_ATTRIBUTES = {
  sequenceNumber: 'audit.sequence.number',
  sequencePrevHash: 'audit.sequence.prev_hash',
  stream: 'audit.integrity.stream',
  hash: 'audit.integrity.hash',
  algorithm: 'audit.integrity.algorithm',
  keyId: 'audit.integrity.key_id',
  checkpoint: 'audit.integrity.checkpoint',
} as const;

/** The sequence and integrity attributes of a sealed record. */
export function recordIntegrityAttributes(record: AuditRecord): Attributes {
  const attributes: Attributes = {
    [INTEGRITY_ATTRIBUTES.sequenceNumber]: record.seq,
    [INTEGRITY_ATTRIBUTES.sequencePrevHash]: record.prevHash ?? '',
    [INTEGRITY_ATTRIBUTES.stream]: record.stream,
    [INTEGRITY_ATTRIBUTES.hash]: record.hash,
    [INTEGRITY_ATTRIBUTES.algorithm]: record.keyId ? 'hmac-sha256' : 'sha256',
  };
  if (record.keyId) attributes[INTEGRITY_ATTRIBUTES.keyId] = record.keyId;
  return attributes;
}

/** The signed note of a checkpoint, when it has one. */
export function checkpointIntegrityAttributes(checkpoint: AuditCheckpoint): Attributes {
  return checkpoint.note ? { [INTEGRITY_ATTRIBUTES.checkpoint]: checkpoint.note } : {};
}
