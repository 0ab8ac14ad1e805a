import type { QueryCall } from '../../sequelize/query-call';
import { transactionOfQuery } from '../../sequelize/query-call';
import { statementShape } from '../../sequelize/sql/statement-shape';
import type { AuditOperation } from '../../types';
import { dbSystemOf, namespaceOf } from '../../sequelize/db-system';
import type { CaptureContext } from './capture-context';
import { affectedRowsOfRawResult, sanitizedStatement } from './statement-summary';

/*
 * Raw writes: `sequelize.query('UPDATE ...')` and query-interface writes issued outside a
 * model call. Their rows are unknown to the ORM, so each gives one statement-level record
 * (`audit.granularity = statement`) with the sanitized statement and the affected row count.
 */

const OPERATION_BY_VERB: Readonly<Record<string, AuditOperation>> = {
  INSERT: 'insert',
  REPLACE: 'insert',
  UPDATE: 'update',
  DELETE: 'delete',
};

/**
 * Whether a query is a write of Sequelize's own model machinery (recorded per row by the
 * model capture): issued inside a model call with a query type other than RAW. A raw query
 * run by application code inside a model hook is still recorded.
 */
function isModelIssued(call: QueryCall): boolean {
  return call.modelCall !== undefined && (call.options.type ?? 'RAW') !== 'RAW';
}

/** A raw write statement: its audit operation and its table, or undefined for anything else. */
export interface RawWrite {
  readonly operation: AuditOperation;
  readonly table: string;
}

export function rawWriteOf(call: QueryCall): RawWrite | undefined {
  if (isModelIssued(call)) return undefined;
  const shape = statementShape(call);
  const operation = OPERATION_BY_VERB[shape.operation];
  return operation ? { operation, table: shape.collection ?? 'unknown' } : undefined;
}

/** Captures one raw write statement. */
export async function captureRawWrite(
  call: QueryCall,
  next: () => Promise<unknown>,
  capture: CaptureContext,
  write: RawWrite,
): Promise<unknown> {
  const transaction = transactionOfQuery(call);
  const result = await next();
  capture.recorder.recordStatement(
    {
      operation: write.operation,
      table: write.table,
      dbSystem: dbSystemOf(call.sequelize),
      namespace: namespaceOf(call.sequelize),
      statement: sanitizedStatement(call.sql, call.sequelize.getDialect()),
      affectedRows: affectedRowsOfRawResult(result),
    },
    transaction,
  );
  return result;
}
