// Test-only stand-in for `@opentelemetry/sdk-trace-base` on the SDK 3 line, where
// `@opentelemetry/sdk-trace` replaces it: the suite's fixtures keep their SDK 2 import names
// and call shapes (`new SimpleSpanProcessor(exporter)`; SDK 3 takes `{ exporter }`).
// The package's own code needs neither (scripts/sdk3-suite.sh checks the build for it).
const trace = require('@opentelemetry/sdk-trace');

/** Accepts the SDK 2 call `(exporter, config)` as well as SDK 3's `({ exporter, ... })`. */
function processorOptions(exporterOrOptions, config) {
  const isExporter = typeof exporterOrOptions?.export === 'function';
  return isExporter ? { ...config, exporter: exporterOrOptions } : exporterOrOptions;
}

class SimpleSpanProcessor extends trace.SimpleSpanProcessor {
  constructor(exporterOrOptions, config) {
    super(processorOptions(exporterOrOptions, config));
  }
}

class BatchSpanProcessor extends trace.BatchSpanProcessor {
  constructor(exporterOrOptions, config) {
    super(processorOptions(exporterOrOptions, config));
  }
}

module.exports = {
  ...trace,
  BasicTracerProvider: trace.TracerProvider,
  SimpleSpanProcessor,
  BatchSpanProcessor,
};
