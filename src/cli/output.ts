import { once } from 'node:events';
import type { Writable } from 'node:stream';
import pc from 'picocolors';

/** The color functions of picocolors, identity functions when colors are off. */
export type Colors = ReturnType<typeof pc.createColors>;

/** Where a command writes: results to stdout, notes to stderr, colors when they are wanted. */
export class Output {
  readonly colors: Colors;

  constructor(
    readonly json: boolean,
    colorWanted: boolean,
    private readonly out: Writable = process.stdout,
    private readonly err: Writable = process.stderr,
  ) {
    this.colors = pc.createColors(colorWanted && !json && pc.isColorSupported);
  }

  /** Writes a line of the result, waiting when the reader is slower than we are. */
  async line(text: string): Promise<void> {
    if (!this.out.write(`${text}\n`)) await once(this.out, 'drain');
  }

  /** Writes the result as JSON (`--json`). */
  async jsonValue(value: unknown): Promise<void> {
    await this.line(JSON.stringify(value, null, 2));
  }

  /** A note for people (hints, summaries): stderr, so that stdout stays the result. */
  note(text: string): void {
    this.err.write(`${text}\n`);
  }
}
