import type { ChangesPage } from '../../query/trail-types';
import type { CommandContext } from '../context';
import { requireTable } from '../lookup';
import { createTable } from '../render/table';
import { formatActor, formatTrace } from '../render/values';

/** Paging of `history --schema`. */
export interface SchemaHistoryOptions {
  limit: number;
  pageToken?: string;
}

/**
 * `history --schema TABLE`: the schema changes of a table, oldest first, with the change
 * (`addColumn`, `sql` for raw DDL), the migration that made it, who, the columns, the
 * sanitized statements and the trace. An unknown table is bad input (exit 2); a known table
 * without schema records says so and succeeds.
 */
export async function printSchemaHistory(
  table: string,
  options: SchemaHistoryOptions,
  context: CommandContext,
): Promise<void> {
  await requireTable(context.store, table);
  const page = await context.trail.changes(
    { table, operation: 'schema' },
    { limit: options.limit, pageToken: options.pageToken },
  );
  const { out, traceUrl } = context;
  if (out.json) return out.jsonValue({ table, ...page });
  await out.line(out.colors.bold(`schema of ${table}`));
  if (page.records.length === 0) {
    await out.line(`no schema changes recorded for ${table}`);
    return;
  }
  await out.line(schemaTable(page, traceUrl));
  if (page.nextPageToken) out.note(`more changes: --page-token ${page.nextPageToken}`);
}

function schemaTable(page: ChangesPage, traceUrl: string | undefined): string {
  const table = createTable([
    'time',
    'change',
    'migration',
    'actor',
    'columns',
    'statement',
    'trace',
  ]);
  for (const record of page.records) {
    const migration = record.metadata?.migration;
    const direction = record.metadata?.migration_direction;
    table.push([
      record.occurredAt,
      String(record.metadata?.schema_change ?? ''),
      migration === undefined
        ? ''
        : `${String(migration)}${direction ? ` (${String(direction)})` : ''}`,
      formatActor(record.actor),
      record.changedFields.join(', '),
      record.statement ?? '',
      formatTrace(record.traceId, traceUrl),
    ]);
  }
  return table.toString();
}
