import type { AuditStore } from '../store/audit-store';
import {
  ENCRYPTED_VALUE,
  ERASED_VALUE,
  decryptValue,
  keyIdOf,
  resolveMasterKey,
  unwrapDataKey,
} from '../store/keys/personal-cipher';
import type { MasterKey, MasterKeyInput } from '../store/keys/personal-cipher';
import type { ComplianceStore, StoredSubjectKey } from '../store/keys/subject-keys';
import type { AuditRecord } from '../types';

/**
 * How a trail reads encrypted personal values.
 *
 * @example
 * new AuditTrail(store, { encryption: { masterKey: process.env.AUDIT_MASTER_KEY } })
 */
export interface TrailEncryptionOptions {
  /** The master key the processor was given. Without it, personal values read as `"[ENCRYPTED]"`. */
  masterKey?: MasterKeyInput;
  /** Gives the master key (asked once per trail), when `masterKey` is absent. */
  keyProvider?: () => MasterKeyInput | Promise<MasterKeyInput>;
  /** Where the subject keys are kept, when not in the record store. @default the record store */
  keyStore?: AuditStore;
}

/**
 * Turns the stored personal values of records into what a reader may see: the clear value
 * (with the master key and a live subject key), `"[ERASED]"` (the subject's key was destroyed
 * by `erase`), or `"[ENCRYPTED]"` (no master key given). Never garbage: a wrong master key
 * throws `WrongMasterKeyError`, an altered ciphertext throws.
 */
export class PersonalValues {
  private master?: Promise<MasterKey | undefined>;

  constructor(
    private readonly keys: ComplianceStore | undefined,
    private readonly options: TrailEncryptionOptions = {},
  ) {}

  async reveal(records: AuditRecord[]): Promise<AuditRecord[]> {
    const keyIds = new Set<string>();
    for (const record of records) {
      forEachPersonal(record, (value) => {
        const id = keyIdOf(value);
        if (id !== undefined) keyIds.add(id);
      });
    }
    if (keyIds.size === 0) return records;
    const stored = new Map<string, StoredSubjectKey>();
    for (const key of (await this.keys?.subjectKeys({ keyIds: [...keyIds] })) ?? []) {
      stored.set(key.keyId, key);
    }
    const master = await this.masterKey();
    const unwrapped = new Map<string, Buffer>();
    const dataKey = (keyId: string): Buffer | undefined => {
      const key = stored.get(keyId);
      if (!key?.wrappedKey || !master) return undefined;
      let data = unwrapped.get(keyId);
      if (!data) {
        data = unwrapDataKey(master, { ...key, wrappedKey: key.wrappedKey });
        unwrapped.set(keyId, data);
      }
      return data;
    };
    return records.map((record) => this.revealRecord(record, stored, master, dataKey));
  }

  private revealRecord(
    record: AuditRecord,
    stored: Map<string, StoredSubjectKey>,
    master: MasterKey | undefined,
    dataKey: (keyId: string) => Buffer | undefined,
  ): AuditRecord {
    const side = (name: 'before' | 'after') => {
      const values = record[name];
      if (!values || !record.personalFields?.length) return values;
      const copy = { ...values };
      for (const field of record.personalFields) {
        const value = copy[field];
        const keyId = keyIdOf(value);
        if (keyId === undefined || typeof value !== 'string') continue;
        const key = stored.get(keyId);
        if (!key || key.wrappedKey === null) copy[field] = ERASED_VALUE;
        else if (!master) copy[field] = ENCRYPTED_VALUE;
        else {
          const data = dataKey(keyId) as Buffer;
          try {
            copy[field] = decryptValue(value, data, {
              eventId: record.eventId,
              side: name,
              field,
            });
          } catch {
            throw new Error(
              `audit record ${record.eventId}: the encrypted value of "${field}" does not decrypt (altered, or moved from another record); run verify`,
            );
          }
        }
      }
      return copy;
    };
    return { ...record, before: side('before'), after: side('after') };
  }

  private masterKey(): Promise<MasterKey | undefined> {
    this.master ??= (async () => {
      const { masterKey, keyProvider } = this.options;
      const input = masterKey ?? (await keyProvider?.());
      return input === undefined ? undefined : resolveMasterKey(input);
    })();
    return this.master;
  }
}

function forEachPersonal(record: AuditRecord, visit: (value: unknown) => void): void {
  if (!record.personalFields?.length) return;
  for (const values of [record.before, record.after]) {
    if (!values) continue;
    for (const field of record.personalFields) if (field in values) visit(values[field]);
  }
}
