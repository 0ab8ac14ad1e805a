/*
 * Records still pending when the process ends are written (or spooled) first:
 * - the event loop empties (`beforeExit`): the flush's I/O keeps the process up until it is
 *   done or its deadline passes, then the process ends with the exit code it had;
 * - SIGINT, SIGTERM or SIGHUP arrives and the application has no listener of its own for it
 *   (Node would die at once): the flush runs within its deadline, then the same signal is
 *   raised again with our listeners gone, so the process dies by that signal as it would have.
 * With a listener of the application's, the application decides (it calls `shutdown()`).
 */

/** What the exit path needs from a processor. */
export interface ExitFlusher {
  /** Records queued, held or on their way to the store. */
  hasPending(): boolean;
  /** Writes what is pending; ends within the flusher's own deadline, spooling the rest. */
  flushForExit(): Promise<void>;
}

const OURS = Symbol.for('otel-sequelize-audit.exit-listener');
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
type MarkedListener = ((...args: unknown[]) => void) & { [OURS]?: true };

const flushers = new Set<ExitFlusher>();
/** Flushers whose exit flush left records behind: not tried again at the next `beforeExit`. */
const gaveUp = new WeakSet<ExitFlusher>();
let flushing: Promise<void> | undefined;
const signalListeners = new Map<NodeJS.Signals, MarkedListener>();
let beforeExitListener: MarkedListener | undefined;

/** Adds a flusher to the exit path; returns the function that takes it off. */
export function flushOnExit(flusher: ExitFlusher): () => void {
  flushers.add(flusher);
  install();
  return () => {
    flushers.delete(flusher);
    if (flushers.size === 0) uninstall();
  };
}

function install(): void {
  if (beforeExitListener) return;
  beforeExitListener = mark(() => onBeforeExit());
  process.on('beforeExit', beforeExitListener);
  for (const signal of SIGNALS) {
    const listener = mark(() => onSignal(signal));
    signalListeners.set(signal, listener);
    process.on(signal, listener);
  }
}

function uninstall(): void {
  if (beforeExitListener) process.removeListener('beforeExit', beforeExitListener);
  beforeExitListener = undefined;
  removeSignalListeners();
}

function removeSignalListeners(): void {
  for (const [signal, listener] of signalListeners) process.removeListener(signal, listener);
  signalListeners.clear();
}

function mark(fn: () => void): MarkedListener {
  const listener = fn as MarkedListener;
  listener[OURS] = true;
  return listener;
}

function flushAll(candidates: ExitFlusher[]): Promise<void> {
  flushing ??= Promise.all(
    candidates.map(async (flusher) => {
      await flusher.flushForExit().catch(() => undefined);
      if (flusher.hasPending()) gaveUp.add(flusher);
    }),
  ).then(() => {
    flushing = undefined;
  });
  return flushing;
}

function onBeforeExit(): void {
  const pending = [...flushers].filter((f) => !gaveUp.has(f) && f.hasPending());
  if (pending.length > 0) void flushAll(pending);
}

function onSignal(signal: NodeJS.Signals): void {
  // Listeners of the application (or of anything else but this package, in any copy).
  const others = process.listeners(signal).filter((l) => !(l as MarkedListener)[OURS]);
  if (others.length > 0) return;
  removeSignalListeners();
  const pending = [...flushers].filter((f) => f.hasPending());
  void flushAll(pending).finally(() => process.kill(process.pid, signal));
}
