import { Command } from 'commander';
import { runWithStore } from '../context';
import { requireRow } from '../lookup';
import { parseVersion } from '../parse-args';
import { createTable } from '../render/table';
import { formatValue, rowName } from '../render/values';

export function revertCommand(): Command {
  return new Command('revert')
    .description(
      'the values to write to bring a row back to a version (prints them; writes nothing)',
    )
    .argument('<table>', 'table name')
    .argument('<id>', 'primary key; JSON for composite keys')
    .argument('<version>', 'the version to go back to (1 = oldest)', parseVersion)
    .action(
      async (table: string, id: string, version: number, _options: object, command: Command) =>
        runWithStore(command, async ({ store, trail, out }) => {
          const recordId = await requireRow(store, table, id);
          const plan = await trail.revert(table, recordId, version);
          if (out.json) return out.jsonValue(plan);
          await out.line(
            `${out.colors.bold(rowName(table, recordId))} back to version ${version}: ${out.colors.bold(plan.action)}`,
          );
          const fields = Object.entries(plan.values);
          if (fields.length > 0) {
            const rows = createTable(['field', 'value to write']);
            for (const [field, value] of fields)
              rows.push([field, out.colors.green(formatValue(value))]);
            await out.line(rows.toString());
          }
          if (plan.unrecoverableFields.length > 0) {
            out.note(
              `redacted in the trail, cannot be restored: ${plan.unrecoverableFields.join(', ')}`,
            );
          }
        }),
    );
}
