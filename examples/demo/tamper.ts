import sqlite3 from 'sqlite3';

/**
 * Rewrites one stored value straight in the audit database file, as someone with access to
 * the file (not through the store) would: the nightly job's price becomes 30.00 instead of
 * 35.00. Resolves with the number of records changed.
 */
export function tamperWithStoredPrice(
  auditDatabaseFile: string,
  recordId: string,
): Promise<number> {
  const sql =
    `UPDATE audit_log SET after_values = REPLACE(after_values, '"priceCents":3500', '"priceCents":3000') ` +
    `WHERE table_name = 'products' AND record_id = ? AND actor_id = 'nightly-pricing' AND operation = 'update'`;
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(auditDatabaseFile);
    db.run(sql, [recordId], function (error) {
      const changes = this.changes;
      db.close(() => (error ? reject(error) : resolve(changes)));
    });
  });
}
