import { Command } from 'commander';
import { runWithStore } from '../context';
import { requireRow } from '../lookup';
import { createTable } from '../render/table';
import { formatActor, formatTrace, formatValue, rowName } from '../render/values';

export function whoChangedCommand(): Command {
  return new Command('who-changed')
    .description('each change of one field of a row, with who made it, when and why')
    .argument('<table>', 'table name')
    .argument('<id>', 'primary key; JSON for composite keys')
    .argument('<field>', 'field (column attribute) name')
    .action(async (table: string, id: string, field: string, _options: object, command: Command) =>
      runWithStore(command, async ({ store, trail, out, traceUrl }) => {
        const recordId = await requireRow(store, table, id);
        const events = await trail.whoChanged(table, recordId, field);
        if (out.json) return out.jsonValue(events);
        if (events.length === 0) {
          return out.line(`${rowName(table, recordId)}: no recorded change of "${field}"`);
        }
        const rows = createTable(['version', 'time', 'actor', 'from', 'to', 'reason', 'trace']);
        for (const e of events) {
          rows.push([
            String(e.version),
            e.occurredAt,
            formatActor(e.actor),
            out.colors.red(formatValue(e.from)),
            out.colors.green(formatValue(e.to)),
            e.reason ?? '—',
            formatTrace(e.traceId, traceUrl),
          ]);
        }
        await out.line(out.colors.bold(`${rowName(table, recordId)}.${field}`));
        await out.line(rows.toString());
      }),
    );
}
