import { Command } from 'commander';
import type { HistoryPage } from '../../query/trail-types';
import { runWithStore } from '../context';
import type { CommandContext } from '../context';
import { badInput } from '../cli-error';
import { requireRow } from '../lookup';
import { parsePositiveInt } from '../parse-args';
import { createTable } from '../render/table';
import { describeChanges } from '../render/records';
import { formatActor, formatTrace, rowName } from '../render/values';
import { printSchemaHistory } from './schema-history';

interface HistoryOptions {
  limit: number;
  pageToken?: string;
  schema?: string;
}

export function historyCommand(): Command {
  return new Command('history')
    .description(
      'every version of a row, oldest first, with who, when, what changed and the trace; ' +
        'with --schema TABLE, the schema changes of a table (sync, DDL, migrations)',
    )
    .argument('[table]', 'table name')
    .argument('[id]', 'primary key; JSON for composite keys, e.g. \'{"orderId":7,"line":2}\'')
    .option('--schema <table>', 'list the schema changes of this table instead of a row')
    .option('--limit <n>', 'versions per page', parsePositiveInt, 100)
    .option('--page-token <token>', 'the next page, as printed at the end of the previous one')
    .action(
      async (
        table: string | undefined,
        id: string | undefined,
        options: HistoryOptions,
        command: Command,
      ) => {
        if (options.schema !== undefined) {
          if (table !== undefined) {
            throw badInput(
              `history --schema ${options.schema} takes no row: drop "${table}${id === undefined ? '' : ` ${id}`}"`,
            );
          }
          const schemaTable = options.schema;
          return runWithStore(command, (context) =>
            printSchemaHistory(schemaTable, options, context),
          );
        }
        if (table === undefined || id === undefined) {
          throw badInput(
            'history needs a table and a primary key (history users 42), or --schema TABLE',
          );
        }
        const rowTable = table;
        const rowId = id;
        return runWithStore(command, async (context) => {
          const recordId = await requireRow(context.store, rowTable, rowId);
          const page = await context.trail.history(rowTable, recordId, options);
          await printHistory(page, context);
        });
      },
    );
}

async function printHistory(page: HistoryPage, { out, traceUrl }: CommandContext): Promise<void> {
  if (out.json) return out.jsonValue(page);
  const table = createTable(['version', 'time', 'operation', 'actor', 'changes', 'trace']);
  for (const version of page.versions) {
    table.push([
      String(version.version),
      version.occurredAt,
      version.operation,
      formatActor(version.actor),
      describeChanges(version.record, out.colors),
      formatTrace(version.traceId, traceUrl),
    ]);
  }
  await out.line(out.colors.bold(rowName(page.table, page.recordId)));
  await out.line(table.toString());
  if (page.nextPageToken) out.note(`more versions: --page-token ${page.nextPageToken}`);
}
