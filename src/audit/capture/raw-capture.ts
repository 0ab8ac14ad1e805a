import type { QueryCall } from '../../sequelize/query-call';
import { transactionOfQuery } from '../../sequelize/query-call';
import { rawWriteShape } from '../../sequelize/sql/statement-shape';
import type { AuditOperation } from '../../types';
import { dbSystemOf, namespaceOf } from '../../sequelize/db-system';
import type { CaptureContext } from './capture-context';
import { affectedRowsOfRawResult, sanitizedStatement } from './statement-summary';
import { dialectOf } from '../../sequelize/sequelize-facts';

/*
 * Raw writes: `sequelize.query('UPDATE ...')` and query-interface writes issued outside a
 * model call. Their rows are unknown to the ORM, so each gives one statement-level record
 * (`audit.granularity = statement`) with the sanitized statement and the affected row count.
 */

const OPERATION_BY_VERB: Readonly<Record<string, AuditOperation>> = {
  INSERT: 'insert',
  UPDATE: 'update',
  DELETE: 'delete',
  UNKNOWN: 'unknown',
};

/**
 * Whether a query is a write of Sequelize's own model machinery (recorded per row by the
 * model capture): a query type other than RAW, issued inside a model call, or carrying the
 * model or instance that Sequelize passes with its own statements (this also holds without a
 * context manager, where the model call is not visible here). A raw query run by application
 * code inside a model hook is still recorded.
 */
function isModelIssued(call: QueryCall): boolean {
  if ((call.options.type ?? 'RAW') === 'RAW') return false;
  return (
    call.modelCall !== undefined ||
    call.options.instance !== undefined ||
    call.options.model !== undefined
  );
}

/** A raw write statement: its audit operation and its table, or undefined for anything else. */
export interface RawWrite {
  readonly operation: AuditOperation;
  readonly table: string;
}

/**
 * The raw write a query is, from its text (not its query type: `UPDATE ... RETURNING` run as
 * a SELECT is an update): led by a write verb, a `WITH` that writes, `MERGE`, `CALL`/`EXEC`,
 * or several statements in one string of which one writes. `unknown` where the text does not
 * tell which kind of write.
 */
export function rawWriteOf(call: QueryCall): RawWrite | undefined {
  if (isModelIssued(call)) return undefined;
  const shape = rawWriteShape(call.sql);
  if (!shape) return undefined;
  return {
    operation: OPERATION_BY_VERB[shape.verb],
    table: shape.table ?? call.options.tableNames?.[0] ?? 'unknown',
  };
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
  const change = {
    operation: write.operation,
    table: write.table,
    dbSystem: dbSystemOf(call.sequelize),
    namespace: namespaceOf(call.sequelize),
    statement: sanitizedStatement(call.sql, dialectOf(call.sequelize)),
    // A write run as a SELECT (`UPDATE ... RETURNING`) gives back its rows, one per changed row.
    affectedRows:
      call.options.type === 'SELECT' && Array.isArray(result)
        ? result.length
        : affectedRowsOfRawResult(result),
  };
  if (write.operation === 'unknown') {
    capture.recorder.recordFallback(change, 'unrecognized_write', transaction);
  } else {
    capture.recorder.recordStatement(change, transaction);
  }
  return result;
}
