import { Command, Option } from 'commander';
import { parseRetentionPairs } from '../../query/retention';
import type { PruneByRetentionResult } from '../../query/retention-prune';
import { badInput } from '../cli-error';
import { readInputFile } from '../integrity-files';
import { runWithStore } from '../context';
import { parseMoment } from '../parse-args';
import { createProgress } from '../progress';
import type { Output } from '../output';

interface PruneOptions {
  before?: Date;
  retention?: string[];
  dryRun?: boolean;
  signingKey?: string;
}

export function pruneCommand(): Command {
  return new Command('prune')
    .description(
      'removes records past their retention (or older than a date), never those under a legal hold, leaving a checkpoint per stream so the chains still verify',
    )
    .option(
      '--before <date>',
      'remove records of every table that occurred before this moment',
      (v) => parseMoment(v),
    )
    .addOption(
      new Option(
        '--retention <table=duration...>',
        'retention per table, e.g. sessions=90d orders=7y (h, d, w, m = 30 days, y = 365 days)',
      ).env('AUDIT_RETENTION'),
    )
    .option('--dry-run', 'only say what would be removed')
    .addOption(
      new Option(
        '--signing-key <file>',
        'private.pem: sign the prune checkpoints, so the rest stays provable',
      ).env('AUDIT_SIGNING_KEY_FILE'),
    )
    .action(async (options: PruneOptions, command: Command) => {
      let retention: Record<string, string>;
      try {
        const given = options.retention ?? [];
        retention = parseRetentionPairs(typeof given === 'string' ? [given] : given);
      } catch (error) {
        throw badInput(`--retention: ${(error as Error).message}`);
      }
      if (Object.keys(retention).length === 0 && !options.before) {
        throw badInput(
          'prune: say what may go: --retention table=duration (or AUDIT_RETENTION) and/or --before DATE',
        );
      }
      return runWithStore(
        command,
        async ({ trail, out, progress: wanted }) => {
          const signingKey = options.signingKey
            ? await readInputFile(options.signingKey, 'signing key file')
            : undefined;
          const progress = createProgress('prune', wanted);
          progress.start(1);
          const result = await trail
            .prune({ retention, before: options.before, dryRun: options.dryRun, signingKey })
            .finally(() => progress.stop());
          await report(out, result, Object.keys(retention).length > 0 ? undefined : options.before);
        },
        { access: options.dryRun ? 'read' : 'write' },
      );
    });
}

/** The report; `beforeOnly`: a plain `--before` prune, reported as it always was. */
async function report(
  out: Output,
  result: PruneByRetentionResult,
  beforeOnly: Date | undefined,
): Promise<void> {
  const verb = result.dryRun ? 'would remove' : 'removed';
  const count = result.dryRun ? result.removable : result.removed;
  if (beforeOnly) {
    const before = beforeOnly.toISOString();
    if (out.json) {
      return out.jsonValue(
        result.dryRun
          ? { before, wouldRemove: count, held: result.held }
          : { before, removed: count },
      );
    }
    await out.line(
      `${verb} ${count} records that occurred before ${before}${result.dryRun ? '' : '; each stream keeps a checkpoint at the cut'}`,
    );
  } else {
    if (out.json) return out.jsonValue(result);
    await out.line(
      `${verb} ${count} records${result.dryRun ? '' : '; each pruned stream keeps a checkpoint at the cut'}`,
    );
  }
  for (const stream of result.streams) {
    if (stream.removable === 0 && !stream.keptBecause) continue;
    await out.line(
      `  ${stream.stream}: ${stream.removable} through seq ${stream.cutSeq}${stream.keptBecause ? `; kept from there: ${stream.keptBecause}` : ''}`,
    );
  }
  if (result.held > 0) await out.line(`${result.held} expired records are kept by legal holds`);
  if (result.waiting > 0) {
    await out.line(
      `${result.waiting} expired records wait behind kept ones in their chains (a chain is only cut at its start)`,
    );
  }
}
