import type { SequelizeLike } from '../../sequelize/internal-types';
import { dbSystemOf, namespaceOf } from '../../sequelize/db-system';
import type { AuditEvent } from '../../types';
import { boundedText, KEY_COLUMN_CHARS } from '../bounded-text';
import { buildStatementEvent } from '../record-builder';
import type { CaptureOrigin, PendingAuditEvent } from '../record-builder';

/** What one schema change was: where, which statements, which columns, through what. */
export interface SchemaChange {
  readonly sequelize: SequelizeLike;
  readonly table: string;
  readonly model?: string;
  /** The sanitized statements, in the order they ran. */
  readonly statements: readonly string[];
  /** Columns the change names (added, removed, changed, renamed from and to, indexed). */
  readonly columns: readonly string[];
  /** The query-interface method (`addColumn`), or `sql` for raw DDL. */
  readonly change: string;
}

/**
 * The `schema` record of a change: statement-level, the sanitized statements in `statement`
 * (one per line), the columns in `changedFields`, the query-interface method in
 * `metadata.schema_change`. The migration name is added later when it becomes known.
 */
export function buildSchemaEvent(change: SchemaChange, origin: CaptureOrigin): PendingAuditEvent {
  const pending = buildStatementEvent(
    {
      operation: 'schema',
      table: change.table,
      dbSystem: dbSystemOf(change.sequelize),
      namespace: namespaceOf(change.sequelize),
      model: change.model,
      statement: change.statements.join(';\n'),
    },
    origin,
  );
  pending.event.changedFields = [...new Set(change.columns)];
  return pending;
}

/** Adds metadata entries to an event, keys kept in code-unit order (the canonical form). */
export function addEventMetadata(event: AuditEvent, extra: Readonly<Record<string, string>>) {
  const merged: Record<string, string | number | boolean> = { ...event.metadata };
  for (const key of Object.keys(extra)) merged[key] = boundedText(extra[key], KEY_COLUMN_CHARS);
  const sorted: Record<string, string | number | boolean> = {};
  for (const key of Object.keys(merged).sort()) sorted[key] = merged[key];
  event.metadata = sorted;
}
