import type { RawRow } from '../row-diff';

/**
 * Whether a value is a Sequelize SQL expression (`literal`, `fn`, `col`, `cast`, ...): its
 * stored result is only known by reading the row back.
 */
export function isSqlExpression(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  for (let proto = Object.getPrototypeOf(value); proto; proto = Object.getPrototypeOf(proto)) {
    if ((proto as { constructor?: { name?: string } }).constructor?.name === 'SequelizeMethod') {
      return true;
    }
  }
  return false;
}

/** Whether any value of the row is a SQL expression. */
export function hasSqlExpression(row: RawRow): boolean {
  return Object.values(row).some(isSqlExpression);
}
