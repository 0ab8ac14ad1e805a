import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { Command, Option } from 'commander';
import { writeBundle } from '../../integrity/bundle';
import { exportRecords } from '../../query/export-records';
import type { ExportFormat } from '../../query/export-format';
import { runWithStore } from '../context';
import { addFilterOptions, queryOf } from '../filter-options';
import type { FilterOptions } from '../filter-options';
import { requireRecords, requireTable } from '../lookup';
import { createProgress } from '../progress';

interface ExportCommandOptions extends FilterOptions {
  format: ExportFormat;
  output?: string;
  bundle?: string;
}

export function exportCommand(): Command {
  const command = new Command('export').description(
    'writes the records that match a filter as JSON Lines or CSV, oldest first',
  );
  return addFilterOptions(command)
    .addOption(
      new Option('--format <format>', 'output format').choices(['jsonl', 'csv']).default('jsonl'),
    )
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .option(
      '--bundle <dir>',
      'write a verifiable bundle of every stream (records, checkpoints, manifest) for verify --bundle',
    )
    .action(async (options: ExportCommandOptions, cmd: Command) =>
      runWithStore(cmd, async ({ store, trail, out, progress: wanted }) => {
        if (options.bundle) {
          const manifest = await writeBundle(store, options.bundle);
          const records = manifest.streams.reduce((sum, s) => sum + s.records, 0);
          if (out.json) return out.jsonValue(manifest);
          return out.line(
            `exported a bundle of ${records} records in ${manifest.streams.length} streams to ${options.bundle}`,
          );
        }
        await requireRecords(store);
        if (options.table !== undefined) await requireTable(store, options.table);
        const query = queryOf(options);
        const total = await trail.count(query);
        const progress = createProgress('export', wanted);
        const sink = options.output ? createWriteStream(options.output) : process.stdout;
        progress.start(total);
        try {
          const written = await exportRecords(trail.iterateChanges(query), {
            format: options.format,
            total,
            write: (chunk) => writeTo(sink, chunk),
            onProgress: ({ done }) => progress.update(done),
          });
          progress.stop();
          if (sink !== process.stdout) await closeFile(sink);
          out.note(`exported ${written} records${options.output ? ` to ${options.output}` : ''}`);
        } finally {
          progress.stop();
        }
      }),
    );
}

async function writeTo(sink: Writable, chunk: string): Promise<void> {
  if (!sink.write(chunk)) await once(sink, 'drain');
}

async function closeFile(sink: Writable): Promise<void> {
  sink.end();
  await once(sink, 'finish');
}
