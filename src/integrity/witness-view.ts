import type { KeyObject } from 'node:crypto';
import { openCheckpoint, readCheckpoint, streamOrigin } from './checkpoint-note';
import type { Witness } from './witness/witness';

/** What the witnesses hold of one stream: a root per tree size. */
export interface WitnessedStream {
  roots: Map<number, { root: Buffer; url: string }>;
  largest: number;
}

/** The witnesses' checkpoints of every stream they hold, read once before a verification. */
export class WitnessView {
  private readonly streams = new Map<string, WitnessedStream>();
  readonly counts = new Map<string, number>();

  private constructor(readonly witnesses: readonly Witness[]) {}

  /**
   * Reads every witness. A note that does not parse, is of another origin, or (with a public
   * key) is not signed by it is a failure of the witness copy, reported as such.
   */
  static async load(
    witnesses: readonly Witness[],
    streams: readonly string[],
    publicKey: KeyObject | undefined,
  ): Promise<WitnessView> {
    const view = new WitnessView(witnesses);
    for (const witness of witnesses) {
      const names = new Set([...streams, ...((await witness.streams?.()) ?? [])]);
      let count = 0;
      for (const stream of names) {
        for (const note of await witness.checkpoints(stream)) {
          const head = publicKey ? openCheckpoint(note, publicKey) : readCheckpoint(note);
          if (head.origin !== streamOrigin(stream)) {
            throw new Error(
              `witness ${witness.url} holds a checkpoint of "${head.origin}" under stream "${stream}"`,
            );
          }
          view.add(stream, head.size, head.root, witness.url);
          count += 1;
        }
      }
      view.counts.set(witness.url, count);
    }
    return view;
  }

  /** Streams the witnesses know. */
  streamNames(): string[] {
    return [...this.streams.keys()].sort();
  }

  of(stream: string): WitnessedStream | undefined {
    return this.streams.get(stream);
  }

  private add(stream: string, size: number, root: Buffer, url: string): void {
    let entry = this.streams.get(stream);
    if (!entry) {
      entry = { roots: new Map(), largest: 0 };
      this.streams.set(stream, entry);
    }
    const known = entry.roots.get(size);
    if (known && !known.root.equals(root)) {
      throw new Error(
        `fork: witnesses ${known.url} and ${url} hold two different roots for size ${size} of stream "${stream}"`,
      );
    }
    entry.roots.set(size, { root, url });
    entry.largest = Math.max(entry.largest, size);
  }
}
