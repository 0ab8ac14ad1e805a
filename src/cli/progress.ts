import { SingleBar, Presets } from 'cli-progress';

/** Progress of a long task: a bar on stderr when someone watches, nothing otherwise. */
export interface Progress {
  start(total: number): void;
  update(done: number): void;
  stop(): void;
}

const SILENT: Progress = { start() {}, update() {}, stop() {} };

/**
 * A progress bar on stderr. `wanted` undefined means: when stderr is a terminal. Forced on a
 * pipe (`--progress`), it prints a line now and then instead of redrawing.
 */
export function createProgress(label: string, wanted: boolean | undefined): Progress {
  const tty = process.stderr.isTTY === true;
  if (!(wanted ?? tty)) return SILENT;
  const bar = new SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total}`,
      stream: process.stderr,
      hideCursor: tty,
      noTTYOutput: !tty,
      notTTYSchedule: 1000,
      etaBuffer: 50,
    },
    Presets.shades_classic,
  );
  return {
    start: (total) => bar.start(total, 0),
    update: (done) => bar.update(done),
    stop: () => bar.stop(),
  };
}
