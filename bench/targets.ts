import { markdownTable } from './markdown-table';
import type { ConfigurationId } from './protocol';
import type { Clock, DialectFigures } from './aggregate';
import { addedOver } from './aggregate';
import { formatSigned } from './stats';

/**
 * The targets of the overhead issue, per workload, as µs added over SDK only:
 * ours with tracing adds at most half of what the official package adds, and ours with
 * tracing and audit adds no more than the official package does for tracing alone.
 * Each cell reads `wall time / CPU time`.
 */
export function targetsTable(figures: DialectFigures, workloads: string[]): string {
  const rows = workloads.map((workload) => {
    const added = (id: ConfigurationId, clock: Clock): number | undefined => {
      return addedOver(figures.get(id), figures.get('sdk'), workload, clock);
    };
    const cells = (clock: Clock): string[] => {
      const official = added('official', clock);
      const tracing = added('ours-tracing', clock);
      const audit = added('ours-audit', clock);
      return [
        shown(official),
        shown(tracing),
        verdict(tracing, official === undefined ? undefined : official / 2),
        shown(audit),
        verdict(audit, official),
      ];
    };
    const wall = cells('wall');
    const cpu = cells('cpu');
    return [workload, ...wall.map((cell, column) => `${cell} / ${cpu[column]}`)];
  });
  return markdownTable(
    [
      'workload',
      'official',
      'ours: tracing',
      'tracing ≤ ½ official',
      'ours: tracing+audit',
      'tracing+audit ≤ official',
    ],
    rows,
  );
}

function shown(micros: number | undefined): string {
  return micros === undefined ? 'n/a' : formatSigned(micros);
}

function verdict(value: number | undefined, limit: number | undefined): string {
  if (value === undefined || limit === undefined) return 'n/a';
  return value <= limit ? 'met' : 'missed';
}
