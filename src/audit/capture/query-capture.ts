import { isAuditStoreQuery } from '../../sequelize/query-call';
import type { QueryInterceptor } from '../../sequelize/query-call';
import type { AuditRecorder } from '../recorder';
import { noteStatementSpan } from '../statement-span';
import { isAuditSuppressed } from '../suppression';
import { captureRawWrite, rawWriteOf } from './raw-capture';
import type { SchemaCapture } from './schema-capture';
import { noteWrittenValues } from './written-values';

/**
 * The query interceptor of the audit side: statement-level records of raw writes, schema
 * records of DDL, and the values a captured `Model.update` writes, read off its UPDATE
 * statement.
 */
export function createQueryInterceptor(
  recorder: AuditRecorder,
  schema: SchemaCapture,
): QueryInterceptor {
  const capture = { recorder };
  return (call, next) => {
    const settings = recorder.settings;
    if (!settings.enabled || isAuditSuppressed()) return next();
    if (call.modelCall !== undefined) {
      noteWrittenValues(call);
      noteStatementSpan(call.modelCall);
    }
    const schemaPart = schema.noteStatement(call);
    if (schemaPart === 'collected') return next();
    if (schemaPart === 'raw_ddl') return schema.captureRawDdl(call, next);
    if (!settings.rawQueries || isAuditStoreQuery(call.options)) return next();
    const write = rawWriteOf(call);
    if (!write) return next();
    return captureRawWrite(call, next, capture, write);
  };
}
