/**
 * Expands the Grafana PostgreSQL macros a dashboard query uses, as Grafana does before sending
 * it, for a time range. Any other macro or variable fails, so a query never runs half-expanded.
 */
export function expandGrafanaMacros(
  sql: string,
  range: { from: Date; to: Date },
  interval = '5m',
): string {
  const from = `'${range.from.toISOString()}'`;
  const to = `'${range.to.toISOString()}'`;
  const expanded = sql
    .replace(/\$__interval\b/g, `'${interval}'`)
    .replace(
      /\$__timeFilter\(\s*([\w.]+)\s*\)/g,
      (_m, column: string) => `${column} BETWEEN ${from} AND ${to}`,
    )
    .replace(
      /\$__timeGroupAlias\(\s*([\w.]+)\s*,\s*'?(\d+)([smhd])'?\s*\)/g,
      (_m, column: string, n: string, unit: string) => {
        const seconds =
          Number(n) * { s: 1, m: 60, h: 3600, d: 86400 }[unit as 's' | 'm' | 'h' | 'd'];
        return `floor(extract(epoch from ${column})/${seconds})*${seconds} AS "time"`;
      },
    )
    .replace(/\$__timeFrom\(\)/g, from)
    .replace(/\$__timeTo\(\)/g, to);
  const left = /\$\{?\w+/.exec(expanded);
  if (left) throw new Error(`unexpanded macro or variable ${left[0]} in: ${sql}`);
  return expanded;
}
