/** Exponential backoff with full jitter: a random delay in [base/2, base], base = initial * 2^(attempt-1), capped. */
export function backoffDelay(attempt: number, initialDelayMs: number, maxDelayMs: number): number {
  const base = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.max(0, attempt - 1));
  return base / 2 + Math.random() * (base / 2);
}

export { sleep } from './real-timers';
