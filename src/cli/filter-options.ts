import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import type { ChangesQuery } from '../query/trail-types';
import type { AuditOperation } from '../types';
import { parseRecordKey } from './lookup';
import { OPERATIONS, parseMoment } from './parse-args';

/** The filter options shared by `changes`, `export` and `tail`. */
export interface FilterOptions {
  actor?: string;
  table?: string;
  id?: string;
  operation?: AuditOperation;
  trace?: string;
  since?: Date;
  until?: Date;
  meta?: Record<string, string>;
}

export function addFilterOptions(command: Command): Command {
  return command
    .option('--actor <id>', 'only changes by this actor id')
    .option('--table <name>', 'only changes to this table')
    .option('--id <recordId>', 'only changes to this row (with --table); JSON for composite keys')
    .addOption(
      new Option('--operation <operation>', 'only this kind of change').choices(OPERATIONS),
    )
    .option('--trace <traceId>', 'only changes made in this trace')
    .option('--since <date>', 'changes at or after this moment (ISO 8601, or 12h, 7d ago)', (v) =>
      parseMoment(v),
    )
    .option('--until <date>', 'changes before this moment', (v) => parseMoment(v))
    .option(
      '--meta <key=value>',
      'only changes whose metadata has this value (repeat for several keys: all must match)',
      collectMeta,
    );
}

/** Collects repeated `--meta key=value` options into one map. */
export function collectMeta(text: string, previous: Record<string, string> = {}) {
  const equals = text.indexOf('=');
  if (equals < 1) {
    throw new InvalidArgumentError(
      `"${text}" is not a metadata filter: use key=value, e.g. --meta ticket=OPS-12.`,
    );
  }
  return { ...previous, [text.slice(0, equals)]: text.slice(equals + 1) };
}

export function queryOf(options: FilterOptions): ChangesQuery {
  return {
    actor: options.actor,
    table: options.table,
    recordId: options.id === undefined ? undefined : parseRecordKey(options.id),
    operation: options.operation,
    traceId: options.trace,
    since: options.since,
    until: options.until,
    metadata: options.meta,
  };
}
