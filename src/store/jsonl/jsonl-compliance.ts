import { readFile, rename, writeFile } from 'node:fs/promises';
import type {
  ComplianceStore,
  LegalHold,
  StoredSubjectKey,
  SubjectKeyQuery,
} from '../keys/subject-keys';
import { withFileLock } from './file-lock';

/**
 * The subject keys and legal holds of a `JsonlAuditStore`, in sidecar files beside the trail:
 * `<path>.keys.json` and `<path>.holds.json` (mode 0600), rewritten whole (temporary file,
 * then rename) under the store's lock. Erasing a key rewrites the file with its wrapped key
 * set to null.
 */
export class JsonlComplianceFiles implements ComplianceStore {
  private readonly keysPath: string;
  private readonly holdsPath: string;

  constructor(
    path: string,
    private readonly lockPath: string,
    private readonly writable: boolean,
  ) {
    this.keysPath = `${path}.keys.json`;
    this.holdsPath = `${path}.holds.json`;
  }

  async subjectKeys(query: SubjectKeyQuery): Promise<StoredSubjectKey[]> {
    const subjects = new Set(query.subjectIds ?? []);
    const ids = new Set(query.keyIds ?? []);
    return (await readList<StoredSubjectKey>(this.keysPath)).filter(
      (key) => subjects.has(key.subjectId) || ids.has(key.keyId),
    );
  }

  async addSubjectKeys(keys: readonly StoredSubjectKey[]): Promise<void> {
    if (keys.length === 0) return;
    await this.update<StoredSubjectKey>(this.keysPath, (stored) => {
      const known = new Set(stored.map((key) => key.keyId));
      return [...stored, ...keys.filter((key) => !known.has(key.keyId))];
    });
  }

  async destroySubjectKeys(subjectId: string, erasedAt: string): Promise<string[]> {
    const destroyed: string[] = [];
    await this.update<StoredSubjectKey>(this.keysPath, (stored) =>
      stored.map((key) => {
        if (key.subjectId !== subjectId || key.wrappedKey === null) return key;
        destroyed.push(key.keyId);
        return { ...key, wrappedKey: null, erasedAt };
      }),
    );
    return destroyed;
  }

  holds(): Promise<LegalHold[]> {
    return readList<LegalHold>(this.holdsPath);
  }

  async addHold(hold: LegalHold): Promise<void> {
    await this.update<LegalHold>(this.holdsPath, (stored) => [...stored, hold]);
  }

  private async update<T>(file: string, change: (stored: T[]) => T[]): Promise<void> {
    if (!this.writable) throw new Error(`audit store file "${file}": the store is open read-only`);
    await withFileLock(this.lockPath, async () => {
      const next = change(await readList<T>(file));
      const temporary = `${file}.tmp`;
      await writeFile(temporary, `${JSON.stringify(next, null, 1)}\n`, { mode: 0o600 });
      await rename(temporary, file);
    });
  }
}

async function readList<T>(file: string): Promise<T[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) throw new Error(`audit store file "${file}" is not a JSON array`);
  return parsed as T[];
}
