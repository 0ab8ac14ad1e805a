import { Command } from 'commander';
import type { HistoryPage } from '../../query/trail-types';
import { runWithStore } from '../context';
import type { CommandContext } from '../context';
import { requireRow } from '../lookup';
import { parsePositiveInt } from '../parse-args';
import { createTable } from '../render/table';
import { describeChanges } from '../render/records';
import { formatActor, formatTrace, rowName } from '../render/values';

interface HistoryOptions {
  limit: number;
  pageToken?: string;
}

export function historyCommand(): Command {
  return new Command('history')
    .description('every version of a row, oldest first, with who, when, what changed and the trace')
    .argument('<table>', 'table name')
    .argument('<id>', 'primary key; JSON for composite keys, e.g. \'{"orderId":7,"line":2}\'')
    .option('--limit <n>', 'versions per page', parsePositiveInt, 100)
    .option('--page-token <token>', 'the next page, as printed at the end of the previous one')
    .action(async (table: string, id: string, options: HistoryOptions, command: Command) =>
      runWithStore(command, async (context) => {
        const recordId = await requireRow(context.store, table, id);
        const page = await context.trail.history(table, recordId, options);
        await printHistory(page, context);
      }),
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
