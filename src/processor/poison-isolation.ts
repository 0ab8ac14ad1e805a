import type { AuditRecord } from '../types';
import { storeErrorKind } from './store-error-kind';

/** What isolating a poison record needs from the writer. */
export interface PoisonHandling {
  /** One store write of these records (with its deadline). */
  write(records: AuditRecord[]): Promise<void>;
  /** Keeps a record the store rejected alone, for good, in the quarantine journal. */
  quarantine(record: AuditRecord, error: unknown): Promise<void>;
  /** The records after a quarantined one, chained again over the gap it left. */
  closeGap(quarantined: AuditRecord, rest: AuditRecord[]): AuditRecord[];
}

/** A batch on its way to the store; `records` is what is still to be written. */
export interface WriteUnit {
  records: AuditRecord[];
}

/**
 * Writes `unit.records`. When the store rejects the batch permanently (a value it cannot take),
 * the batch is bisected: the longest prefix that the store takes is written, a record that
 * fails alone is quarantined, and the records after it are chained again over the gap, so the
 * rest of the trail goes on and no chain has a hole. A transient error is thrown as it is,
 * with `unit.records` holding what is left (writes are idempotent by event id).
 */
export async function writeAroundPoison(unit: WriteUnit, handling: PoisonHandling): Promise<void> {
  while (unit.records.length > 0) {
    const { written, error } = await writeLongestPrefix(unit.records, handling.write);
    if (written === unit.records.length) {
      unit.records = [];
      return;
    }
    const poison = unit.records[written];
    await handling.quarantine(poison, error);
    unit.records = handling.closeGap(poison, unit.records.slice(written + 1));
  }
}

interface PrefixResult {
  /** Records written from the start, in order. */
  written: number;
  /** Why the record after them was rejected (permanent, alone). */
  error?: unknown;
}

async function writeLongestPrefix(
  records: AuditRecord[],
  write: (records: AuditRecord[]) => Promise<void>,
): Promise<PrefixResult> {
  try {
    await write(records);
    return { written: records.length };
  } catch (error) {
    if (storeErrorKind(error) === 'transient') throw error;
    if (records.length === 1) return { written: 0, error };
  }
  const half = Math.ceil(records.length / 2);
  const first = await writeLongestPrefix(records.slice(0, half), write);
  if (first.written < half) return first;
  const second = await writeLongestPrefix(records.slice(half), write);
  return { written: half + second.written, error: second.error };
}
