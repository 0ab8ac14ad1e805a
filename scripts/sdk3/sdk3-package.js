// Rewrites a copy's package.json for the OpenTelemetry SDK 3.x line (Node >= 22.15):
// sdk-node 0.301, core / sdk-trace 3.1 (sdk-trace replaces sdk-trace-base and -node).
const { readFileSync, writeFileSync } = require('fs');

const file = process.argv[2];
const manifest = JSON.parse(readFileSync(file, 'utf8'));
const dev = manifest.devDependencies;
Object.assign(dev, {
  '@opentelemetry/api': '1.10.0',
  '@opentelemetry/context-async-hooks': '3.1.1',
  '@opentelemetry/core': '3.1.1',
  '@opentelemetry/exporter-logs-otlp-http': '0.301.0',
  '@opentelemetry/exporter-trace-otlp-http': '0.301.0',
  '@opentelemetry/exporter-trace-otlp-proto': '0.301.1',
  '@opentelemetry/instrumentation': '0.301.1',
  '@opentelemetry/instrumentation-express': '0.72.0',
  '@opentelemetry/instrumentation-http': '0.301.0',
  '@opentelemetry/instrumentation-mysql2': '0.70.0',
  '@opentelemetry/instrumentation-pg': '0.77.0',
  '@opentelemetry/resources': '3.1.1',
  '@opentelemetry/sdk-logs': '3.1.1',
  '@opentelemetry/sdk-metrics': '3.1.1',
  '@opentelemetry/sdk-node': '0.301.0',
  '@opentelemetry/sdk-trace': '3.1.1',
});
// Replaced by test-only stand-ins over sdk-trace (scripts/sdk3/); sqlite3 (N-API, so one
// build serves every Node version) is linked from the main copy instead of compiled again.
for (const name of ['@opentelemetry/sdk-trace-base', '@opentelemetry/sdk-trace-node', 'sqlite3']) {
  delete dev[name];
}
writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
