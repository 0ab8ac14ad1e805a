import { describeEachDialect } from '../../support/dialects';
import type { DialectFixture } from '../../support/dialects';

/**
 * `describeEachDialect` for the CLI suites: SQLite, PostgreSQL and MariaDB. The MySQL dialect
 * runs against the same MariaDB server and the same store code; the store's own contract
 * suite covers it, and every CLI run costs a process start.
 */
export function describeEachStoreDialect(title: string, body: (db: DialectFixture) => void): void {
  describeEachDialect(title, (db) => {
    if (db.name !== 'mysql') body(db);
  });
}
