/** A least-squares line through (operations, instructions) points: instructions per operation. */
export interface LineFit {
  /** Instructions per operation: the slope. */
  perOp: number;
  /** The smallest and largest slope between consecutive lengths: how much the figure moves. */
  low: number;
  high: number;
}

export function fitLine(points: ReadonlyArray<readonly [number, number]>): LineFit {
  if (points.length < 2) throw new Error('a line needs at least two run lengths');
  const n = points.length;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const [x, y] of points) {
    covariance += (x - meanX) * (y - meanY);
    variance += (x - meanX) ** 2;
  }
  const sorted = [...points].sort((a, b) => a[0] - b[0]);
  const slopes = sorted
    .slice(1)
    .map(([x, y], index) => (y - sorted[index][1]) / (x - sorted[index][0]));
  return { perOp: covariance / variance, low: Math.min(...slopes), high: Math.max(...slopes) };
}
