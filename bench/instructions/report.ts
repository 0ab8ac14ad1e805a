import { markdownTable } from '../markdown-table';
import type { LineFit } from './fit';
import type { InstructionConfiguration } from './protocol';
import type { Series } from './series';
import { instructionTargetsTable } from './targets';

const LABELS: Record<InstructionConfiguration, string> = {
  sdk: 'SDK only',
  floor1: 'floor1 (1 bare span)',
  floor2: 'floor2 (2 bare spans)',
  official: 'official 0.15',
  'ours-tracing': 'ours: tracing (defaults)',
  'ours-one-span': 'ours: one span per statement',
  'ours-all-spans': "ours: every span kind on (ormSpans: 'all')",
  'ours-audit': 'ours: tracing + audit + processor',
};

const thousands = (instructions: number): string => `${Math.round(instructions / 1000)}`;
const signedThousands = (instructions: number): string =>
  `${instructions >= 0 ? '+' : '−'}${thousands(Math.abs(instructions))}`;
const spread = (fit: LineFit): string => `${thousands(fit.low)}–${thousands(fit.high)}`;

function workloadTable(series: readonly Series[]): string {
  const sdk = series.find((entry) => entry.configuration === 'sdk');
  const official = series.find((entry) => entry.configuration === 'official');
  const officialAdded = sdk && official ? official.all.perOp - sdk.all.perOp : undefined;
  const rows = series.map((entry) => {
    const added = sdk ? entry.all.perOp - sdk.all.perOp : undefined;
    const ratio =
      added !== undefined && officialAdded && entry.configuration !== 'sdk'
        ? `×${(added / officialAdded).toFixed(2)}`
        : '';
    const callPath = entry.call && sdk ? signedThousands(entry.call.perOp - sdk.all.perOp) : '';
    const background = entry.call ? signedThousands(entry.all.perOp - entry.call.perOp) : '';
    return [
      LABELS[entry.configuration],
      thousands(entry.all.perOp),
      spread(entry.all),
      added !== undefined && entry.configuration !== 'sdk' ? signedThousands(added) : '',
      ratio,
      callPath,
      background,
      entry.spansPerOp.toFixed(2),
    ];
  });
  return markdownTable(
    [
      'configuration',
      'k instr/op',
      'spread (k)',
      'added over SDK (k)',
      '× official added',
      'of it: call path (k)',
      'of it: background (k)',
      'spans/op',
    ],
    rows,
  );
}

export function renderInstructionReport(
  series: readonly Series[],
  notes: readonly string[],
): string {
  const workloads = [...new Set(series.map((entry) => entry.workload))];
  const sections = workloads.map(
    (workload) =>
      `### ${workload}\n\n${workloadTable(series.filter((entry) => entry.workload === workload))}`,
  );
  const targets = instructionTargetsTable(series);
  return [
    '## Instructions per operation (valgrind, SQLite in memory)',
    '',
    ...notes.map((note) => `- ${note}`),
    '',
    sections.join('\n\n'),
    ...(targets
      ? ['', '### Targets (instructions added per operation over SDK only)', '', targets]
      : []),
  ].join('\n');
}
