import { Command, Option } from 'commander';
import { runWithStore } from '../context';
import { addFilterOptions, queryOf } from '../filter-options';
import type { FilterOptions } from '../filter-options';
import { requireRecords, requireTable } from '../lookup';
import { parsePositiveInt } from '../parse-args';
import { recordsTable } from '../render/records';

interface ChangesOptions extends FilterOptions {
  limit: number;
  pageToken?: string;
  order: 'asc' | 'desc';
}

export function changesCommand(): Command {
  const command = new Command('changes').description(
    'the changes that match a filter: an actor, a table, an operation, a time window',
  );
  return addFilterOptions(command)
    .option('--limit <n>', 'changes per page', parsePositiveInt, 100)
    .option('--page-token <token>', 'the next page, as printed at the end of the previous one')
    .addOption(
      new Option('--order <order>', 'oldest or newest first')
        .choices(['asc', 'desc'])
        .default('asc'),
    )
    .action(async (options: ChangesOptions, cmd: Command) =>
      runWithStore(cmd, async ({ store, trail, out, traceUrl }) => {
        await requireRecords(store);
        if (options.table !== undefined) await requireTable(store, options.table);
        const page = await trail.changes(
          { ...queryOf(options), order: options.order },
          { limit: options.limit, pageToken: options.pageToken },
        );
        if (out.json) return out.jsonValue(page);
        if (page.records.length === 0) return out.line('no matching changes');
        await out.line(recordsTable(page.records, out.colors, traceUrl));
        if (page.nextPageToken) out.note(`more changes: --page-token ${page.nextPageToken}`);
      }),
    );
}
