import { Command, Option } from 'commander';
import { signPruneCheckpoints } from '../../integrity/signed-prune';
import { readInputFile } from '../integrity-files';
import { runWithStore } from '../context';
import { parseMoment } from '../parse-args';
import { createProgress } from '../progress';

interface PruneOptions {
  before: Date;
  dryRun?: boolean;
  signingKey?: string;
}

export function pruneCommand(): Command {
  return new Command('prune')
    .description(
      'removes records older than a date, leaving a checkpoint per stream so the chains still verify',
    )
    .requiredOption('--before <date>', 'remove records that occurred before this moment', (v) =>
      parseMoment(v),
    )
    .option('--dry-run', 'only count what would be removed')
    .addOption(
      new Option(
        '--signing-key <file>',
        'private.pem: sign the prune checkpoints, so the rest stays provable',
      ).env('AUDIT_SIGNING_KEY_FILE'),
    )
    .action(async (options: PruneOptions, command: Command) =>
      runWithStore(
        command,
        async ({ store, out, progress: wanted }) => {
          const before = options.before.toISOString();
          const due = await store.count({ until: options.before });
          if (options.dryRun) {
            if (out.json) return out.jsonValue({ before, wouldRemove: due });
            return out.line(`would remove ${due} records that occurred before ${before}`);
          }
          if (options.signingKey) {
            const key = await readInputFile(options.signingKey, 'signing key file');
            await signPruneCheckpoints(store, options.before, key);
          }
          const progress = createProgress('prune', wanted);
          progress.start(due);
          const removed = await store
            .prune(options.before)
            .then((result) => {
              progress.update(result.removed);
              return result.removed;
            })
            .finally(() => progress.stop());
          if (out.json) return out.jsonValue({ before, removed });
          await out.line(
            `removed ${removed} records that occurred before ${before}; each stream keeps a checkpoint at the cut`,
          );
        },
        { access: 'write' },
      ),
    );
}
