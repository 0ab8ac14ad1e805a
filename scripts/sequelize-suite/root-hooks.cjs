'use strict';
/* global after */
// Loaded with `mocha --file` in the instrumented run: after the last test, flushes the audit
// processor so the stored records can be counted before mocha exits.
after(async function flushAuditRecords() {
  this.timeout(60_000);
  await globalThis[Symbol.for('sequelize-suite.finish')]();
});
