import { diag } from '@opentelemetry/api';

/*
 * Whether a journal's writer is alive is told by an OS lock on the journal file (Linux: an
 * open-file-description lock, fcntl F_OFD_SETLK; macOS/BSD: flock; Windows: LockFileEx),
 * taken through the `fs-native-extensions` addon. The kernel drops the lock when its holder
 * dies, whatever its PID: a restarted container (PID 1 in every life) takes over the journal
 * of its predecessor, and a journal whose writer still runs is never replayed twice.
 */
interface LockBinding {
  tryLock(fd: number, options?: { shared?: boolean }): boolean;
  waitForLock(fd: number, options?: { shared?: boolean }): Promise<void>;
  unlock(fd: number): void;
}

let binding: LockBinding | null | undefined;

function lockBinding(): LockBinding | null {
  if (binding !== undefined) return binding;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    binding = require('fs-native-extensions') as LockBinding;
  } catch (error) {
    binding = null;
    diag.warn(
      'otel-sequelize-audit: file locks are not available on this platform (fs-native-extensions did not load); spool journals of other processes are never adopted',
      error,
    );
  }
  return binding;
}

/**
 * Takes the exclusive lock of the open file `fd` without waiting: true when this process now
 * holds it, false when another live process does. Without lock support: true for its own
 * journal (`own`), false for another's (never adopt what may be alive).
 */
export function tryLockFile(fd: number, own: boolean): boolean {
  const locks = lockBinding();
  if (!locks) return own;
  return locks.tryLock(fd);
}

/** Waits for the lock of `fd`: shared for a reader (a descriptor open read-only), else exclusive. No-op without lock support. */
export async function lockFileWaiting(fd: number, shared = false): Promise<void> {
  await lockBinding()?.waitForLock(fd, { shared });
}

export function unlockFile(fd: number): void {
  try {
    lockBinding()?.unlock(fd);
  } catch {
    // closing the descriptor releases the lock anyway
  }
}
