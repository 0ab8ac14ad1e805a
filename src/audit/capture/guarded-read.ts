import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { SequelizeLike, TransactionLike } from '../../sequelize/internal-types';
import { suppressAudit } from '../suppression';
import { dialectOf } from '../../sequelize/sequelize-facts';

/*
 * Every statement the audit side sends inside the application's transaction (pre-image reads,
 * reads back, table descriptions) runs so that its failure cannot poison that transaction. On
 * PostgreSQL a failed statement aborts the whole transaction ("current transaction is
 * aborted"), so there the read runs inside a SAVEPOINT that is rolled back to when it fails.
 * MySQL, MariaDB and SQLite roll back only the failed statement and need none. The caller of
 * `guardedRead` catches the error: it never reaches the application.
 */

/** Dialects on which a failed statement aborts the transaction it runs in. */
const ABORTS_TRANSACTION_ON_ERROR: ReadonlySet<string> = new Set(['postgres']);

let savepoints = 0;

/** Runs an audit read, unaudited, savepointed when it runs in a transaction that a failure would abort. */
export function guardedRead<T>(
  sequelize: SequelizeLike,
  transaction: TransactionLike | undefined,
  read: () => Promise<T>,
): Promise<T> {
  return context.with(suppressAudit(context.active()), () => {
    if (!transaction || !ABORTS_TRANSACTION_ON_ERROR.has(dialectOf(sequelize))) return read();
    return inSavepoint(sequelize, transaction, read);
  });
}

async function inSavepoint<T>(
  sequelize: SequelizeLike,
  transaction: TransactionLike,
  read: () => Promise<T>,
): Promise<T> {
  savepoints = (savepoints + 1) % Number.MAX_SAFE_INTEGER;
  const name = `otel_audit_read_${savepoints}`;
  await plumbing(sequelize, transaction, `SAVEPOINT ${name}`);
  let value: T;
  try {
    value = await read();
  } catch (error) {
    await plumbing(sequelize, transaction, `ROLLBACK TO SAVEPOINT ${name}`).catch(() => undefined);
    throw error;
  }
  await plumbing(sequelize, transaction, `RELEASE SAVEPOINT ${name}`);
  return value;
}

/** A savepoint statement: the package's own plumbing, kept out of traces. */
function plumbing(sequelize: SequelizeLike, transaction: TransactionLike, sql: string) {
  return context.with(suppressTracing(context.active()), () =>
    sequelize.query(sql, { transaction, logging: false, raw: true, type: 'RAW' }),
  );
}
