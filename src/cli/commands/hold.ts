import { Command } from 'commander';
import { badInput } from '../cli-error';
import { runWithStore } from '../context';
import { parseMoment } from '../parse-args';

interface HoldCliOptions {
  table?: string;
  record?: string;
  until?: Date;
  reason?: string;
  actor?: string;
  list?: boolean;
}

export function holdCommand(): Command {
  return new Command('hold')
    .description(
      'puts the records of one row under a legal hold until a date (prune never removes them), or lists the holds',
    )
    .option('--table <table>', 'the audited table')
    .option('--record <id>', 'the record id (the primary key as text)')
    .option('--until <date>', 'end of the hold (ISO 8601)', (v) => parseMoment(v))
    .option('--reason <text>', 'why, e.g. the case number')
    .option('--actor <id>', 'who places the hold')
    .option('--list', 'list the holds instead')
    .action(async (options: HoldCliOptions, command: Command) =>
      runWithStore(
        command,
        async ({ trail, out }) => {
          if (options.list) {
            const holds = await trail.holds();
            if (out.json) return out.jsonValue(holds);
            if (holds.length === 0) return out.line('no legal holds');
            for (const h of holds) {
              await out.line(
                `${h.table}#${h.recordId} until ${h.until}${h.reason ? ` (${h.reason})` : ''}`,
              );
            }
            return;
          }
          if (!options.table || !options.record || !options.until) {
            throw badInput('hold: give --table, --record and --until (or --list)');
          }
          if (options.until.getTime() <= Date.now()) {
            throw badInput(`--until ${options.until.toISOString()} is not in the future`);
          }
          const hold = await trail.hold(options.table, options.record, options.until, {
            reason: options.reason,
            actor: options.actor,
          });
          if (out.json) return out.jsonValue(hold);
          await out.line(
            `held ${hold.table}#${hold.recordId} until ${hold.until}: prune keeps its records (and what follows them in their chains)`,
          );
        },
        { access: options.list ? 'read' : 'write' },
      ),
    );
}
