import { Command } from 'commander';
import type { AuditRecord } from '../../types';
import { runWithStore } from '../context';
import type { CommandContext } from '../context';
import { addFilterOptions, queryOf } from '../filter-options';
import type { FilterOptions } from '../filter-options';
import { requireRecords, requireTable } from '../lookup';
import { parsePositiveInt } from '../parse-args';
import { recordLine } from '../render/records';

interface TailOptions extends FilterOptions {
  lines: number;
  follow?: boolean;
  interval: number;
}

export function tailCommand(): Command {
  const command = new Command('tail').description(
    'the latest changes, one line each (JSON Lines with --json); --follow keeps printing new ones',
  );
  return addFilterOptions(command)
    .option(
      '-n, --lines <n>',
      'how many of the latest changes to print first',
      parsePositiveInt,
      10,
    )
    .option('-f, --follow', 'keep printing changes as they are stored, until interrupted')
    .option(
      '--interval <ms>',
      'with --follow: time between two looks at the store',
      parsePositiveInt,
      1000,
    )
    .action(async (options: TailOptions, cmd: Command) =>
      runWithStore(cmd, async (context) => {
        // Following an empty trail waits for its first record; a one-off look reports it.
        if (!options.follow) await requireRecords(context.store);
        if (options.table !== undefined) await requireTable(context.store, options.table);
        const query = queryOf(options);
        const stop = new AbortController();
        const onSignal = (): void => stop.abort();
        process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
        try {
          // Follow from before the latest page is read, so nothing slips in between.
          const follower = options.follow
            ? await context.trail.follow(query, {
                intervalMs: options.interval,
                signal: stop.signal,
              })
            : undefined;
          const latest = await context.trail.changes(
            { ...query, order: 'desc' },
            { limit: options.lines },
          );
          for (const record of latest.records.reverse()) await print(record, context);
          if (!follower) return;
          const shown = new Set(latest.records.map((r) => r.eventId));
          for await (const record of follower) {
            if (!shown.has(record.eventId)) await print(record, context);
          }
        } finally {
          process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
        }
      }),
    );
}

async function print(record: AuditRecord, context: CommandContext): Promise<void> {
  const { out, traceUrl } = context;
  await out.line(out.json ? JSON.stringify(record) : recordLine(record, out.colors, traceUrl));
}
