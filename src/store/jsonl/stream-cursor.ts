import type { AuditRecord } from '../../types';

/**
 * Where the last `readStream` call of one stream stopped, so that the next page (from the next
 * seq) goes on reading from there instead of scanning every file again: a walk over a whole
 * stream (verify) reads each file once.
 */
export class StreamCursor {
  private constructor(
    readonly stream: string,
    private readonly records: AsyncGenerator<AuditRecord>,
    /** The seq the next page is expected to start at. */
    public nextSeq: number,
  ) {}

  /** A cursor over the records of `stream` with seq >= `fromSeq`, in the order they were appended. */
  static start(
    scan: () => AsyncGenerator<AuditRecord>,
    stream: string,
    fromSeq: number,
  ): StreamCursor {
    async function* ofStream(): AsyncGenerator<AuditRecord> {
      for await (const record of scan()) {
        if (record.stream === stream && record.seq >= fromSeq) yield record;
      }
    }
    return new StreamCursor(stream, ofStream(), fromSeq);
  }

  /** True once the files were read to their end (what was appended since is not seen). */
  private exhausted = false;

  /** True when the next page of `stream` from `fromSeq` continues this cursor. */
  continues(stream: string, fromSeq: number): boolean {
    return !this.exhausted && this.stream === stream && this.nextSeq === fromSeq;
  }

  /** The next `limit` records (fewer at the end). */
  async take(limit: number): Promise<AuditRecord[]> {
    const page: AuditRecord[] = [];
    while (page.length < limit) {
      const next = await this.records.next();
      if (next.done) {
        this.exhausted = true;
        break;
      }
      page.push(next.value);
    }
    const last = page[page.length - 1];
    if (last) this.nextSeq = last.seq + 1;
    return page;
  }

  /** Closes the files it reads. */
  async close(): Promise<void> {
    await this.records.return(undefined);
  }
}
