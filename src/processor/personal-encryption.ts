import type { DiagLogger } from '@opentelemetry/api';
import type { AuditStore } from '../store/audit-store';
import {
  ENCRYPTED_PREFIX,
  encryptValue,
  newDataKey,
  resolveMasterKey,
  unwrapDataKey,
  wrapDataKey,
} from '../store/keys/personal-cipher';
import type { MasterKey, MasterKeyInput } from '../store/keys/personal-cipher';
import { complianceOf } from '../store/keys/subject-keys';
import type { ComplianceStore, StoredSubjectKey } from '../store/keys/subject-keys';
import type { AuditEvent } from '../types';

/**
 * Encryption of personal fields (`audit.models.X.personal`) per data subject, before records
 * are hashed: the chain covers the ciphertext, so `trail.erase(subjectId)` (which destroys the
 * subject's key) leaves every chain verifiable.
 *
 * @example
 * new AuditSpanProcessor({ store, encryption: { masterKey: process.env.AUDIT_MASTER_KEY } })
 * new AuditSpanProcessor({ store, encryption: { keyProvider: () => kms.decrypt(wrappedMaster) } })
 */
export interface AuditEncryptionOptions {
  /** The master key that wraps the subject keys (a string of 16+ bytes, or bytes). */
  masterKey?: MasterKeyInput;
  /**
   * Gives the master key, e.g. from a KMS; asked again every `keyProviderTtlMs`. Used when
   * `masterKey` is absent.
   * @default undefined
   */
  keyProvider?: () => MasterKeyInput | Promise<MasterKeyInput>;
  /** How long a provided master key is used before the provider is asked again. @default 300000 */
  keyProviderTtlMs?: number;
  /**
   * Where the subject keys are kept, when the record store keeps none (the OTLP-logs store).
   * @default the record store's key table
   * @example keyStore: new SqlAuditStore({ url: 'postgres://audit@db/keys' })
   */
  keyStore?: AuditStore;
}

/** Encrypts the personal values of events, creating subject keys as needed. */
export class PersonalEncryptor {
  private master?: { key: MasterKey; at: number };
  private readonly keys: ComplianceStore;

  constructor(
    private readonly options: AuditEncryptionOptions,
    store: AuditStore,
    private readonly now: () => number,
  ) {
    if (options.masterKey === undefined && typeof options.keyProvider !== 'function') {
      throw new Error(
        'AuditSpanProcessor: `encryption` needs a `masterKey` or a `keyProvider`, e.g. encryption: { masterKey: process.env.AUDIT_MASTER_KEY }',
      );
    }
    if (options.masterKey !== undefined) {
      this.master = { key: resolveMasterKey(options.masterKey), at: Infinity };
    }
    this.keys = complianceOf(options.keyStore ?? store);
  }

  /** The events with their personal values encrypted (copies; the others as they are). */
  async encrypt(events: readonly AuditEvent[]): Promise<AuditEvent[]> {
    const subjects = new Set<string>();
    for (const event of events) if (needsEncryption(event)) subjects.add(event.subjectId ?? '');
    if (subjects.size === 0) return [...events];
    const master = await this.masterKey();
    const dataKeys = await this.dataKeys(master, [...subjects]);
    return events.map((event) => {
      if (!needsEncryption(event)) return event;
      const dataKey = dataKeys.get(event.subjectId ?? '');
      if (!dataKey) throw new Error(`no data key for subject of event ${event.eventId}`);
      return encryptEvent(event, dataKey.keyId, dataKey.key);
    });
  }

  /** Tells once that personal values go to the store in clear (no `encryption`). */
  static warnClear(diag: DiagLogger, events: readonly AuditEvent[], state: { warned: boolean }) {
    if (state.warned || !events.some((event) => event.personalFields?.length)) return;
    state.warned = true;
    diag.warn(
      'audit records have personal fields but the AuditSpanProcessor has no `encryption`: they are stored in clear and trail.erase() cannot erase them. Give encryption: { masterKey } (see the README, "Compliance")',
    );
  }

  private async masterKey(): Promise<MasterKey> {
    const ttl = this.options.keyProviderTtlMs ?? 300_000;
    if (this.master && this.now() - this.master.at < ttl) return this.master.key;
    const provided = await this.options.keyProvider?.();
    if (provided === undefined) throw new Error('encryption key provider gave no master key');
    this.master = { key: resolveMasterKey(provided), at: this.now() };
    return this.master.key;
  }

  /** A live key per subject: the newest stored one, or a new one (stored first). */
  private async dataKeys(
    master: MasterKey,
    subjectIds: string[],
  ): Promise<Map<string, { keyId: string; key: Buffer }>> {
    const found = new Map<string, StoredSubjectKey>();
    for (const stored of await this.keys.subjectKeys({ subjectIds })) {
      if (stored.wrappedKey === null) continue;
      const known = found.get(stored.subjectId);
      if (!known || known.createdAt < stored.createdAt) found.set(stored.subjectId, stored);
    }
    const result = new Map<string, { keyId: string; key: Buffer }>();
    const created: StoredSubjectKey[] = [];
    for (const subjectId of subjectIds) {
      const stored = found.get(subjectId);
      if (stored?.wrappedKey) {
        const wrapped = { ...stored, wrappedKey: stored.wrappedKey };
        result.set(subjectId, { keyId: stored.keyId, key: unwrapDataKey(master, wrapped) });
        continue;
      }
      const fresh = newDataKey();
      created.push({
        keyId: fresh.keyId,
        subjectId,
        masterKeyId: master.id,
        wrappedKey: wrapDataKey(master, fresh.keyId, fresh.key),
        createdAt: new Date(this.now()).toISOString(),
      });
      result.set(subjectId, fresh);
    }
    // Keys reach the store before any record encrypted with them.
    if (created.length) await this.keys.addSubjectKeys(created);
    return result;
  }
}

function needsEncryption(event: AuditEvent): boolean {
  if (!event.subjectId || !event.personalFields?.length) return false;
  return [event.before, event.after].some(
    (values) =>
      values !== null &&
      event.personalFields?.some((field) => field in values && !isEncrypted(values[field])),
  );
}

function isEncrypted(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith(ENCRYPTED_PREFIX);
}

function encryptEvent(event: AuditEvent, keyId: string, key: Buffer): AuditEvent {
  const fields = event.personalFields ?? [];
  const side = (name: 'before' | 'after'): Record<string, unknown> | null => {
    const values = event[name];
    if (!values) return values;
    const copy: Record<string, unknown> = { ...values };
    for (const field of fields) {
      if (!(field in copy) || isEncrypted(copy[field])) continue;
      copy[field] = encryptValue(keyId, key, copy[field], {
        eventId: event.eventId,
        side: name,
        field,
      });
    }
    return copy;
  };
  return { ...event, before: side('before'), after: side('after') };
}
