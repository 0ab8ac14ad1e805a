import { Command, Option } from 'commander';
import type { RowState } from '../../query/trail-types';
import { runWithStore } from '../context';
import type { CommandContext } from '../context';
import { requireRow } from '../lookup';
import { parseMoment, parseVersion } from '../parse-args';
import { createTable } from '../render/table';
import { formatActor, formatTrace, formatValue, rowName } from '../render/values';

interface ShowOptions {
  at?: Date;
  version?: number;
  includeDeleted?: boolean;
}

export function showCommand(): Command {
  return new Command('show')
    .description('a row as it is now, or as it was at a moment or version')
    .argument('<table>', 'table name')
    .argument('<id>', 'primary key; JSON for composite keys')
    .addOption(
      new Option('--at <date>', 'the row as it was at this moment')
        .argParser((v) => parseMoment(v))
        .conflicts('version'),
    )
    .option('--version <n>', 'the row as this version left it (1 = oldest)', parseVersion)
    .option('--include-deleted', 'show the last values of a soft-deleted or deleted row')
    .action(async (table: string, id: string, options: ShowOptions, command: Command) =>
      runWithStore(command, async (context) => {
        const recordId = await requireRow(context.store, table, id);
        const point = options.version ?? options.at;
        const state = point
          ? await context.trail.stateAt(table, recordId, point)
          : await context.trail.current(table, recordId);
        await printState(state, options, context);
      }),
    );
}

async function printState(
  state: RowState,
  options: ShowOptions,
  { out, traceUrl }: CommandContext,
): Promise<void> {
  if (out.json) return out.jsonValue(state);
  const { version } = state;
  const when = options.at ? ` at ${options.at.toISOString()}` : '';
  const by = version
    ? ` (version ${version.version}, ${version.operation} by ${formatActor(version.actor)} at ${version.occurredAt}, trace ${formatTrace(version.traceId, traceUrl)})`
    : '';
  await out.line(
    `${out.colors.bold(rowName(state.table, state.recordId))}${when}: ${state.status}${by}`,
  );
  if (version?.metadata) {
    const pairs = Object.entries(version.metadata).map(([key, value]) => `${key}=${value}`);
    await out.line(`metadata: ${pairs.join(', ')}`);
  }
  const values = options.includeDeleted ? state.lastValues : state.row;
  if (!values) return;
  const changed = new Set(version?.changes.map((c) => c.field));
  const table = createTable(['field', 'value']);
  for (const [field, value] of Object.entries(values)) {
    const text = formatValue(value);
    table.push(
      changed.has(field) ? [out.colors.bold(field), out.colors.green(text)] : [field, text],
    );
  }
  await out.line(table.toString());
}
