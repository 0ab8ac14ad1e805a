import type { AuditStore } from '../../store/audit-store';
import { readCheckpoint } from '../checkpoint-note';
import type { Witness } from './witness';

/**
 * A second audit store (another database, a JSONL file on other storage) that keeps the
 * checkpoints only: a row per signed note, in its checkpoint table.
 */
export class StoreWitness implements Witness {
  private opened?: Promise<AuditStore>;

  constructor(
    readonly url: string,
    private readonly open: () => Promise<AuditStore>,
  ) {}

  async publish(stream: string, note: string): Promise<void> {
    const head = readCheckpoint(note);
    await (
      await this.store()
    ).writeCheckpoint({
      stream,
      seq: head.size,
      hash: head.root.toString('hex'),
      createdAt: new Date().toISOString(),
      kind: 'periodic',
      note,
    });
  }

  async checkpoints(stream: string): Promise<string[]> {
    const checkpoints = await (await this.store()).checkpoints(stream);
    return checkpoints.flatMap((checkpoint) => (checkpoint.note ? [checkpoint.note] : []));
  }

  async streams(): Promise<string[]> {
    return (await (await this.store()).checkpointStreams?.()) ?? [];
  }

  async close(): Promise<void> {
    const opened = this.opened;
    this.opened = undefined;
    if (opened) await (await opened).close();
  }

  private store(): Promise<AuditStore> {
    this.opened ??= this.open().catch((error: unknown) => {
      this.opened = undefined;
      throw error;
    });
    return this.opened;
  }
}
