import { cancelTimeout, refTimeout, unrefTimeout } from './real-timers';

/** A store call that did not answer within its deadline (counted as a transient failure). */
export class StoreTimeoutError extends Error {
  readonly code = 'AUDIT_STORE_TIMEOUT';

  constructor(
    readonly what: string,
    readonly timeoutMs: number,
  ) {
    super(
      `${what} did not answer within ${timeoutMs} ms (storeTimeoutMillis); the records are kept and retried or spooled`,
    );
    this.name = 'StoreTimeoutError';
  }
}

/**
 * `promise`, or a `StoreTimeoutError` once `timeoutMs` have passed. The call itself cannot be
 * cancelled: whatever it does later is harmless because every store write is idempotent by
 * event id. The timer never keeps the process alive.
 */
export function withDeadline<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) return promise;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = unrefTimeout(() => reject(new StoreTimeoutError(what, timeoutMs)), timeoutMs);
  });
  return Promise.race([promise, expired]).finally(() => cancelTimeout(timer));
}

/**
 * Resolves `true` when `promise` settled within `timeoutMs`, `false` when time ran out first.
 * The timer keeps the process alive until then, so what is left can still be spooled.
 */
export async function settlesWithin(
  promise: Promise<unknown>,
  timeoutMs: number,
): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<boolean>((resolve) => {
    timer = refTimeout(() => resolve(false), Math.max(0, timeoutMs));
  });
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      expired,
    ]);
  } finally {
    cancelTimeout(timer);
  }
}
