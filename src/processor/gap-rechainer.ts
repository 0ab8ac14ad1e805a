import type { AuditRecord } from '../types';
import type { ChainHead, ChainSealer } from './chain-sealer';

/**
 * Closes the gaps that quarantined records leave in their streams. Records of such a stream
 * that were sealed before the gap was closed (in the pipeline, in the spool) are sealed again
 * after the link they must follow; when they were the sealer's newest, it goes on after them.
 */
export class GapRechainer {
  /** Per stream that lost a record to quarantine: the link the next record must follow. */
  private readonly heads = new Map<string, ChainHead>();

  constructor(private readonly sealer: ChainSealer) {}

  /** `quarantined` left its stream: the records after it must link to the one before it. */
  closeGapAt(quarantined: AuditRecord): void {
    this.heads.set(quarantined.stream, { seq: quarantined.seq - 1, hash: quarantined.prevHash });
  }

  /** Records now in the store: the link of a rechained stream moves past them. */
  persisted(records: readonly AuditRecord[]): void {
    if (this.heads.size === 0) return;
    for (const record of records) {
      const expected = this.heads.get(record.stream);
      if (expected && record.seq > expected.seq) {
        this.heads.set(record.stream, { seq: record.seq, hash: record.hash });
      }
    }
  }

  /** `records` with those of a rechained stream sealed again after its link, where needed. */
  rechain(records: AuditRecord[]): AuditRecord[] {
    let result = records;
    for (const [stream, head] of this.heads) {
      const positions: number[] = [];
      for (let i = 0; i < result.length; i += 1) {
        // Records at or before the link were written already (a retry sends them again).
        if (result[i].stream === stream && result[i].seq > head.seq) positions.push(i);
      }
      if (positions.length === 0) continue;
      const first = result[positions[0]];
      if (first.seq === head.seq + 1 && first.prevHash === head.hash) continue;
      const stale = positions.map((i) => result[i]);
      const resealed = this.sealer.resealAfter(stream, head, stale);
      result = [...result];
      positions.forEach((position, k) => (result[position] = resealed[k]));
      this.moveSealerPast(stream, stale[stale.length - 1], resealed[resealed.length - 1]);
    }
    return result;
  }

  private moveSealerPast(stream: string, lastStale: AuditRecord, last: AuditRecord): void {
    const newest = this.sealer.current();
    if (
      stream === this.sealer.stream &&
      newest.seq === lastStale.seq &&
      newest.hash === lastStale.hash
    ) {
      this.sealer.rewind({ seq: last.seq, hash: last.hash });
    }
  }
}
