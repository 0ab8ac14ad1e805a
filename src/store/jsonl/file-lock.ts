import { hostname } from 'node:os';
import { open, rm, stat, utimes } from 'node:fs/promises';

/** Options of `withFileLock`. */
export interface FileLockOptions {
  /** A lock file not refreshed for this long is taken to be left by a dead process. @default 10000 */
  staleMillis?: number;
  /** Give up waiting after this long. @default 30000 */
  waitMillis?: number;
}

/*
 * An exclusive lock between processes (and between calls of one process) on a lock file
 * created with O_EXCL. Its holder refreshes the file's mtime while it works, so a lock left by
 * a process that died (in a container every life is PID 1, so no PID is trusted) is known by
 * its age alone. Written here rather than taken from npm: the well-known lock packages install
 * process signal handlers on load, which would change how the host application exits.
 */

const held = new Map<string, Promise<void>>();

/** Runs `fn` while holding the lock file `lockPath`; other holders wait. */
export async function withFileLock<T>(
  lockPath: string,
  fn: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  // Calls of this process queue up first, so only one of them competes for the file.
  const previous = held.get(lockPath) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  const chained = previous.then(() => mine);
  held.set(lockPath, chained);
  await previous;
  try {
    await acquire(lockPath, options);
    const refresh = setInterval(
      () => void utimes(lockPath, new Date(), new Date()).catch(() => undefined),
      Math.max(100, (options.staleMillis ?? 10_000) / 3),
    );
    refresh.unref();
    try {
      return await fn();
    } finally {
      clearInterval(refresh);
      await rm(lockPath, { force: true });
    }
  } finally {
    release();
    if (held.get(lockPath) === chained) held.delete(lockPath);
  }
}

async function acquire(lockPath: string, options: FileLockOptions): Promise<void> {
  const staleMillis = options.staleMillis ?? 10_000;
  const deadline = Date.now() + (options.waitMillis ?? 30_000);
  let pause = 5;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      await handle.write(JSON.stringify({ pid: process.pid, host: hostname(), at: Date.now() }));
      await handle.close();
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const info = await stat(lockPath).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > staleMillis) {
      await rm(lockPath, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `lock ${lockPath} is held by another process; try again later, or remove the file if no writer is running`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, pause));
    pause = Math.min(100, pause * 2);
  }
}
