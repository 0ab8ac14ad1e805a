import type { AuditRecord } from '../types';
import { csvHeader, formatRecord } from './export-format';
import type { ExportFormat } from './export-format';
import type { WalkProgress } from './trail-types';

/** Options of `exportRecords`. */
export interface ExportOptions {
  format: ExportFormat;
  /** Receives each line (with its newline); awaiting it applies back-pressure. */
  write(chunk: string): Promise<void> | void;
  /** Called every `progressEvery` records and at the end. */
  onProgress?(progress: WalkProgress): void;
  /** Records in the export, when known, passed on to `onProgress`. */
  total?: number;
  /** @default 1000 */
  progressEvery?: number;
}

/**
 * Writes records as JSON Lines (one record per line, as the API returns it) or CSV (a header,
 * then one line per record). Returns how many records were written.
 *
 * @example
 * const file = createWriteStream('last-week.csv');
 * await exportRecords(trail.iterateChanges({ since }), { format: 'csv', write: (c) => void file.write(c) });
 */
export async function exportRecords(
  records: AsyncIterable<AuditRecord>,
  options: ExportOptions,
): Promise<number> {
  const every = options.progressEvery ?? 1000;
  if (options.format === 'csv') await options.write(`${csvHeader()}\n`);
  let done = 0;
  for await (const record of records) {
    await options.write(`${formatRecord(record, options.format)}\n`);
    done += 1;
    if (done % every === 0) options.onProgress?.({ done, total: options.total });
  }
  if (done === 0 || done % every !== 0) options.onProgress?.({ done, total: options.total });
  return done;
}
