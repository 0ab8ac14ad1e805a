// Test-only stand-in for `@opentelemetry/sdk-trace-node` on the SDK 3 line: a TracerProvider
// whose register() installs what NodeTracerProvider.register() did on SDK 2 (global provider,
// AsyncLocalStorage context manager, W3C propagators).
const { context, propagation, trace } = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} = require('@opentelemetry/core');
const sdkTrace = require('@opentelemetry/sdk-trace-base'); // the stand-in beside this one

class NodeTracerProvider extends sdkTrace.TracerProvider {
  register() {
    trace.setGlobalTracerProvider(this);
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(
      new CompositePropagator({
        propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
      }),
    );
  }
}

module.exports = { ...sdkTrace, NodeTracerProvider };
