/**
 * Somewhere outside the audit store that keeps a copy of every signed checkpoint, so that
 * deleting the newest records together with their checkpoints, restoring an older copy of the
 * store, or forking a stream is caught by comparing the two.
 */
export interface Witness {
  /** Where it is, for messages (without credentials). */
  readonly url: string;
  /** Keeps a signed checkpoint note of `stream`. */
  publish(stream: string, note: string): Promise<void>;
  /** The checkpoint notes it holds for `stream`, any order. */
  checkpoints(stream: string): Promise<string[]>;
  /** Streams it holds checkpoints of, when it can list them. */
  streams?(): Promise<string[]>;
  close?(): Promise<void>;
}
