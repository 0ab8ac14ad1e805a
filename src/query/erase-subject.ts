import { randomUUID } from 'node:crypto';
import type { ChainKeyInput } from '../integrity/chain-key';
import { resolveChainKey } from '../integrity/chain-key';
import type { AuditStore } from '../store/audit-store';
import { sealEvent } from '../store/chain-hash';
import { ENCRYPTED_PREFIX } from '../store/keys/personal-cipher';
import type { ComplianceStore } from '../store/keys/subject-keys';
import type { AuditActor, AuditEvent, AuditRecord } from '../types';
import { readRecords } from './read-records';

/** Options of `trail.erase`. */
export interface EraseOptions {
  /** Who erases (recorded on the erasure record). @default none */
  actor?: AuditActor;
  /** Why, e.g. the ticket of the erasure request. @default none */
  reason?: string;
  /** The chain key of the trail, so the erasure record is HMAC-linked like the others. @default none (SHA-256) */
  chainKey?: ChainKeyInput;
  /** The stream the erasure record is chained into. @default 'erasure' */
  stream?: string;
}

/** What `trail.erase` did. */
export interface EraseResult {
  subjectId: string;
  /** Ids of the subject keys destroyed now (empty when erased before, or never encrypted). */
  keysDestroyed: string[];
  /** Records about the subject in the store. */
  records: number;
  /** Records whose personal values are stored in clear (written without `encryption`): not erasable this way. */
  clearRecords: number;
  /** The chained erasure record. */
  erasure: AuditRecord;
}

const ATTEMPTS = 5;

/**
 * Appends a chained erasure record (no personal data: the subject id, counts, key ids), then
 * destroys the subject's keys. The record comes first so an erasure never goes unrecorded; a
 * failure in between leaves a record and live keys, and running erase again finishes it.
 */
export async function eraseSubject(
  store: AuditStore,
  keys: ComplianceStore,
  subjectId: string,
  options: EraseOptions,
  batchSize: number,
): Promise<EraseResult> {
  const live = (await keys.subjectKeys({ subjectIds: [subjectId] })).filter(
    (key) => key.wrappedKey !== null,
  );
  let records = 0;
  let clearRecords = 0;
  for await (const record of readRecords(store, { subjectId }, { batchSize })) {
    records += 1;
    if (holdsClearValue(record)) clearRecords += 1;
  }
  const event: AuditEvent = {
    eventId: randomUUID(),
    occurredAt: new Date().toISOString(),
    operation: 'erasure',
    granularity: 'statement',
    dbSystem: 'other_sql',
    table: '*',
    recordId: null,
    changedFields: [],
    before: null,
    after: null,
    subjectId,
    metadata: {
      erasedKeys: live.map((key) => key.keyId).join(',') || '-',
      records,
      clearRecords,
    },
  };
  if (options.actor) event.actor = options.actor;
  if (options.reason) event.reason = options.reason;
  const erasure = await appendChained(store, event, options);
  const keysDestroyed = await keys.destroySubjectKeys(subjectId, erasure.occurredAt);
  return { subjectId, keysDestroyed, records, clearRecords, erasure };
}

/** Seals the event after its stream's head and appends it; tries again when another writer won the seq. */
async function appendChained(
  store: AuditStore,
  event: AuditEvent,
  options: EraseOptions,
): Promise<AuditRecord> {
  const stream = options.stream ?? 'erasure';
  const key = options.chainKey === undefined ? undefined : resolveChainKey(options.chainKey);
  for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
    const head = await store.streamHead(stream);
    const record = sealEvent(
      event,
      { stream, seq: (head?.lastSeq ?? 0) + 1, prevHash: head?.lastHash ?? null },
      key,
    );
    await store.append([record]);
    const [stored] = await store.find({ eventId: event.eventId }, { limit: 1 });
    if (stored) return stored;
  }
  throw new Error(
    `erasure record for subject "${event.subjectId}" could not be chained into stream "${stream}" after ${ATTEMPTS} attempts (other erasures at the same time); nothing was erased, try again`,
  );
}

function holdsClearValue(record: AuditRecord): boolean {
  return (record.personalFields ?? []).some((field) =>
    [record.before, record.after].some((values) => {
      if (!values || !(field in values)) return false;
      const value = values[field];
      return !(
        typeof value === 'string' &&
        (value.startsWith(ENCRYPTED_PREFIX) || value === '[REDACTED]')
      );
    }),
  );
}
