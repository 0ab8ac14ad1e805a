import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { once } from 'node:events';
import { Command, Option } from 'commander';
import { ChainSealer } from '../../processor/chain-sealer';
import { defaultStreamId } from '../../processor/processor-options';
import type { QuarantineEntry } from '../../processor/quarantine-journal';
import {
  quarantineFiles,
  readQuarantine,
  rewriteQuarantine,
} from '../../processor/quarantine-journal';
import { describeStoreError, storeErrorKind } from '../../processor/store-error-kind';
import type { AuditStore } from '../../store/audit-store';
import { badInput, CliError, EXIT } from '../cli-error';
import { runWithStore } from '../context';
import type { GlobalOptions } from '../context';
import { Output } from '../output';
import { createTable } from '../render/table';

interface SpoolOptions {
  spool: string;
}

/**
 * `quarantine list|retry|export --spool DIR`: the records a store rejected for good, kept in
 * the quarantine journals beside the processor's spool.
 */
export function quarantineCommand(): Command {
  return new Command('quarantine')
    .description('records the store rejected for good (kept beside the spool): list, retry, export')
    .addCommand(listCommand())
    .addCommand(retryCommand())
    .addCommand(exportCommand());
}

function spoolOption(): Option {
  return new Option('--spool <dir>', "the processor's spool directory (spool.directory)")
    .env('AUDIT_SPOOL_DIR')
    .makeOptionMandatory();
}

function listCommand(): Command {
  return new Command('list')
    .description('lists the quarantined records, with the error the store gave')
    .addOption(spoolOption())
    .action(async (options: SpoolOptions, command: Command) => {
      const entries = await entriesIn(options.spool);
      const out = outputOf(command);
      if (out.json) {
        await out.jsonValue(entries);
        return;
      }
      if (entries.length === 0) {
        await out.line(`no quarantined records in "${options.spool}"`);
        return;
      }
      const table = createTable(['event id', 'quarantined', 'record', 'store', 'error']);
      for (const { event, quarantinedAt, store, error } of entries) {
        const record = `${event.operation} ${event.table} ${event.recordId ?? ''}`.trim();
        table.push([event.eventId, quarantinedAt, record, store, errorText(error)]);
      }
      await out.line(table.toString());
      await out.line(`${entries.length} quarantined record${entries.length === 1 ? '' : 's'}`);
    });
}

function exportCommand(): Command {
  return new Command('export')
    .description('writes the quarantined entries (event and error) as JSON Lines')
    .addOption(spoolOption())
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action(async (options: SpoolOptions & { output?: string }) => {
      const entries = await entriesIn(options.spool);
      const sink = options.output
        ? createWriteStream(options.output, { mode: 0o600 })
        : process.stdout;
      for (const entry of entries) {
        if (!sink.write(`${JSON.stringify(entry)}\n`)) await once(sink, 'drain');
      }
      if (options.output) {
        sink.end();
        await once(sink, 'finish');
        process.stderr.write(`${entries.length} entries written to ${options.output}\n`);
      }
    });
}

function retryCommand(): Command {
  return new Command('retry')
    .description(
      'writes the quarantined records to --store again (sealed into a chain of their own); those it takes leave the quarantine',
    )
    .addOption(spoolOption())
    .option('--stream <id>', 'the chain the retried records go to (default: a new one)')
    .action(async (options: SpoolOptions & { stream?: string }, command: Command) => {
      await requireDirectory(options.spool);
      await runWithStore(
        command,
        async ({ store, out }) => {
          const retry = new Retry(store, options.stream ?? `quarantine-retry-${defaultStreamId()}`);
          await retry.start();
          for (const file of await quarantineFiles(options.spool)) {
            await rewriteQuarantine(file, (entry) => retry.keep(entry));
          }
          await out.line(
            `${retry.written} record${retry.written === 1 ? '' : 's'} written to stream ${retry.stream}, ${retry.rejected.length} still rejected`,
          );
          for (const { eventId, message } of retry.rejected) out.note(`  ${eventId}: ${message}`);
          if (retry.rejected.length > 0) {
            throw new CliError(
              `${retry.rejected.length} records are still rejected by the store and stay in quarantine; fix the cause and retry`,
              EXIT.failure,
            );
          }
        },
        // Retried records go into an existing trail: written, never created.
        { access: 'write' },
      );
    });
}

/** Writes entries one at a time into a chain of their own; a transient failure stops the retry. */
class Retry {
  written = 0;
  readonly rejected: Array<{ eventId: string; message: string }> = [];
  private readonly sealer: ChainSealer;

  constructor(
    private readonly store: AuditStore,
    readonly stream: string,
  ) {
    this.sealer = new ChainSealer(stream);
  }

  async start(): Promise<void> {
    await this.store.init();
    const head = await this.store.streamHead(this.stream);
    this.sealer.resume(head ? { seq: head.lastSeq, hash: head.lastHash } : null);
  }

  /** True when the entry stays in quarantine. */
  async keep(entry: QuarantineEntry): Promise<boolean> {
    const before = this.sealer.current();
    const records = this.sealer.resealAfter(this.stream, before, [entry.event]);
    try {
      await this.store.append(records);
    } catch (error) {
      if (storeErrorKind(error) === 'transient') throw error;
      this.rejected.push({
        eventId: entry.event.eventId,
        message: errorText(describeStoreError(error)),
      });
      return true;
    }
    const [record] = records;
    this.sealer.rewind({ seq: record.seq, hash: record.hash });
    this.written += 1;
    return false;
  }
}

async function entriesIn(directory: string): Promise<QuarantineEntry[]> {
  await requireDirectory(directory);
  return readQuarantine(directory);
}

async function requireDirectory(directory: string): Promise<void> {
  const found = await stat(directory).catch(() => undefined);
  if (!found?.isDirectory()) {
    throw badInput(
      `spool directory "${directory}" does not exist; pass the processor's spool.directory (or AUDIT_SPOOL_DIR), by default ~/.local/state/otel-sequelize-audit/spool/<store name>`,
    );
  }
}

function outputOf(command: Command): Output {
  const options = command.optsWithGlobals<GlobalOptions>();
  return new Output(options.json === true, options.color !== false);
}

function errorText(error: { message: string; code?: string }): string {
  return error.code ? `${error.message} (${error.code})` : error.message;
}
