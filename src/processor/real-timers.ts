import * as timers from 'node:timers';
import { performance } from 'node:perf_hooks';

/*
 * The timer functions and clocks of the process as they were when this module loaded. An
 * application's tests often replace the globals (sinon or Jest fake timers) and leave them
 * installed while the application writes; the writer must keep waking up and measuring real
 * time all the same, so it never looks the globals up again.
 */
const realSetTimeout = timers.setTimeout;
const realClearTimeout = timers.clearTimeout;
const realSetImmediate = timers.setImmediate;
const realPerformanceNow = performance.now.bind(performance);
const realDateNow = Date.now;
const loadedAtWall = realDateNow();
const loadedAtMonotonic = realPerformanceNow();

/** A real timer that does not keep the process alive. */
export function unrefTimeout(fn: () => void, ms: number): NodeJS.Timeout {
  const timer = realSetTimeout(fn, ms);
  timer.unref();
  return timer;
}

/** A real timer that keeps the process alive until it fires or is cleared. */
export function refTimeout(fn: () => void, ms: number): NodeJS.Timeout {
  return realSetTimeout(fn, ms);
}

export function cancelTimeout(timer: NodeJS.Timeout | undefined): void {
  if (timer) realClearTimeout(timer);
}

/** Resolves after the current macrotask turn (the real `setImmediate`). */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => realSetImmediate(resolve));
}

/** Real milliseconds since the epoch, moving even while `Date` is faked. */
export function realNow(): number {
  return loadedAtWall + (realPerformanceNow() - loadedAtMonotonic);
}

/** A real delay that does not keep the process alive. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => unrefTimeout(resolve, ms));
}
