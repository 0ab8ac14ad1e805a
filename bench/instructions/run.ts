/*
 * npm run bench -- --instructions [--smoke]: instructions per operation, counted by valgrind.
 * See bench/README.md, "Instruction counts".
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { bundleForNode } from '../bundle';
import { describeEnvironment } from '../environment';
import { WORKLOADS } from '../workloads';
import type { InstructionConfiguration } from './protocol';
import { INSTRUCTION_CONFIGURATIONS } from './protocol';
import { renderInstructionReport } from './report';
import type { Series, SeriesPlan, SeriesRunner } from './series';
import { countSeries } from './series';

interface InstructionOptions {
  smoke: boolean;
  only: InstructionConfiguration[];
  workloads?: string[];
  lengths?: number[];
  warmUp?: number;
  output?: string;
  parallel: number;
  save?: string;
  merge?: string[];
}

/** Lengths of the light workloads; heavy ones (weight < 1) scale down, never below 250 apart. */
const FULL_LENGTHS = [2000, 4000, 6000];
/** Untimed calls of a light workload before each count (heavy ones fewer, by weight). */
const FULL_WARM_UP = 3000;
const SMOKE = {
  lengths: [10, 20],
  workloads: ['findByPk (10k rows)'],
  only: ['sdk', 'official', 'ours-audit'] as InstructionConfiguration[],
};

function numberList(value: string): number[] {
  const lengths = value.split(',').map(Number);
  if (lengths.length < 2 || lengths.some((length) => !Number.isInteger(length) || length < 1)) {
    throw new InvalidArgumentError(`"${value}" is not a list of two or more whole numbers.`);
  }
  return lengths;
}

function configurationList(value: string): InstructionConfiguration[] {
  const ids = value.split(',').map((id) => id.trim());
  const known = INSTRUCTION_CONFIGURATIONS as readonly string[];
  const unknown = ids.filter((id) => !known.includes(id));
  if (unknown.length > 0) {
    throw new InvalidArgumentError(
      `unknown configuration "${unknown.join(', ')}"; choose from ${known.join(', ')}.`,
    );
  }
  return ids as InstructionConfiguration[];
}

function workloadList(value: string): string[] {
  const names = value.split('|').map((name) => name.trim());
  const unknown = names.filter((name) => !WORKLOADS.some((workload) => workload.name === name));
  if (unknown.length > 0) {
    throw new InvalidArgumentError(
      `unknown workload "${unknown.join(', ')}"; choose from ${WORKLOADS.map((w) => `"${w.name}"`).join(', ')}.`,
    );
  }
  return names;
}

function parseOptions(argv: string[]): InstructionOptions {
  return new Command('bench --instructions')
    .allowUnknownOption(false)
    .option('--instructions', 'count instructions (this mode)')
    .option(
      '--smoke',
      'one workload, three configurations, tiny counts: checks that it runs',
      false,
    )
    .option(
      '--only <ids>',
      `configurations (${INSTRUCTION_CONFIGURATIONS.join(',')})`,
      configurationList,
      [...INSTRUCTION_CONFIGURATIONS],
    )
    .option('--workloads <names>', 'workloads by name, separated by |', workloadList)
    .option(
      '--lengths <n,n,...>',
      `timed operations per run of a light workload (default ${FULL_LENGTHS.join(',')})`,
      numberList,
    )
    .option(
      '--warm-up <n>',
      `untimed calls of a light workload before each count (default ${FULL_WARM_UP}; heavy ones scale by weight)`,
      (value: string) => {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 0)
          throw new InvalidArgumentError(`"${value}" is not a whole number ≥ 0.`);
        return n;
      },
    )
    .option('--output <file>', 'also write the report to this file')
    .option(
      '--parallel <n>',
      'count this many series at once (the counts do not depend on it; wall time does)',
      (value: string) => {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1)
          throw new InvalidArgumentError(`"${value}" is not a whole number ≥ 1.`);
        return n;
      },
      1,
    )
    .option('--save <file>', 'also write the fitted series as JSON (for --merge)')
    .option(
      '--merge <files>',
      'count nothing: render one report from series saved by --save (comma-separated files)',
      (value: string) => value.split(','),
    )
    .parse(argv)
    .opts<InstructionOptions>();
}

function lengthsOf(weight: number, base: readonly number[]): number[] {
  if (weight >= 1) return [...base];
  const step = Math.max(250, Math.round((base[1] - base[0]) * weight));
  return base.map((_, index) => Math.round(base[0] * weight) + index * step);
}

/**
 * The child compiled once to one JavaScript file (packages left external), so that valgrind
 * counts no TypeScript compiler. One file per runner: runs started side by side (or from
 * another checkout of the code) each count the code they were started with.
 */
function bundleChild(directory: string): string {
  const outfile = join(directory, `instructions-child-${process.pid}.js`);
  return bundleForNode(join(__dirname, 'child.ts'), outfile);
}

/** How every figure is made, under every report. */
const METHOD_NOTES = [
  'each figure is the slope of a least-squares line through the totals of runs that differ only in the number of timed operations (identical set-up and warm-up, node --predictable --expose-gc, full GC around the timed part); spread: the slopes between consecutive lengths',
  'batched work is held until after the timed operations (time-based flushing off); "call path" ends the process right after them, "background" is the batched work flushed then (export, audit persistence)',
];

/** Counts the plans, `parallel` at a time; the series come back in plan order. */
async function countInParallel(
  plans: readonly SeriesPlan[],
  runner: SeriesRunner,
  parallel: number,
  onSeries: (done: readonly Series[]) => void,
): Promise<Series[]> {
  const results: Series[] = new Array<Series>(plans.length);
  let nextIndex = 0;
  const worker = async (): Promise<void> => {
    while (nextIndex < plans.length) {
      const index = nextIndex++;
      results[index] = await countSeries(plans[index], runner);
      onSeries(results.filter((entry) => entry !== undefined));
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, plans.length) }, worker));
  return results;
}

/** The series of several saved runs, one report (a later file's series replaces an earlier one's). */
function mergeSaved(files: readonly string[]): Series[] {
  const byKey = new Map<string, Series>();
  for (const file of files) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { series: Series[] };
    for (const entry of saved.series)
      byKey.set(`${entry.workload}\u0000${entry.configuration}`, entry);
  }
  const order = (entry: Series) => INSTRUCTION_CONFIGURATIONS.indexOf(entry.configuration);
  const workloadOrder = (entry: Series) => WORKLOADS.findIndex((w) => w.name === entry.workload);
  return [...byKey.values()].sort(
    (a, b) => workloadOrder(a) - workloadOrder(b) || order(a) - order(b),
  );
}

export async function runInstructionBench(argv: string[]): Promise<number> {
  const options = parseOptions(argv);
  if (options.merge) {
    const report = renderInstructionReport(mergeSaved(options.merge), [
      ...describeEnvironment().map((line) => line.replace(/^- /, '')),
      `merged from ${options.merge.length} saved run(s) of the same commit: ${options.merge.join(', ')}`,
      ...METHOD_NOTES,
    ]);
    process.stdout.write(`${report}\n`);
    if (options.output) writeFileSync(options.output, `${report}\n`);
    return 0;
  }
  const smoke = options.smoke;
  const only = smoke && argv.every((arg) => arg !== '--only') ? SMOKE.only : options.only;
  const workloadNames =
    options.workloads ?? (smoke ? SMOKE.workloads : WORKLOADS.map((w) => w.name));
  const baseLengths = options.lengths ?? (smoke ? SMOKE.lengths : FULL_LENGTHS);
  const directory = join(__dirname, '..', '.tmp');
  mkdirSync(directory, { recursive: true });
  const runner: SeriesRunner = {
    script: bundleChild(directory),
    workDirectory: directory,
    timeoutMs: 60 * 60 * 1000,
    onRun: (job, instructions, seconds) =>
      process.stderr.write(
        `bench: ${job.workload} ${job.configuration} ${job.part} ×${job.operations}: ` +
          `${instructions.toLocaleString('en-US')} instructions in ${seconds.toFixed(1)} s\n`,
      ),
  };
  const plans: SeriesPlan[] = [];
  for (const name of workloadNames) {
    const workload = WORKLOADS.find((candidate) => candidate.name === name)!;
    const lengths = lengthsOf(workload.weight, baseLengths);
    // V8 still optimizes some twenty more functions between the 1,000th and the 3,000th call
    // (tens of millions of instructions each time): keep that out of every run alike.
    const warmUp = smoke
      ? 10
      : Math.max(250, Math.round((options.warmUp ?? FULL_WARM_UP) * Math.min(1, workload.weight)));
    for (const configuration of only) {
      plans.push({
        configuration,
        workload: name,
        warmUp,
        lengths,
        splitCallPath: configuration === 'ours-audit',
      });
    }
  }
  let series: Series[];
  try {
    // Saved after every series, so that a run stopped early keeps what it counted.
    const save = (done: readonly Series[]) => {
      if (options.save) {
        writeFileSync(
          options.save,
          `${JSON.stringify({ lengths: baseLengths, series: done }, null, 2)}\n`,
        );
      }
    };
    series = await countInParallel(plans, runner, options.parallel, save);
  } finally {
    rmSync(runner.script, { force: true });
  }
  const report = renderInstructionReport(series, [
    ...describeEnvironment().map((line) => line.replace(/^- /, '')),
    `${smoke ? 'smoke' : 'full'} run; run lengths ${baseLengths.join(', ')} timed operations (heavy workloads scaled by weight)`,
    ...METHOD_NOTES,
  ]);
  process.stdout.write(`${report}\n`);
  if (options.output) writeFileSync(options.output, `${report}\n`);
  return 0;
}
