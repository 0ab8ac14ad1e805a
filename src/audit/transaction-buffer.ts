import type { TransactionLike } from '../sequelize/internal-types';
import type { PendingAuditEvent } from './record-builder';

/** The events of one root transaction, held until its COMMIT or ROLLBACK. */
export interface HeldEvents {
  /** Events that will commit with the transaction, in the order the rows changed. */
  readonly pending: PendingAuditEvent[];
  /** Events undone by ROLLBACK TO SAVEPOINT (kept only when rolled-back records are kept). */
  readonly rolledBack: PendingAuditEvent[];
}

/**
 * Per-transaction event buffers. Keyed by the root transaction in a WeakMap, so a
 * transaction that is dropped without COMMIT or ROLLBACK takes its buffer with it to the
 * garbage collector. A savepoint remembers how many events its root held when it began;
 * rolling back to it removes exactly the events recorded after that point.
 */
export class TransactionBuffers {
  private readonly held = new WeakMap<TransactionLike, HeldEvents>();
  private readonly savepointMarks = new WeakMap<TransactionLike, number>();

  add(transaction: TransactionLike, events: readonly PendingAuditEvent[]): void {
    this.bufferOf(rootOf(transaction)).pending.push(...events);
  }

  /** Called when a savepoint begins. */
  markSavepoint(savepoint: TransactionLike): void {
    const root = rootOf(savepoint);
    this.savepointMarks.set(savepoint, this.held.get(root)?.pending.length ?? 0);
  }

  /** ROLLBACK TO SAVEPOINT: drops what came after it; returns the dropped events. */
  rollbackToSavepoint(savepoint: TransactionLike, keepRolledBack: boolean): void {
    const mark = this.savepointMarks.get(savepoint);
    const buffer = this.held.get(rootOf(savepoint));
    if (mark === undefined || !buffer) return;
    const undone = buffer.pending.splice(mark);
    if (keepRolledBack) buffer.rolledBack.push(...undone);
  }

  /** The events of a root transaction, without removing them. */
  peek(root: TransactionLike): HeldEvents | undefined {
    return this.held.get(root);
  }

  /** Removes and returns the events of a root transaction. */
  take(root: TransactionLike): HeldEvents | undefined {
    const buffer = this.held.get(root);
    this.held.delete(root);
    return buffer;
  }

  private bufferOf(root: TransactionLike): HeldEvents {
    let buffer = this.held.get(root);
    if (!buffer) {
      buffer = { pending: [], rolledBack: [] };
      this.held.set(root, buffer);
    }
    return buffer;
  }
}

/** The outermost transaction of a savepoint chain. */
export function rootOf(transaction: TransactionLike): TransactionLike {
  let current = transaction;
  while (current.parent) current = current.parent;
  return current;
}
