import type {
  AuditCheckpoint,
  AuditFindOptions,
  AuditRecordFilter,
  AuditStore,
  StreamHead,
} from '../store/audit-store';
import type { AuditRecord } from '../types';
import type { PersonalValues } from './personal-values';

/**
 * A store as readers see it: records read through `find` and `readStream` have their personal
 * values decrypted, erased or masked (see `PersonalValues`); everything else goes to `raw`.
 * Verification and proofs use `raw`, whose records carry the ciphertext the chain covers.
 */
export class RevealingStore implements AuditStore {
  readonly name: string;

  constructor(
    readonly raw: AuditStore,
    private readonly values: PersonalValues,
  ) {
    this.name = raw.name;
  }

  init(): Promise<void> {
    return this.raw.init();
  }
  append(records: readonly AuditRecord[]): Promise<void> {
    return this.raw.append(records);
  }
  streamHead(stream: string): Promise<StreamHead | null> {
    return this.raw.streamHead(stream);
  }
  streams(): Promise<StreamHead[]> {
    return this.raw.streams();
  }
  async readStream(stream: string, fromSeq: number, limit: number): Promise<AuditRecord[]> {
    return this.values.reveal(await this.raw.readStream(stream, fromSeq, limit));
  }
  async find(filter: AuditRecordFilter, options?: AuditFindOptions): Promise<AuditRecord[]> {
    return this.values.reveal(await this.raw.find(filter, options));
  }
  count(filter?: AuditRecordFilter): Promise<number> {
    return this.raw.count(filter);
  }
  writeCheckpoint(checkpoint: AuditCheckpoint): Promise<void> {
    return this.raw.writeCheckpoint(checkpoint);
  }
  checkpoints(stream: string): Promise<AuditCheckpoint[]> {
    return this.raw.checkpoints(stream);
  }
  async checkpointStreams(): Promise<string[]> {
    return (await this.raw.checkpointStreams?.()) ?? [];
  }
  async recordTables(): Promise<string[]> {
    return (await this.raw.recordTables?.()) ?? [];
  }
  prune(before: Date): Promise<{ removed: number }> {
    return this.raw.prune(before);
  }
  close(): Promise<void> {
    return this.raw.close();
  }
}
