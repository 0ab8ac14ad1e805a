import { Command } from 'commander';
import type { HistoryPoint, RowDiff, RowState } from '../../query/trail-types';
import { runWithStore } from '../context';
import type { CommandContext } from '../context';
import { requireRow } from '../lookup';
import { parsePoint } from '../parse-args';
import { createTable } from '../render/table';
import { formatValue, rowName } from '../render/values';

export function diffCommand(): Command {
  return new Command('diff')
    .description('field by field, what differs between two versions or moments of a row')
    .argument('<table>', 'table name')
    .argument('<id>', 'primary key; JSON for composite keys')
    .argument('<from>', 'a version number (1 = oldest) or a moment', parsePoint)
    .argument('<to>', 'a version number or a moment', parsePoint)
    .action(
      async (
        table: string,
        id: string,
        from: HistoryPoint,
        to: HistoryPoint,
        _options: object,
        command: Command,
      ) =>
        runWithStore(command, async (context) => {
          const recordId = await requireRow(context.store, table, id);
          await printDiff(await context.trail.diff(table, recordId, from, to), context);
        }),
    );
}

function describePoint(state: RowState): string {
  if (!state.version) return 'before its first version';
  return `version ${state.version.version} (${state.version.occurredAt}, ${state.status})`;
}

async function printDiff(diff: RowDiff, { out }: CommandContext): Promise<void> {
  if (out.json) return out.jsonValue(diff);
  const { colors } = out;
  const title = `${rowName(diff.table, diff.recordId)}: ${describePoint(diff.from)} → ${describePoint(diff.to)}`;
  await out.line(colors.bold(title));
  if (diff.changes.length === 0) return out.line('no differences');
  const table = createTable(['field', 'from', 'to']);
  for (const change of diff.changes) {
    table.push([
      change.field,
      colors.red(formatValue(change.from)),
      colors.green(formatValue(change.to)),
    ]);
  }
  await out.line(table.toString());
}
