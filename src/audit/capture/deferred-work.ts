import * as timers from 'node:timers';

/*
 * Work moved off the application's call path: run in one batch on the next turn of the event
 * loop. The real `setImmediate`, taken when this module loads: an application's tests that
 * install fake timers (sinon, Jest) must not leave access records unbuilt.
 */
const realSetImmediate = timers.setImmediate;

/** A queue of jobs drained together on the next turn; one failing job never costs the others. */
export class DeferredWork {
  private jobs: Array<() => void> = [];
  private scheduled = false;

  constructor(private readonly onError: (error: unknown) => void) {}

  add(job: () => void): void {
    this.jobs.push(job);
    if (this.scheduled) return;
    this.scheduled = true;
    realSetImmediate(() => this.drain());
  }

  /** Runs every queued job now. */
  drain(): void {
    this.scheduled = false;
    const jobs = this.jobs;
    this.jobs = [];
    for (const job of jobs) {
      try {
        job();
      } catch (error) {
        this.onError(error);
      }
    }
  }
}
