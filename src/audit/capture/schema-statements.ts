import { leadingVerb, singleTableTarget } from '../../sequelize/sql/statement-shape';

/*
 * Which statements change a schema, and which table they change, read from their text: what
 * raw DDL (`sequelize.query('ALTER TABLE ...')`, a migration's own SQL) and the statements of a
 * query-interface call have in common.
 */

/** Leading verbs of schema statements. */
const DDL_VERBS: ReadonlySet<string> = new Set(['CREATE', 'ALTER', 'DROP', 'RENAME', 'COMMENT']);

/** Whether a statement's text changes a schema (CREATE, ALTER, DROP, RENAME, COMMENT ON). */
export function isSchemaStatement(sql: string): boolean {
  return DDL_VERBS.has(leadingVerb(sql));
}

const QUOTED_OR_BARE = String.raw`(?:"[^"]+"|\x60[^\x60]+\x60|\[[^\]]+\]|[\w$]+)`;
const NAME = new RegExp(String.raw`^${QUOTED_OR_BARE}(?:\.${QUOTED_OR_BARE})*`);
const INDEX_ON = new RegExp(String.raw`\bON\s+(?:ONLY\s+|TABLE\s+)?(${NAME.source.slice(1)})`, 'i');
const RENAME_TABLE = /^\s*RENAME\s+TABLE\s+/i;

function unquote(name: string): string {
  return name
    .split('.')
    .map((part) => part.replace(/^["`[]|["`\]]$/g, ''))
    .join('.');
}

/**
 * The table a schema statement works on: `CREATE/ALTER/DROP TABLE t`, `CREATE INDEX i ON t`,
 * `RENAME TABLE t TO u`, `COMMENT ON TABLE t`; undefined when the text names none (a type, a
 * schema, an index dropped by name).
 */
export function schemaTableOf(sql: string): string | undefined {
  const verb = leadingVerb(sql);
  const table = singleTableTarget(sql, verb);
  if (table) return table;
  if (RENAME_TABLE.test(sql)) {
    const name = NAME.exec(sql.replace(RENAME_TABLE, ''));
    return name ? unquote(name[0]) : undefined;
  }
  const on = INDEX_ON.exec(sql);
  return on ? unquote(on[1]) : undefined;
}
