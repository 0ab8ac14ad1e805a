import type { Clock, ConfigurationFigures, DialectFigures } from './aggregate';
import { addedOver, aggregate, ratioTo } from './aggregate';
import { CONFIGURATIONS, isPlain } from './configurations';
import { markdownTable } from './markdown-table';
import type { BareSpanCost, BenchDialect, ChildResult, ConfigurationId } from './protocol';
import type { Spread } from './stats';
import { formatMegabytes, formatMicros, formatRange, formatSigned, spreadOf } from './stats';
import { targetsTable } from './targets';

export interface ReportInput {
  environment: string[];
  notes: string[];
  dialects: BenchDialect[];
  configurations: ConfigurationId[];
  workloads: string[];
  results: ChildResult[];
}

const DIALECT_TITLES: Record<BenchDialect, string> = {
  sqlite: 'SQLite in memory',
  postgres: 'PostgreSQL (loopback)',
};

export function renderReport(input: ReportInput): string {
  const sections = ['# Sequelize overhead: side by side with a baseline in the same run', ''];
  sections.push(...input.environment, ...input.notes.map((note) => `- ${note}`), '');
  sections.push(legend(input.configurations), '');
  const bareSpans: BareSpanCost[] = [];
  for (const dialect of input.dialects) {
    const figures: DialectFigures = new Map(
      input.configurations.map((id) => [id, aggregate(input.results, dialect, id)]),
    );
    sections.push(...dialectSection(dialect, figures, input.workloads));
    const sdk = figures.get('sdk');
    if (sdk?.status === 'ok') bareSpans.push(...sdk.bareSpans);
  }
  sections.push('## One bare span', '', bareSpanLine(bareSpans), '');
  return sections.join('\n');
}

function legend(configurations: ConfigurationId[]): string {
  return configurations
    .map((id) => `- **${CONFIGURATIONS[id].label}**: ${CONFIGURATIONS[id].description}`)
    .join('\n');
}

function dialectSection(
  dialect: BenchDialect,
  figures: DialectFigures,
  workloads: string[],
): string[] {
  const title = DIALECT_TITLES[dialect];
  return [
    `## ${title}: µs per operation, median over rounds`,
    '',
    READING_GUIDE,
    '',
    markdownTable(
      [
        'workload',
        'configuration',
        'µs/op',
        'min–max',
        '× plain',
        'µs vs plain',
        'µs vs SDK',
        'CPU µs/op',
        'CPU vs SDK',
        'spans/op',
      ],
      workloads.flatMap((workload) => timeRows(workload, figures)),
    ),
    '',
    ...notRunLines(figures),
    noiseLine(figures, workloads),
    '',
    `### ${title}: targets (µs added per operation over SDK only)`,
    '',
    'Each cell: wall time / CPU time of the application process.',
    '',
    targetsTable(figures, workloads),
    '',
    `### ${title}: memory`,
    '',
    memoryTable(figures),
    '',
  ];
}

const READING_GUIDE =
  'µs/op: wall time per operation, the median over the rounds (each round: the median of ' +
  '5 chunk means), min–max over the rounds. CPU: CPU time of the application process per ' +
  'operation, measured the same way (the database server is not in it). × plain, vs plain, ' +
  'vs SDK: compared with plain or SDK only within each round (the children of a round run ' +
  'back to back), then the median over the rounds; vs SDK is what the instrumentation adds. ' +
  'spans/op: spans ended per operation.';

function timeRows(workload: string, figures: DialectFigures): string[][] {
  const plain = figures.get('plain');
  const sdk = figures.get('sdk');
  return [...figures].map(([id, figure]) => {
    const label = CONFIGURATIONS[id].label;
    if (figure.status !== 'ok') return [workload, label, `${figure.status} (see below)`];
    const spread = figure.micros.get(workload);
    const cpu = figure.cpuMicros.get(workload);
    if (!spread || !cpu) return [workload, label, 'not measured'];
    const added = (reference: ConfigurationFigures | undefined, clock?: Clock): string => {
      const micros = addedOver(figure, reference, workload, clock);
      return micros === undefined ? '' : formatSigned(micros);
    };
    const ratio = ratioTo(figure, plain, workload);
    return [
      workload,
      label,
      formatMicros(spread.median),
      formatRange(spread),
      ratio === undefined ? '' : `×${ratio.toFixed(2)}`,
      added(plain),
      isPlain(id) ? '' : added(sdk),
      formatMicros(cpu.median),
      isPlain(id) ? '' : added(sdk, 'cpu'),
      isPlain(id) ? '0' : spansCell(figure.spansPerOp.get(workload)),
    ];
  });
}

function spansCell(spans: { all: number; audit: number } | undefined): string {
  if (!spans) return '';
  const audit = spans.audit > 0 ? ` (${spans.audit.toFixed(1)} audit)` : '';
  return `${spans.all.toFixed(1)}${audit}`;
}

/** Why a configuration has no figures, once per configuration rather than in every row. */
function notRunLines(figures: DialectFigures): string[] {
  const lines = [...figures].flatMap(([id, figure]) => {
    const label = CONFIGURATIONS[id].label;
    if (figure.status !== 'ok')
      return [`- ${label}: ${figure.status}: ${firstLine(figure.reason)}`];
    if (figure.missedRounds === 0) return [];
    const total = figure.rounds + figure.missedRounds;
    return [
      `- ${label}: figures from ${figure.rounds} of ${total} rounds; ` +
        `the first missed one: ${firstLine(figure.missedReason ?? '')}`,
    ];
  });
  return lines.length === 0 ? [] : ['Missing figures:', '', ...lines, ''];
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0];
}

/** How far the A/A control lands from plain: what a difference must exceed to mean something. */
function noiseLine(figures: DialectFigures, workloads: string[]): string {
  const deviation = (clock: Clock): string => {
    const deviations = workloads.flatMap((workload) => {
      const ratio = ratioTo(figures.get('plain-aa'), figures.get('plain'), workload, clock);
      return ratio === undefined ? [] : [Math.abs(ratio - 1) * 100];
    });
    if (deviations.length === 0) return 'n/a';
    const spread = spreadOf(deviations);
    return `median ${spread.median.toFixed(1)} %, largest ${spread.max.toFixed(1)} %`;
  };
  if (!figures.has('plain') || !figures.has('plain-aa')) {
    return 'Noise floor: no A/A control in this run.';
  }
  return (
    `Noise floor (A/A control against plain, over the workloads): wall time ${deviation('wall')}; ` +
    `CPU time ${deviation('cpu')}.`
  );
}

function memoryTable(figures: DialectFigures): string {
  const rows = [...figures].map(([id, figure]) =>
    figure.status === 'ok'
      ? [
          CONFIGURATIONS[id].label,
          formatMegabytes(figure.peakRssBytes),
          formatMegabytes(figure.peakHeapBytes),
        ]
      : [CONFIGURATIONS[id].label, figure.status, ''],
  );
  return markdownTable(['configuration', 'peak RSS MiB', 'peak heap MiB (after a workload)'], rows);
}

function bareSpanLine(costs: BareSpanCost[]): string {
  if (costs.length === 0) return 'Not measured (the SDK-only configuration did not run).';
  const shown = (spread: Spread): string =>
    `**${spread.median.toFixed(2)} µs** (${spread.min.toFixed(2)}–${spread.max.toFixed(2)})`;
  return (
    'Started and ended without attributes, through a BatchSpanProcessor into a discarding ' +
    `exporter: ${shown(spreadOf(costs.map((cost) => cost.wallMicros)))} of wall time and ` +
    `${shown(spreadOf(costs.map((cost) => cost.cpuMicros)))} of CPU time per span, median ` +
    `over ${costs.length} measurements. The floor that any one-span-per-query design pays ` +
    'per statement.'
  );
}
