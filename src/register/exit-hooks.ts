/** The signals the one-flag start flushes on. */
export const SHUTDOWN_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/** What to run once on the way out, and how long it may take. */
export interface ExitHookOptions {
  shutdown: () => Promise<void>;
  timeoutMs: number;
  /** Called when the shutdown failed or ran out of time. */
  onProblem: (message: string) => void;
}

/**
 * Runs `shutdown` once, on SIGTERM, SIGINT or `beforeExit`, and at most for `timeoutMs`.
 *
 * None of this keeps a process alive: listeners and the deadline timer (unref'd) hold no
 * handle. On a signal, once the shutdown is done, the signal is raised again when the
 * application has no listener of its own for it, so the process ends as it would have
 * without us (an Express server included); when it has one, ending is left to it.
 *
 * @returns a function that removes the hooks
 */
export function installExitHooks(options: ExitHookOptions): () => void {
  let running: Promise<Ending> | undefined;
  const runOnce = (): Promise<Ending> => {
    running ??= withDeadline(options);
    return running;
  };

  const onSignal = (signal: NodeJS.Signals): void => {
    void runOnce().then(() => {
      remove();
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  };
  const onBeforeExit = (): void => {
    if (running) return;
    // Past the deadline, whatever still holds the event loop (a hung export) is let go.
    void runOnce().then((ending) => {
      if (ending === 'timed-out') process.exit();
    });
  };

  for (const signal of SHUTDOWN_SIGNALS) process.on(signal, onSignal);
  process.on('beforeExit', onBeforeExit);
  const remove = (): void => {
    for (const signal of SHUTDOWN_SIGNALS) process.off(signal, onSignal);
    process.off('beforeExit', onBeforeExit);
  };
  return remove;
}

type Ending = 'finished' | 'timed-out';

function withDeadline({ shutdown, timeoutMs, onProblem }: ExitHookOptions): Promise<Ending> {
  return new Promise<Ending>((resolve) => {
    const timer = setTimeout(() => {
      onProblem(
        `shutdown did not finish within ${timeoutMs} ms (AUDIT_SHUTDOWN_TIMEOUT_MS); exiting anyway`,
      );
      resolve('timed-out');
    }, timeoutMs);
    timer.unref();
    shutdown().then(
      () => {
        clearTimeout(timer);
        resolve('finished');
      },
      (error: unknown) => {
        clearTimeout(timer);
        onProblem(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
        resolve('finished');
      },
    );
  });
}
