import type { AuditCursor } from '../store/audit-store';
import type { RowStatus } from './trail-types';

/** What a page token carries: where the previous page ended, and for histories the version. */
export interface PageState {
  after: AuditCursor;
  /** Histories: the version number of the last row version already returned. */
  version?: number;
  /** Histories: the row status after that version. */
  status?: RowStatus;
}

/** An opaque, URL-safe token (base64url JSON) that scripts pass back as `--page-token`. */
export function encodePageToken(state: PageState): string {
  return Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');
}

export function decodePageToken(token: string): PageState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (!isPageState(parsed)) {
    throw new RangeError(
      `Invalid page token "${token}": pass the nextPageToken of a previous page`,
    );
  }
  return parsed;
}

function isPageState(value: unknown): value is PageState {
  if (typeof value !== 'object' || value === null) return false;
  const { after } = value as { after?: Partial<AuditCursor> };
  return (
    typeof after === 'object' &&
    after !== null &&
    typeof after.occurredAt === 'string' &&
    typeof after.stream === 'string' &&
    typeof after.seq === 'number'
  );
}

export function cursorOf(record: { occurredAt: string; stream: string; seq: number }): AuditCursor {
  return { occurredAt: record.occurredAt, stream: record.stream, seq: record.seq };
}
