/*
 * The cost issue's instruction targets, checked against the counted series: each row says the
 * figure, the limit it must stay under and by how much it is met or missed.
 */
import { markdownTable } from '../markdown-table';
import { BULK_SIZE } from '../workloads';
import type { InstructionConfiguration } from './protocol';
import type { Series } from './series';

const SINGLE_STATEMENT = [
  'findByPk (10k rows)',
  'findAll where, limit 50',
  'create',
  'save, one changed field',
  'destroy (instance)',
];
const SINGLE_ROW_WRITES = ['create', 'save, one changed field', 'destroy (instance)'];
const BULK_UPDATE = `bulk update of ${BULK_SIZE} rows`;

type Figures = (
  configuration: InstructionConfiguration,
  part?: 'all' | 'call',
) => number | undefined;

interface Target {
  name: string;
  workloads: readonly string[];
  /** The figure and its limit, in instructions per operation (or per row). */
  measure(figure: Figures): { value: number; limit: number } | undefined;
}

const added = (figure: Figures, configuration: InstructionConfiguration, part?: 'all' | 'call') => {
  const value = figure(configuration, part);
  const sdk = figure('sdk');
  return value === undefined || sdk === undefined ? undefined : value - sdk;
};

/** Ours adds at most `factor` × what `reference` adds over SDK only. */
function addedAtMost(
  name: string,
  workloads: readonly string[],
  ours: InstructionConfiguration,
  factor: number,
  reference: InstructionConfiguration,
): Target {
  return {
    name,
    workloads,
    measure: (figure) => {
      const value = added(figure, ours);
      const limit = added(figure, reference);
      return value === undefined || limit === undefined
        ? undefined
        : { value, limit: factor * limit };
    },
  };
}

const TARGETS: readonly Target[] = [
  addedAtMost(
    'tracing (defaults) ≤ 0.8 × official',
    SINGLE_STATEMENT,
    'ours-tracing',
    0.8,
    'official',
  ),
  addedAtMost(
    'every span kind on ≤ 1.1 × floor2',
    SINGLE_STATEMENT,
    'ours-all-spans',
    1.1,
    'floor2',
  ),
  {
    name: 'audit on the call path, over our tracing ≤ 0.5 × official',
    workloads: SINGLE_ROW_WRITES,
    measure: (figure) => {
      const audit = figure('ours-audit', 'call');
      const tracing = figure('ours-tracing');
      const official = added(figure, 'official');
      return audit === undefined || tracing === undefined || official === undefined
        ? undefined
        : { value: audit - tracing, limit: 0.5 * official };
    },
  },
  {
    name: `audit per row, background included, over our tracing ≤ 0.25 × official per statement`,
    workloads: [BULK_UPDATE],
    measure: (figure) => {
      const audit = figure('ours-audit');
      const tracing = figure('ours-tracing');
      const official = added(figure, 'official');
      return audit === undefined || tracing === undefined || official === undefined
        ? undefined
        : { value: (audit - tracing) / BULK_SIZE, limit: 0.25 * official };
    },
  },
];

const thousands = (instructions: number): string =>
  `${instructions < 0 ? '−' : '+'}${Math.round(Math.abs(instructions) / 1000)} k`;

/** One row per target and workload that the series can answer; none when they answer none. */
export function instructionTargetsTable(series: readonly Series[]): string | undefined {
  const rows: string[][] = [];
  for (const target of TARGETS) {
    for (const workload of target.workloads) {
      const figure: Figures = (configuration, part = 'all') => {
        const entry = series.find(
          (candidate) =>
            candidate.workload === workload && candidate.configuration === configuration,
        );
        return part === 'call' ? entry?.call?.perOp : entry?.all.perOp;
      };
      const measured = target.measure(figure);
      if (!measured) continue;
      const { value, limit } = measured;
      const verdict =
        value <= limit
          ? 'met'
          : `missed by ${thousands(value - limit).slice(1)} (×${(value / limit).toFixed(2)} of the limit)`;
      rows.push([target.name, workload, thousands(value), thousands(limit), verdict]);
    }
  }
  if (rows.length === 0) return undefined;
  return markdownTable(['target', 'workload', 'measured', 'limit', 'verdict'], rows);
}
