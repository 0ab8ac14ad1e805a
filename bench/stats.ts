/** Median, minimum and maximum of one figure over the rounds of a run. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spreadOf(values: readonly number[]): Spread {
  if (values.length === 0) throw new Error('spreadOf needs at least one value');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

/** Microseconds with the precision that still means something on a noisy machine. */
export function formatMicros(micros: number): string {
  const digits = Math.abs(micros) >= 100 ? 0 : 1;
  return micros.toFixed(digits);
}

export function formatSigned(micros: number): string {
  return `${micros >= 0 ? '+' : '−'}${formatMicros(Math.abs(micros))}`;
}

export function formatRange(spread: Spread): string {
  return `${formatMicros(spread.min)}–${formatMicros(spread.max)}`;
}

export function formatMegabytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(0);
}
