/*
 * Sequelize 7 binds the values of the statements it generates by name, `$sequelize_1`,
 * `$sequelize_2`, ... with an object `{ sequelize_1: ..., sequelize_2: ... }`, where Sequelize 6
 * binds them by position (`$1` with an array). The seam shows both the same way, so that spans
 * (text and parameters, with parameters masked by the column they are bound to) and the values
 * read off an UPDATE come out as on Sequelize 6.
 */

const GENERATED_NAME = /^sequelize_([1-9][0-9]*)$/;
const GENERATED_PLACEHOLDER = /\$sequelize_([1-9][0-9]*)\b/g;

/** The statement with positional placeholders, when its binds are all Sequelize 7's own. */
export function asPositionalBinds(
  sql: string,
  bind: unknown,
): { sql: string; bind: unknown[] } | undefined {
  if (bind === null || typeof bind !== 'object' || Array.isArray(bind)) return undefined;
  const names = Object.keys(bind);
  if (names.length === 0) return undefined;
  const positional: unknown[] = new Array<unknown>(names.length);
  for (const name of names) {
    const index = GENERATED_NAME.exec(name)?.[1];
    if (index === undefined || Number(index) > names.length) return undefined;
    positional[Number(index) - 1] = (bind as Record<string, unknown>)[name];
  }
  return { sql: sql.replace(GENERATED_PLACEHOLDER, '$$$1'), bind: positional };
}
