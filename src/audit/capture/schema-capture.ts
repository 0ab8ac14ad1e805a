import { clsTransactionOf } from '../../sequelize/cls-transaction';
import { observeDownstream } from '../../sequelize/interceptor-chain';
import type { InterceptorErrorHandler } from '../../sequelize/interceptor-chain';
import type { SequelizeLike, TransactionLike } from '../../sequelize/internal-types';
import { isAuditStoreQuery, transactionOfQuery } from '../../sequelize/query-call';
import type { QueryCall } from '../../sequelize/query-call';
import { activeQueryInterfaceCall } from '../../sequelize/query-interface-call';
import type {
  QueryInterfaceCall,
  QueryInterfaceInterceptor,
} from '../../sequelize/query-interface-call';
import type { PendingAuditEvent } from '../record-builder';
import type { AuditRecorder } from '../recorder';
import { isAuditSuppressed } from '../suppression';
import { MigrationNames } from './schema-migration';
import { addEventMetadata, buildSchemaEvent } from './schema-records';
import type { SchemaChange } from './schema-records';
import { isSchemaStatement, schemaTableOf } from './schema-statements';
import { columnsOfCall, tableOfCall } from './schema-targets';
import { sanitizedStatement } from './statement-summary';
import { dialectOf } from '../../sequelize/sequelize-facts';

/*
 * Schema changes: one `schema` record per outermost query-interface DDL call (`sync`,
 * migrations and application code all go through it) holding every DDL statement the call
 * ran, and one per raw DDL statement sent outside such a call. Statements a DDL call runs are
 * never recorded as anything else (SQLite's table rebuild copies rows with an INSERT: that is
 * part of the schema change, not a raw write). A DDL call that fails records nothing.
 *
 * Transactions: on PostgreSQL and SQLite DDL is transactional, so its record is held with the
 * transaction's records and dropped on ROLLBACK; MySQL and MariaDB commit DDL at once
 * (implicit commit), so there it is recorded at once whatever the transaction does.
 */

/** Sequelize query types of data statements: never DDL, no need to read their text. */
const DATA_QUERY_TYPES: ReadonlySet<string> = new Set([
  'SELECT',
  'INSERT',
  'UPDATE',
  'BULKUPDATE',
  'BULKDELETE',
  'DELETE',
  'UPSERT',
]);

const IMPLICIT_COMMIT_DIALECTS: ReadonlySet<string> = new Set(['mysql', 'mariadb']);

/** The schema side of the audit: a query-interface interceptor and a statement hook. */
export class SchemaCapture {
  private readonly collectors = new WeakMap<QueryInterfaceCall, string[]>();
  private readonly migrations: MigrationNames;

  constructor(
    private readonly recorder: AuditRecorder,
    private readonly onError: InterceptorErrorHandler,
  ) {
    this.migrations = new MigrationNames((events) => this.recorder.emit(events));
  }

  /** The query-interface interceptor: collects the call's DDL, records it once it succeeded. */
  readonly interceptor: QueryInterfaceInterceptor = (call, next) => {
    if (call.parent || !this.recorder.settings.enabled || isAuditSuppressed()) return next();
    const statements: string[] = [];
    this.collectors.set(call, statements);
    return observeDownstream(
      next(),
      (_result, _error, failed) => {
        if (failed) this.migrations.releaseUnnamed(call.sequelize);
        if (failed || statements.length === 0) return;
        this.record(
          {
            sequelize: call.sequelize,
            table: tableOfCall(call) ?? schemaTableOf(statements[0]) ?? 'unknown',
            model: modelNameOf(call),
            statements,
            columns: columnsOfCall(call),
            change: call.method,
          },
          transactionOfCall(call),
        );
      },
      this.onError,
    );
  };

  /**
   * Called by the query interceptor with every statement: `collected` when the statement runs
   * inside a query-interface DDL call (recorded with it), `raw_ddl` for DDL sent on its own
   * (to run through `captureRawDdl`); either way it is not to be recorded as a raw write.
   */
  noteStatement(call: QueryCall): 'collected' | 'raw_ddl' | undefined {
    this.migrations.noteStatement(call);
    const root = rootOf(activeQueryInterfaceCall());
    const statements = root && this.collectors.get(root);
    if (statements) {
      if (isSchemaStatement(call.sql)) {
        statements.push(sanitizedStatement(call.sql, dialectOf(call.sequelize)));
      }
      return 'collected';
    }
    if (DATA_QUERY_TYPES.has(call.options.type ?? '') || isAuditStoreQuery(call.options)) {
      return undefined;
    }
    if (!isSchemaStatement(call.sql)) return undefined;
    return 'raw_ddl';
  }

  /** Runs a raw DDL statement and records it once it succeeded. */
  async captureRawDdl(call: QueryCall, next: () => Promise<unknown>): Promise<unknown> {
    const transaction = transactionOfQuery(call);
    const result = await next();
    const statement = sanitizedStatement(call.sql, dialectOf(call.sequelize));
    try {
      this.record(
        {
          sequelize: call.sequelize,
          table: schemaTableOf(call.sql) ?? call.options.tableNames?.[0] ?? 'unknown',
          statements: [statement],
          columns: [],
          change: 'sql',
        },
        transaction,
      );
    } catch (error) {
      this.onError(error);
    }
    return result;
  }

  private record(change: SchemaChange, transaction: TransactionLike | undefined): void {
    const implicitCommit = IMPLICIT_COMMIT_DIALECTS.has(dialectOf(change.sequelize));
    const heldBy = implicitCommit || transaction?.finished ? undefined : transaction;
    const origin = this.recorder.originNow(transaction);
    const events = this.recorder.admitted([buildSchemaEvent(change, origin)], origin);
    for (const { event } of events) addEventMetadata(event, { schema_change: change.change });
    this.dispatch(change.sequelize, events, heldBy);
  }

  private dispatch(
    sequelize: SequelizeLike,
    events: readonly PendingAuditEvent[],
    transaction: TransactionLike | undefined,
  ): void {
    if (events.length === 0) return;
    if (transaction) this.recorder.buffers.add(transaction, events);
    else this.migrations.dispatch(sequelize, events);
  }
}

function rootOf(call: QueryInterfaceCall | undefined): QueryInterfaceCall | undefined {
  let root = call;
  while (root?.parent) root = root.parent;
  return root;
}

/** The transaction of a query-interface call: its options' `transaction`, else the CLS one. */
function transactionOfCall(call: QueryInterfaceCall): TransactionLike | undefined {
  for (let index = call.args.length - 1; index >= 0; index -= 1) {
    const arg = call.args[index];
    if (arg !== null && typeof arg === 'object' && 'transaction' in arg) {
      const explicit = (arg as { transaction?: TransactionLike | null }).transaction;
      if (explicit !== undefined) return explicit ?? undefined;
    }
  }
  return clsTransactionOf(call.sequelize);
}

/** The model `sync` passes to `createTable` (its fourth argument), if any. */
function modelNameOf(call: QueryInterfaceCall): string | undefined {
  if (call.method !== 'createTable') return undefined;
  const model = call.args[3] as { name?: unknown } | undefined;
  return typeof model?.name === 'string' ? model.name : undefined;
}
