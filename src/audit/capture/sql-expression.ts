import { isSequelizeSqlExpression } from '../../sequelize/sequelize-facts';
import type { RawRow } from '../row-diff';

/**
 * Whether a value is a Sequelize SQL expression (`literal`, `fn`, `col`, `cast`, ...): its
 * stored result is only known by reading the row back.
 */
export function isSqlExpression(value: unknown): boolean {
  return isSequelizeSqlExpression(value);
}

/** Whether any value of the row is a SQL expression. */
export function hasSqlExpression(row: RawRow): boolean {
  return Object.values(row).some(isSqlExpression);
}
