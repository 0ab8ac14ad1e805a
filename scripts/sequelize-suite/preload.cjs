'use strict';
/* global setTimeout, clearTimeout */
// Loaded with `mocha --require` in the instrumented run: starts a tracer provider with the
// package's instrumentation (tracing, ORM and transaction spans, parameters, audit) and an
// AuditSpanProcessor writing to a JSONL store, and counts what the package produced so the
// run can prove it patched the suite's own Sequelize. Counts are written on exit.
const fs = require('fs');

const packageEntry = process.env.SEQUELIZE_SUITE_PACKAGE;
const storePath = process.env.SEQUELIZE_SUITE_STORE;
const countsPath = process.env.SEQUELIZE_SUITE_COUNTS;
// The suite's tests install sinon fake timers; the flush deadline must use the real clock.
const realSetTimeout = setTimeout;
const realClearTimeout = clearTimeout;

const { NodeTracerProvider } = require(
  require.resolve('@opentelemetry/sdk-trace-node', { paths: [packageEntry] }),
);
const { registerInstrumentations } = require(
  require.resolve('@opentelemetry/instrumentation', { paths: [packageEntry] }),
);
const { SequelizeAuditInstrumentation, AuditSpanProcessor, JsonlAuditStore } = require(
  packageEntry,
);

const counts = { spans: 0, querySpans: 0, auditSpans: 0, storedRecords: 0, flushed: false };
const countingProcessor = {
  onStart() {},
  onEnd(span) {
    counts.spans += 1;
    if (span.attributes['db.query.text'] !== undefined) counts.querySpans += 1;
    if (span.attributes['audit.event.id'] !== undefined) counts.auditSpans += 1;
  },
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};
const auditProcessor = new AuditSpanProcessor({
  store: new JsonlAuditStore({ path: storePath }),
  spool: { directory: `${storePath}.spool` },
});
const provider = new NodeTracerProvider({ spanProcessors: [countingProcessor, auditProcessor] });
provider.register();
registerInstrumentations({
  tracerProvider: provider,
  instrumentations: [
    new SequelizeAuditInstrumentation({ captureParameters: true, audit: { enabled: true } }),
  ],
});

/** Flushes the audit processor within `millis` of the real clock; true when it settled. */
async function flushAudit(millis) {
  let timer;
  const deadline = new Promise((resolve) => (timer = realSetTimeout(() => resolve(false), millis)));
  const flushed = auditProcessor.forceFlush().then(
    () => true,
    () => false,
  );
  const settled = await Promise.race([flushed, deadline]);
  realClearTimeout(timer);
  return settled;
}

function countStoredRecords() {
  try {
    return fs
      .readFileSync(storePath, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '').length;
  } catch {
    return 0;
  }
}

globalThis[Symbol.for('sequelize-suite.finish')] = async () => {
  counts.flushed = await flushAudit(30_000);
  counts.storedRecords = countStoredRecords();
};
process.on('exit', () => {
  if (counts.storedRecords === 0) counts.storedRecords = countStoredRecords();
  fs.writeFileSync(countsPath, JSON.stringify(counts));
});
